#!/usr/bin/env bash
# Deploy the Recs Studio System Dashboard to a Google Cloud project with gcloud.
#
#   infra/deploy.sh [options] PROJECT REGION
#
# Idempotent: each resource is described first, then created or updated, so
# running it again brings the project back in line with this repository.
# infra/README.md walks through a first deployment from an empty project.
#
# Options:
#   --dry-run             print every command instead of running it (the
#                         output is itself a shell script)
#   --only SERVICE        build and deploy that one Cloud Run service only
#   --access iap|iam      how users reach web: Identity-Aware Proxy (default)
#                         or Cloud Run IAM (roles/run.invoker)
#   --users MEMBERS       comma-separated IAM members allowed to open the page,
#                         e.g. group:analysts@example.com,user:ana@example.com
#   --tag TAG             image tag (default: the git commit, short)
#   --bucket-prefix P     bucket names are P-<suffix> (default: PROJECT)
#   --billing-dataset D   BigQuery dataset of the billing export
#                         (default: billing_export, in PROJECT)
#   --project-number N    skip looking it up (required for an exact dry run)
#
# Needs gcloud and bq (Google Cloud SDK) and python3 >= 3.11 (reads the
# topology and the Scheduler jobs from shared/recs_shared).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

SERVICES=(dashboard-api metrics-collector billing-collector web)
REPOSITORY=recs

# Project-level roles of each service account, and why (infra/README.md).
# Narrower grants (one topic, one bucket, one service) are made further down.
declare -A PROJECT_ROLES=(
  [dashboard-api]="roles/datastore.user roles/cloudscheduler.admin"
  [metrics-collector]="roles/datastore.viewer roles/bigquery.jobUser roles/bigquery.metadataViewer roles/bigquery.resourceViewer roles/monitoring.viewer roles/run.viewer roles/aiplatform.user"
  [billing-collector]="roles/datastore.viewer roles/bigquery.jobUser"
  [web]=""
)

# Which service publishes each event type of the topology.
declare -A PUBLISHER=(
  [resource_metrics.snapshot]=metrics-collector
  [billing.snapshot]=billing-collector
)
# Filled from the topology: each topic's dead-letter topic.
declare -A DEAD_LETTER_OF=()

DRY_RUN=false
ONLY=""
ACCESS=iap
USERS=""
TAG=""
BUCKET_PREFIX=""
BILLING_DATASET=billing_export
PROJECT_NUMBER=""

