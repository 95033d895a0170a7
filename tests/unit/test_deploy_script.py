"""infra/deploy.sh --dry-run, checked offline: services, flags, schedules,
audiences and roles, against the spec and the topology file (read here).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "infra" / "deploy.sh"
PROJECT = "b2b-recs"
REGION = "europe-central2"
NUMBER = "555035914949"


def url(service: str) -> str:
    return f"https://{service}-{NUMBER}.{REGION}.run.app"


def sa(name: str) -> str:
    return f"recs-{name}@{PROJECT}.iam.gserviceaccount.com"


PUBSUB_AGENT = f"service-{NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com"
IAP_AGENT = f"service-{NUMBER}@gcp-sa-iap.iam.gserviceaccount.com"

# The spec's "Automated Daily Collection (UTC)" table.
SPEC_JOBS = {
    "collect-resource-metrics": (
        "0 2 * * *",
        "metrics-collector",
        "/api/system/collect-metrics-webhook/",
    ),
    "cleanup-gcs-artifacts": (
        "0 3 * * *",
        "metrics-collector",
        "/api/system/cleanup-artifacts-webhook/",
    ),
    "cleanup-orphan-models": (
        "0 4 * * *",
        "metrics-collector",
        "/api/system/cleanup-orphan-models-webhook/",
    ),
    "collect-billing-snapshots": (
        "0 5 * * *",
        "billing-collector",
        "/api/system/collect-billing-webhook/",
    ),
}
# The spec's "GCS Bucket Lifecycle Policies" table: days, or None.
SPEC_LIFECYCLE = {
    "b2b-recs-quicktest-artifacts": 7,
    "b2b-recs-training-artifacts": None,
    "b2b-recs-pipeline-staging": 7,
    "b2b-recs-dataflow": 3,
}


def dry_run(*options: str) -> subprocess.CompletedProcess:
    fixed = ["--dry-run", "--project-number", NUMBER, "--tag", "t1"]
    return subprocess.run(
        ["bash", str(DEPLOY), *fixed, *options],
        capture_output=True,
        text=True,
        cwd="/",
    )


def commands(output: str) -> list[list[str]]:
    """Every command of the printed script, as argv lists, in order."""
    found = []
    for line in output.splitlines():
        if not line or line.startswith("#") or line == "set -euo pipefail":
            continue
        upsert = re.fullmatch(
            r"if (.*) >/dev/null 2>&1; then (.*); else (.*); fi", line
        )
        if upsert:
            parts = upsert.groups()
        else:
            parts = re.split(r" >/dev/null 2>&1 \|\| ", line.removesuffix(" || true"))
        found.extend(shlex.split(part) for part in parts)
    return found


def flag(argv: list[str], name: str) -> str | None:
    values = [a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")]
    assert len(values) <= 1, f"--{name} given twice in {argv}"
    return values[0] if values else None


def starting(argv_list, *words):
    return [a for a in argv_list if a[: len(words)] == list(words)]


def deployed(cmds) -> dict[str, list[str]]:
    """Each `gcloud [beta] run deploy SERVICE ...` by service."""
    found = {}
    for argv in cmds:
        words = [w for w in argv[:5] if w != "beta"]
        if words[:3] == ["gcloud", "run", "deploy"]:
            found[words[3]] = argv
    return found


@pytest.fixture(scope="module")
def script() -> str:
    result = dry_run("--users", "group:analysts@example.com", PROJECT, REGION)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def cmds(script) -> list[list[str]]:
    return commands(script)


def test_the_dry_run_is_a_valid_shell_script(script, tmp_path):
    printed = tmp_path / "deploy-plan.sh"
    printed.write_text(script)

    assert subprocess.run(["bash", "-n", str(printed)]).returncode == 0
    assert script.startswith("#!/usr/bin/env bash\n")


def test_the_script_and_its_dry_run_are_shellcheck_clean(script, tmp_path):
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (make test installs it from Debian)")
    printed = tmp_path / "deploy-plan.sh"
    printed.write_text(script)

    for path in (DEPLOY, printed):
        result = subprocess.run(
            ["shellcheck", str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout


def test_four_services_are_deployed_and_only_web_is_behind_iap(cmds):
    deploys = deployed(cmds)

    assert set(deploys) == {
        "dashboard-api",
        "metrics-collector",
        "billing-collector",
        "web",
    }
    for service, argv in deploys.items():
        assert "--no-allow-unauthenticated" in argv
        assert flag(argv, "service-account") == sa(service)
        assert flag(argv, "image") == (
            f"{REGION}-docker.pkg.dev/{PROJECT}/recs/{service}:t1"
        )
        assert flag(argv, "region") == REGION
        assert flag(argv, "project") == PROJECT
        assert ("--iap" in argv) == (service == "web")
    assert deploys["web"][:4] == ["gcloud", "beta", "run", "deploy"]
    for collector in ("metrics-collector", "billing-collector"):
        assert flag(deploys[collector], "timeout") == "1800"


def env_of(cmds, service: str) -> dict[str, str]:
    pairs = flag(deployed(cmds)[service], "update-env-vars").split(",")
    return dict(pair.split("=", 1) for pair in pairs)


def test_each_service_gets_its_production_settings(cmds):
    api = env_of(cmds, "dashboard-api")

    assert api == {
        "RECS_PROFILE": "production",
        "RECS_GCP_PROJECT": PROJECT,
        "RECS_REGION": REGION,
        "RECS_DASHBOARD_API_URL": url("dashboard-api"),
        "RECS_PUSH_AUDIENCE": url("dashboard-api"),
        "RECS_PUSH_SERVICE_ACCOUNTS": sa("push"),
        "RECS_SCHEDULER_SERVICE_ACCOUNT": sa("scheduler"),
        "RECS_METRICS_COLLECTOR_URL": url("metrics-collector"),
    }
    assert env_of(cmds, "web") == {
        "RECS_PROFILE": "production",
        "RECS_GCP_PROJECT": PROJECT,
        "RECS_REGION": REGION,
        "RECS_DASHBOARD_API_URL": url("dashboard-api"),
        "RECS_API_IDENTITY_TOKEN": "true",
        "RECS_WEB_ACCESS": "iap",
        "RECS_IAP_AUDIENCE": f"/projects/{NUMBER}/locations/{REGION}/services/web",
    }
    assert env_of(cmds, "metrics-collector")["RECS_ARTIFACTS_BUCKET"] == (
        "b2b-recs-training-artifacts"
    )


def invokers(cmds, service: str) -> set[str]:
    return {
        flag(a, "member")
        for a in starting(cmds, "gcloud", "run", "services", "add-iam-policy-binding")
        if a[4] == service and flag(a, "role") == "roles/run.invoker"
    }


def test_only_web_and_the_push_identity_may_call_dashboard_api(cmds):
    assert invokers(cmds, "dashboard-api") == {
        f"serviceAccount:{sa('web')}",
        f"serviceAccount:{sa('push')}",
    }
    assert invokers(cmds, "metrics-collector") == {f"serviceAccount:{sa('scheduler')}"}
    assert invokers(cmds, "billing-collector") == {f"serviceAccount:{sa('scheduler')}"}
    assert invokers(cmds, "web") == {f"serviceAccount:{IAP_AGENT}"}

    page_users = [
        flag(a, "member")
        for a in starting(cmds, "gcloud", "projects", "add-iam-policy-binding")
        if flag(a, "role") == "roles/iap.httpsResourceAccessor"
    ]
    assert page_users == ["group:analysts@example.com"]


def test_scheduler_jobs_match_the_spec_with_oidc_audiences(cmds):
    created = {a[5]: a for a in starting(cmds, "gcloud", "scheduler", "jobs", "create")}
    updated = {a[5]: a for a in starting(cmds, "gcloud", "scheduler", "jobs", "update")}

    assert set(created) == set(updated) == set(SPEC_JOBS)
    for name, (schedule, service, path) in SPEC_JOBS.items():
        for argv in (created[name], updated[name]):
            assert flag(argv, "schedule") == schedule
            assert flag(argv, "time-zone") == "Etc/UTC"
            assert flag(argv, "location") == REGION
            assert flag(argv, "uri") == url(service) + path
            assert flag(argv, "http-method") == "POST"
            assert flag(argv, "oidc-service-account-email") == sa("scheduler")
            assert flag(argv, "oidc-token-audience") == url(service)


def test_push_subscriptions_follow_the_topology_file(cmds):
    topology = tomllib.loads(
        (REPO / "shared" / "recs_shared" / "topology.toml").read_text()
    )
    created = {
        a[4]: a for a in starting(cmds, "gcloud", "pubsub", "subscriptions", "create")
    }
    api_env = env_of(cmds, "dashboard-api")

    for name, sub in topology["subscriptions"].items():
        argv = created[name]
        topic = topology["topics"][sub["topic"]]
        assert flag(argv, "topic") == sub["topic"]
        assert flag(argv, "push-endpoint") == url(sub["service"]) + sub["push_path"]
        # The token's audience and identity are what dashboard-api verifies.
        assert flag(argv, "push-auth-token-audience") == api_env["RECS_PUSH_AUDIENCE"]
        assert (
            flag(argv, "push-auth-service-account")
            == (api_env["RECS_PUSH_SERVICE_ACCOUNTS"])
        )
        assert flag(argv, "dead-letter-topic") == topic["dead_letter_topic"]
        assert flag(argv, "max-delivery-attempts") == str(sub["max_delivery_attempts"])
        assert flag(argv, "ack-deadline") == str(sub["ack_deadline_seconds"])


def test_the_pubsub_agent_can_dead_letter_and_sign_push_tokens(cmds):
    topology = tomllib.loads(
        (REPO / "shared" / "recs_shared" / "topology.toml").read_text()
    )
    agent = f"serviceAccount:{PUBSUB_AGENT}"

    publishes_to = {
        a[4]
        for a in starting(cmds, "gcloud", "pubsub", "topics", "add-iam-policy-binding")
        if flag(a, "member") == agent and flag(a, "role") == "roles/pubsub.publisher"
    }
    subscribes_to = {
        a[4]
        for a in starting(
            cmds, "gcloud", "pubsub", "subscriptions", "add-iam-policy-binding"
        )
        if flag(a, "member") == agent and flag(a, "role") == "roles/pubsub.subscriber"
    }
    assert publishes_to == {t["dead_letter_topic"] for t in topology["topics"].values()}
    assert subscribes_to == set(topology["subscriptions"])

    (token_grant,) = [
        a
        for a in starting(cmds, "gcloud", "iam", "service-accounts")
        if a[3] == "add-iam-policy-binding" and a[4] == sa("push")
    ]
    assert flag(token_grant, "member") == agent
    assert flag(token_grant, "role") == "roles/iam.serviceAccountTokenCreator"


def test_each_collector_publishes_to_its_own_topic_only(cmds):
    grants = {
        (a[4], flag(a, "member"))
        for a in starting(cmds, "gcloud", "pubsub", "topics", "add-iam-policy-binding")
        if flag(a, "role") == "roles/pubsub.publisher"
        and flag(a, "member") != f"serviceAccount:{PUBSUB_AGENT}"
    }

    assert grants == {
        ("resource-metrics-snapshots", f"serviceAccount:{sa('metrics-collector')}"),
        ("billing-snapshots", f"serviceAccount:{sa('billing-collector')}"),
    }


def test_bucket_lifecycles_are_the_specs(cmds):
    updates = starting(cmds, "gcloud", "storage", "buckets", "update")
    found = {}
    for argv in updates:
        bucket = argv[4].removeprefix("gs://")
        if "--clear-lifecycle" in argv:
            found[bucket] = None
        else:
            rules = (REPO / flag(argv, "lifecycle-file")).read_text()
            (age,) = re.findall(r'"age": (\d+)', rules)
            assert '"type": "Delete"' in rules
            found[bucket] = int(age)

    assert found == SPEC_LIFECYCLE


def test_dependencies_come_before_their_users(cmds):
    def first(*words):
        return next(i for i, a in enumerate(cmds) if a[: len(words)] == list(words))

    api_deployed = first("gcloud", "run", "deploy", "dashboard-api")
    for push in ("dashboard-api-resource-metrics", "dashboard-api-billing"):
        assert first("gcloud", "pubsub", "subscriptions", "create", push) > api_deployed
    assert first("gcloud", "scheduler", "jobs", "create") > first(
        "gcloud", "run", "deploy", "billing-collector"
    )
    assert first("gcloud", "iam", "service-accounts", "create") < api_deployed


def test_one_service_alone_is_built_and_deployed_with_nothing_else():
    result = dry_run("--only", "web", PROJECT, REGION)

    assert result.returncode == 0, result.stderr
    heads = [" ".join(a[:4]) for a in commands(result.stdout)]
    assert heads == [
        "gcloud builds submit .",
        "gcloud beta run deploy",
        "gcloud run services add-iam-policy-binding",
    ]


def test_cloud_run_iam_mode_grants_the_users_instead_of_iap():
    result = dry_run(
        "--access", "iam", "--users", "user:ana@example.com", PROJECT, REGION
    )
    cmds = commands(result.stdout)

    (web,) = [a for a in cmds if a[:4] == ["gcloud", "run", "deploy", "web"]]
    assert "--iap" not in web
    assert invokers(cmds, "web") == {"user:ana@example.com"}
    assert env_of(cmds, "web")["RECS_WEB_ACCESS"] == "cloud-run-iam"
    assert "RECS_IAP_AUDIENCE" not in env_of(cmds, "web")
    assert "iap.googleapis.com" not in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--only", "worker", PROJECT, REGION], "--only: unknown service worker"),
        (
            ["--access", "open", PROJECT, REGION],
            "--access must be iap or iam, not open",
        ),
        (["Bad_Project", REGION], "not a project id: Bad_Project"),
        ([PROJECT, "europe"], "not a region: europe"),
    ],
)
def test_bad_arguments_are_refused_naming_the_fault(arguments, message):
    result = dry_run(*arguments)

    assert result.returncode == 1
    assert result.stdout == ""
    assert message in result.stderr


# Project-wide roles, least privilege, as infra/README.md explains each one.
# Grants on one topic, bucket or service are checked by the tests above.
PROJECT_ROLES = {
    "dashboard-api": {"roles/datastore.user", "roles/cloudscheduler.admin"},
    "metrics-collector": {
        "roles/datastore.viewer",
        "roles/bigquery.jobUser",
        "roles/bigquery.metadataViewer",
        "roles/bigquery.resourceViewer",
        "roles/monitoring.viewer",
        "roles/run.viewer",
        "roles/aiplatform.user",
    },
    "billing-collector": {
        "roles/datastore.viewer",
        "roles/bigquery.jobUser",
        "roles/bigquery.dataViewer",
    },
    "web": set(),
}
APIS = {
    "run",
    "cloudbuild",
    "artifactregistry",
    "pubsub",
    "firestore",
    "cloudscheduler",
    "iam",
    "iamcredentials",
    "bigquery",
    "monitoring",
    "storage",
    "aiplatform",
    "iap",
}


def test_each_account_holds_exactly_its_project_roles(cmds):
    granted = {service: set() for service in PROJECT_ROLES}
    for argv in starting(cmds, "gcloud", "projects", "add-iam-policy-binding"):
        member = flag(argv, "member")
        for service in granted:
            if member == f"serviceAccount:{sa(service)}":
                granted[service].add(flag(argv, "role"))

    assert granted == PROJECT_ROLES
    readme = (REPO / "infra" / "README.md").read_text()
    for role in set().union(*PROJECT_ROLES.values()):
        assert role.removeprefix("roles/") in readme, f"{role} is not explained"


def test_the_needed_apis_are_enabled_and_no_others(cmds):
    [enable] = starting(cmds, "gcloud", "services", "enable")

    names = [a for a in enable[3:] if not a.startswith("--")]
    assert {name.removesuffix(".googleapis.com") for name in names} == APIS


def test_each_firestore_index_of_the_file_is_created(cmds):
    wanted = []
    for line in (REPO / "infra" / "firestore-indexes.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            group, fields = line.split("\t")
            wanted.append((group, [tuple(f.split(":")) for f in fields.split(",")]))

    created = [
        (
            flag(argv, "collection-group"),
            [
                tuple(part.split("=", 1)[1] for part in value.split(","))
                for value in (
                    a.split("=", 1)[1] for a in argv if a.startswith("--field-config=")
                )
            ],
        )
        for argv in starting(cmds, "gcloud", "firestore", "indexes", "composite")
    ]
    assert created == wanted