usage() {
  sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

fail() {
  echo "deploy.sh: $*" >&2
  exit 1
}

# A word as the shell reads it back: bare when safe, single-quoted otherwise.
quote_word() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=@,+%-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

quote() {
  local word first=true
  for word in "$@"; do
    $first || printf ' '
    first=false
    quote_word "$word"
  done
}

step() {
  if $DRY_RUN; then
    printf '\n# %s\n' "$*"
  else
    printf '==> %s\n' "$*" >&2
  fi
}

run() {
  if $DRY_RUN; then
    quote "$@"
    printf '\n'
  else
    "$@"
  fi
}

# ensure DESCRIBE... -- CREATE...: create the resource unless it exists.
ensure() {
  local describe=() create=()
  while [ "$1" != "--" ]; do describe+=("$1"); shift; done
  shift
  create=("$@")

  if $DRY_RUN; then
    printf '%s >/dev/null 2>&1 || %s\n' \
      "$(quote "${describe[@]}")" "$(quote "${create[@]}")"
  elif ! "${describe[@]}" >/dev/null 2>&1; then
    "${create[@]}"
  fi
}

# upsert DESCRIBE... -- UPDATE... -- CREATE...: update it, or create it.
upsert() {
  local describe=() update=() create=()
  while [ "$1" != "--" ]; do describe+=("$1"); shift; done
  shift
  while [ "$1" != "--" ]; do update+=("$1"); shift; done
  shift
  create=("$@")

  if $DRY_RUN; then
    printf 'if %s >/dev/null 2>&1; then %s; else %s; fi\n' \
      "$(quote "${describe[@]}")" "$(quote "${update[@]}")" \
      "$(quote "${create[@]}")"
  elif "${describe[@]}" >/dev/null 2>&1; then
    "${update[@]}"
  else
    "${create[@]}"
  fi
}

# create_once CREATE...: for resources gcloud cannot describe by name
# (composite indexes): an "already exists" refusal is success.
create_once() {
  if $DRY_RUN; then
    printf '%s || true\n' "$(quote "$@")"
    return
  fi
  local output
  if ! output="$("$@" 2>&1)"; then
    grep -q "ALREADY_EXISTS\|already exists" <<<"$output" || fail "$output"
  fi
}

parse_args() {
  local positional=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --dry-run) DRY_RUN=true ;;
      --only) ONLY="${2:?--only needs a service}"; shift ;;
      --access) ACCESS="${2:?--access needs iap or iam}"; shift ;;
      --users) USERS="${2:?--users needs members}"; shift ;;
      --tag) TAG="${2:?--tag needs a value}"; shift ;;
      --bucket-prefix) BUCKET_PREFIX="${2:?--bucket-prefix needs a value}"; shift ;;
      --billing-dataset) BILLING_DATASET="${2:?--billing-dataset needs a name}"; shift ;;
      --project-number) PROJECT_NUMBER="${2:?--project-number needs a number}"; shift ;;
      -h | --help) usage ;;
      -*) fail "unknown option $1 (see --help)" ;;
      *) positional+=("$1") ;;
    esac
    shift
  done

  [ ${#positional[@]} -eq 2 ] || usage
  PROJECT="${positional[0]}"
  REGION="${positional[1]}"

  case "$ACCESS" in iap | iam) ;; *) fail "--access must be iap or iam, not $ACCESS" ;; esac
  if [ -n "$ONLY" ] && [[ ! " ${SERVICES[*]} " =~ \ $ONLY\  ]]; then
    fail "--only: unknown service $ONLY (one of: ${SERVICES[*]})"
  fi
  [[ "$PROJECT" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || fail "not a project id: $PROJECT"
  [[ "$REGION" =~ ^[a-z]+-[a-z]+[0-9]$ ]] || fail "not a region: $REGION"
}

resolve_names() {
  BUCKET_PREFIX="${BUCKET_PREFIX:-$PROJECT}"
  if [ -z "$TAG" ]; then
    TAG="$(git rev-parse --short HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)"
  fi
  if [ -z "$PROJECT_NUMBER" ]; then
    if $DRY_RUN; then
      PROJECT_NUMBER=PROJECT_NUMBER
    else
      PROJECT_NUMBER="$(gcloud projects describe "$PROJECT" --format='value(projectNumber)')"
    fi
  fi
  PUBSUB_AGENT="service-${PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com"
  IAP_AGENT="service-${PROJECT_NUMBER}@gcp-sa-iap.iam.gserviceaccount.com"
  PUSH_SA="$(account_email push)"
  SCHEDULER_SA="$(account_email scheduler)"
  ARTIFACTS_BUCKET="${BUCKET_PREFIX}-training-artifacts"
}

account_email() {
  echo "recs-$1@${PROJECT}.iam.gserviceaccount.com"
}

# Cloud Run's deterministic URL: known before the service exists, so audiences
# and push endpoints can be set in any order.
service_url() {
  echo "https://$1-${PROJECT_NUMBER}.${REGION}.run.app"
}

image() {
  echo "${REGION}-docker.pkg.dev/${PROJECT}/${REPOSITORY}/$1:${TAG}"
}

enable_apis() {
  step "APIs"
  local apis=(
    run.googleapis.com cloudbuild.googleapis.com artifactregistry.googleapis.com
    pubsub.googleapis.com firestore.googleapis.com cloudscheduler.googleapis.com
    iam.googleapis.com iamcredentials.googleapis.com bigquery.googleapis.com
    monitoring.googleapis.com storage.googleapis.com aiplatform.googleapis.com
  )
  [ "$ACCESS" = iap ] && apis+=(iap.googleapis.com)
  run gcloud services enable "${apis[@]}" --project="$PROJECT"

  # The service agents that sign push tokens and pass IAP requests.
  run gcloud beta services identity create --service=pubsub.googleapis.com \
    --project="$PROJECT" --format=none
  if [ "$ACCESS" = iap ]; then
    run gcloud beta services identity create --service=iap.googleapis.com \
      --project="$PROJECT" --format=none
  fi
}

create_foundations() {
  step "Artifact Registry repository and Firestore database"
  ensure gcloud artifacts repositories describe "$REPOSITORY" \
    --location="$REGION" --project="$PROJECT" -- \
    gcloud artifacts repositories create "$REPOSITORY" --repository-format=docker \
    --location="$REGION" --description="Recs Studio images" --project="$PROJECT"
  ensure gcloud firestore databases describe --database='(default)' \
    --project="$PROJECT" -- \
    gcloud firestore databases create --database='(default)' --location="$REGION" \
    --type=firestore-native --project="$PROJECT"
}

create_service_accounts() {
  step "Service accounts (one per service, plus push and scheduler identities)"
  local name
  for name in "${SERVICES[@]}" push scheduler; do
    ensure gcloud iam service-accounts describe "$(account_email "$name")" \
      --project="$PROJECT" -- \
      gcloud iam service-accounts create "recs-$name" \
      --display-name="Recs Studio $name" --project="$PROJECT"
  done

  step "Project roles"
  local service role
  for service in "${SERVICES[@]}"; do
    for role in ${PROJECT_ROLES[$service]}; do
      run gcloud projects add-iam-policy-binding "$PROJECT" \
        --member="serviceAccount:$(account_email "$service")" --role="$role" \
        --condition=None --format=none
    done
  done

  step "Service-account roles"
  # dashboard-api creates Scheduler jobs that act as the scheduler identity.
  run gcloud iam service-accounts add-iam-policy-binding "$SCHEDULER_SA" \
    --member="serviceAccount:$(account_email dashboard-api)" \
    --role=roles/iam.serviceAccountUser --project="$PROJECT" --format=none
  # Pub/Sub mints the push subscriptions' OIDC tokens as the push identity.
  run gcloud iam service-accounts add-iam-policy-binding "$PUSH_SA" \
    --member="serviceAccount:$PUBSUB_AGENT" \
    --role=roles/iam.serviceAccountTokenCreator --project="$PROJECT" --format=none
}

# The topology as tab-separated lines, from the one file the bridge also reads.
topology_lines() {
  PYTHONPATH=shared python3 - "$1" <<'EOF'
import json, subprocess, sys

plan = json.loads(
    subprocess.run(
        [sys.executable, "-m", "recs_shared.topology"],
        check=True, capture_output=True, text=True,
    ).stdout
)
for item in plan[sys.argv[1]]:
    print("\t".join(str(value) for value in item.values()))
EOF
}

schedule_lines() {
  PYTHONPATH=shared python3 - <<'EOF'
import json, subprocess, sys

jobs = json.loads(
    subprocess.run(
        [sys.executable, "-m", "recs_shared.schedules"],
        check=True, capture_output=True, text=True,
    ).stdout
)
for job in jobs:
    print("\t".join(str(value) for value in job.values()))
EOF
}

create_topics() {
  step "Topics and dead-letter topics (shared/recs_shared/topology.toml)"
  local name event_type dead_letter publisher
  while IFS=$'\t' read -r name event_type dead_letter; do
    publisher="${PUBLISHER[$event_type]:?no publisher for $event_type in deploy.sh}"
    DEAD_LETTER_OF[$name]="$dead_letter"
    ensure gcloud pubsub topics describe "$name" --project="$PROJECT" -- \
      gcloud pubsub topics create "$name" --project="$PROJECT"
    ensure gcloud pubsub topics describe "$dead_letter" --project="$PROJECT" -- \
      gcloud pubsub topics create "$dead_letter" --project="$PROJECT"
    # A topic without a subscription drops what it gets: keep parked
    # messages 31 days for a person to inspect and requeue.
    ensure gcloud pubsub subscriptions describe "${dead_letter}-parked" \
      --project="$PROJECT" -- \
      gcloud pubsub subscriptions create "${dead_letter}-parked" \
      --topic="$dead_letter" --message-retention-duration=2678400s \
      --expiration-period=never --project="$PROJECT"
    run gcloud pubsub topics add-iam-policy-binding "$name" \
      --member="serviceAccount:$(account_email "$publisher")" \
      --role=roles/pubsub.publisher --project="$PROJECT" --format=none
    # Dead-lettering is done by the Pub/Sub service agent.
    run gcloud pubsub topics add-iam-policy-binding "$dead_letter" \
      --member="serviceAccount:$PUBSUB_AGENT" --role=roles/pubsub.publisher \
      --project="$PROJECT" --format=none
  done < <(topology_lines topics)
}

create_subscriptions() {
  step "Push subscriptions to dashboard-api (OIDC, dead-letter policy)"
  local name topic service push_path attempts ack min_backoff max_backoff retention
  local audience settings
  while IFS=$'\t' read -r name topic service push_path attempts ack \
    min_backoff max_backoff retention; do
    audience="$(service_url "$service")"
    settings=(
      --push-endpoint="${audience}${push_path}"
      --push-auth-service-account="$PUSH_SA"
      --push-auth-token-audience="$audience"
      --ack-deadline="$ack"
      --message-retention-duration="${retention}s"
      --min-retry-delay="${min_backoff}s"
      --max-retry-delay="${max_backoff}s"
      --dead-letter-topic="${DEAD_LETTER_OF[$topic]:?unknown topic $topic}"
      --max-delivery-attempts="$attempts"
      --project="$PROJECT"
    )
    upsert gcloud pubsub subscriptions describe "$name" --project="$PROJECT" -- \
      gcloud pubsub subscriptions update "$name" "${settings[@]}" -- \
      gcloud pubsub subscriptions create "$name" --topic="$topic" "${settings[@]}"
    run gcloud pubsub subscriptions add-iam-policy-binding "$name" \
      --member="serviceAccount:$PUBSUB_AGENT" --role=roles/pubsub.subscriber \
      --project="$PROJECT" --format=none
  done < <(topology_lines subscriptions)
}

build_image() {
  run gcloud builds submit . --config=infra/cloudbuild.yaml \
    --ignore-file=infra/gcloudignore \
    --substitutions="_SERVICE=$1,_IMAGE=$(image "$1")" --project="$PROJECT"
}

# The environment of each service on Cloud Run (README.md's settings table).
service_env() {
  local env="RECS_PROFILE=production,RECS_GCP_PROJECT=${PROJECT},RECS_REGION=${REGION}"
  env+=",RECS_DASHBOARD_API_URL=$(service_url dashboard-api)"
  case "$1" in
    dashboard-api)
      env+=",RECS_PUSH_AUDIENCE=$(service_url dashboard-api)"
      env+=",RECS_PUSH_SERVICE_ACCOUNTS=${PUSH_SA}"
      env+=",RECS_SCHEDULER_SERVICE_ACCOUNT=${SCHEDULER_SA}"
      env+=",RECS_METRICS_COLLECTOR_URL=$(service_url metrics-collector)"
      ;;
    metrics-collector) env+=",RECS_ARTIFACTS_BUCKET=${ARTIFACTS_BUCKET}" ;;
    web)
      env+=",RECS_API_IDENTITY_TOKEN=true"
      if [ "$ACCESS" = iap ]; then
        # The audience of the assertion Cloud Run's own IAP signs.
        env+=",RECS_WEB_ACCESS=iap"
        env+=",RECS_IAP_AUDIENCE=/projects/${PROJECT_NUMBER}/locations/${REGION}/services/web"
      else
        env+=",RECS_WEB_ACCESS=cloud-run-iam"
      fi
      ;;
  esac
  echo "$env"
}

# Cloud Run flags per service (into FLAGS): only web faces users; the
# collectors run one job at a time for up to Cloud Scheduler's 30-minute
# attempt deadline.
service_flags() {
  case "$1" in
    dashboard-api | web)
      FLAGS=(--memory=512Mi --concurrency=80 --max-instances=4 --timeout=60)
      ;;
    *) FLAGS=(--memory=1Gi --concurrency=1 --max-instances=2 --timeout=1800) ;;
  esac
  if [ "$1" = web ] && [ "$ACCESS" = iap ]; then
    FLAGS+=(--iap)
  fi
}

deploy_service() {
  local service="$1" deploy=(gcloud run deploy)
  # Cloud Run's own IAP switch is still a beta flag of gcloud.
  if [ "$service" = web ] && [ "$ACCESS" = iap ]; then
    deploy=(gcloud beta run deploy)
  fi
  service_flags "$service"

  run "${deploy[@]}" "$service" --image="$(image "$service")" --region="$REGION" \
    --service-account="$(account_email "$service")" --no-allow-unauthenticated \
    --ingress=all "${FLAGS[@]}" --update-env-vars="$(service_env "$service")" \
    --project="$PROJECT" --quiet
}

grant_invokers() {
  local service="$1" member
  local members=()
  case "$service" in
    dashboard-api)
      # Only web and the push subscriptions may call dashboard-api.
      members=("serviceAccount:$(account_email web)" "serviceAccount:$PUSH_SA")
      ;;
    metrics-collector | billing-collector) members=("serviceAccount:$SCHEDULER_SA") ;;
    web)
      if [ "$ACCESS" = iap ]; then
        members=("serviceAccount:$IAP_AGENT")
      elif [ -n "$USERS" ]; then
        IFS=, read -r -a members <<<"$USERS"
      fi
      ;;
  esac
  for member in "${members[@]}"; do
    run gcloud run services add-iam-policy-binding "$service" --region="$REGION" \
      --member="$member" --role=roles/run.invoker --project="$PROJECT" --format=none
  done
}

deploy_services() {
  local service
  for service in "${SERVICES[@]}"; do
    [ -n "$ONLY" ] && [ "$service" != "$ONLY" ] && continue
    step "Service $service: build, deploy, invokers"
    build_image "$service"
    deploy_service "$service"
    grant_invokers "$service"
  done
}

grant_page_users() {
  [ "$ACCESS" = iap ] && [ -n "$USERS" ] || return 0
  step "Who may open the page (IAP)"
  local member members=()
  IFS=, read -r -a members <<<"$USERS"
  for member in "${members[@]}"; do
    run gcloud projects add-iam-policy-binding "$PROJECT" --member="$member" \
      --role=roles/iap.httpsResourceAccessor --condition=None --format=none
  done
}

create_scheduler_jobs() {
  step "Cloud Scheduler jobs (shared/recs_shared/schedules.toml), UTC"
  local name group service path schedule description time_zone deadline retries
  local backoff audience settings
  # group is the set-up commands' grouping; gcloud needs none.
  # shellcheck disable=SC2034
  while IFS=$'\t' read -r name group service path schedule description time_zone \
    deadline retries backoff; do
    audience="$(service_url "$service")"
    settings=(
      --location="$REGION" --schedule="$schedule" --time-zone="$time_zone"
      --uri="${audience}${path}" --http-method=POST --message-body='{}'
      --oidc-service-account-email="$SCHEDULER_SA" --oidc-token-audience="$audience"
      --attempt-deadline="${deadline}s" --max-retry-attempts="$retries"
      --min-backoff="${backoff}s" --description="$description" --project="$PROJECT"
    )
    upsert gcloud scheduler jobs describe "$name" --location="$REGION" \
      --project="$PROJECT" -- \
      gcloud scheduler jobs update http "$name" "${settings[@]}" \
      --update-headers=Content-Type=application/json -- \
      gcloud scheduler jobs create http "$name" "${settings[@]}" \
      --headers=Content-Type=application/json
  done < <(schedule_lines)
}

configure_buckets() {
  step "Buckets and lifecycle policies (infra/buckets.tsv)"
  local suffix lifecycle bucket
  while IFS=$'\t' read -r suffix lifecycle; do
    bucket="gs://${BUCKET_PREFIX}-${suffix}"
    ensure gcloud storage buckets describe "$bucket" --project="$PROJECT" -- \
      gcloud storage buckets create "$bucket" --location="$REGION" \
      --uniform-bucket-level-access --project="$PROJECT"
    if [ "$lifecycle" = none ]; then
      run gcloud storage buckets update "$bucket" --clear-lifecycle \
        --project="$PROJECT"
    else
      run gcloud storage buckets update "$bucket" \
        --lifecycle-file="infra/lifecycle/$lifecycle" --project="$PROJECT"
    fi
  done < <(grep -v '^#' infra/buckets.tsv)

  # The artifact clean-up lists and deletes objects of this bucket only.
  run gcloud storage buckets add-iam-policy-binding "gs://$ARTIFACTS_BUCKET" \
    --member="serviceAccount:$(account_email metrics-collector)" \
    --role=roles/storage.objectAdmin --project="$PROJECT" --format=none
}

create_indexes() {
  step "Firestore composite indexes (infra/firestore-indexes.tsv)"
  local collection fields field_configs field
  while IFS=$'\t' read -r collection fields; do
    field_configs=()
    for field in ${fields//,/ }; do
      field_configs+=("--field-config=field-path=${field%%:*},order=${field##*:}")
    done
    create_once gcloud firestore indexes composite create \
      --collection-group="$collection" --query-scope=COLLECTION \
      "${field_configs[@]}" --database='(default)' --async --project="$PROJECT"
  done < <(grep -v '^#' infra/firestore-indexes.tsv)
}

prepare_billing_export() {
  step "Billing export dataset (the export itself is switched on in the console)"
  # EU multi-region, as the spec's export; Cloud Billing writes into it.
  ensure bq --project_id="$PROJECT" show --dataset "${PROJECT}:${BILLING_DATASET}" -- \
    bq --project_id="$PROJECT" mk --dataset --location=EU \
    --description="Cloud Billing export (detailed usage cost)" \
    "${PROJECT}:${BILLING_DATASET}"
  # Known shortcoming: a project-level grant lets billing-collector read every
  # dataset of the project, not only the export (bq has no dataset binding
  # command we can rely on); infra/README.md shows the dataset-level grant.
  run gcloud projects add-iam-policy-binding "$PROJECT" \
    --member="serviceAccount:$(account_email billing-collector)" \
    --role=roles/bigquery.dataViewer --condition=None --format=none
}

main() {
  parse_args "$@"
  resolve_names
  if $DRY_RUN; then
    printf '#!/usr/bin/env bash\n# infra/deploy.sh --dry-run %s %s\nset -euo pipefail\n' \
      "$PROJECT" "$REGION"
  fi

  if [ -n "$ONLY" ]; then
    deploy_services
    return
  fi

  enable_apis
  create_foundations
  create_service_accounts
  create_topics
  configure_buckets
  prepare_billing_export
  create_indexes
  deploy_services
  grant_page_users
  create_subscriptions
  create_scheduler_jobs
}

main "$@"
