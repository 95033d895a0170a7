"""Typed settings, read once from ``RECS_*`` environment variables.

Every variable is declared here, with its type, default and meaning, so the
README's settings table can be generated from this module and checked by a
test. Three profiles exist:

- ``local`` (the default): SQLite store, embedded loopback-push publisher,
  working defaults for everything;
- ``emulators``: the official Firestore and Pub/Sub emulators from gcloud;
- ``production``: Firestore and Pub/Sub on Google Cloud. A variable marked
  required has no default there, and start-up fails naming every one missing.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

PREFIX = "RECS_"
PROFILES = ("local", "emulators", "production")
REPO_ROOT = Path(__file__).resolve().parents[2]


class SettingsError(ValueError):
    """One or more variables are missing or malformed."""


@dataclasses.dataclass(frozen=True)
class Variable:
    env: str
    default: Any
    doc: str
    required_in_production: bool = False
    choices: tuple[str, ...] = ()


def var(
    env: str,
    default: Any,
    doc: str,
    *,
    required_in_production: bool = False,
    choices: tuple[str, ...] = (),
) -> Any:
    variable = Variable(env, default, doc, required_in_production, choices)
    return dataclasses.field(default=default, metadata={"var": variable})


@dataclasses.dataclass(frozen=True)
class CommonSettings:
    profile: str = var(
        "RECS_PROFILE",
        "local",
        "Which adapters to use: local (SQLite + loopback push), emulators "
        "(gcloud's Firestore and Pub/Sub emulators) or production.",
        choices=PROFILES,
    )
    gcp_project: str = var(
        "RECS_GCP_PROJECT",
        "recs-local",
        "Google Cloud project that hosts the platform; shown in the page header.",
        required_in_production=True,
    )
    region: str = var(
        "RECS_REGION",
        "europe-central2",
        "Cloud Run, Scheduler and BigQuery INFORMATION_SCHEMA region.",
        required_in_production=True,
    )
    log_level: str = var(
        "RECS_LOG_LEVEL",
        "INFO",
        "Lowest log severity written.",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
    )
    data_dir: Path = var(
        "RECS_DATA_DIR",
        REPO_ROOT / ".local",
        "Folder of the local profile's files: SQLite store, outbox, DuckDB export.",
    )
    firestore_database: str = var(
        "RECS_FIRESTORE_DATABASE",
        "(default)",
        "Firestore database id (emulators and production profiles).",
    )
    collection_prefix: str = var(
        "RECS_COLLECTION_PREFIX",
        "",
        "Prefix of every store collection name; isolates tests and demos.",
    )
    dashboard_api_url: str = var(
        "RECS_DASHBOARD_API_URL",
        "http://127.0.0.1:8081",
        "Base URL of dashboard-api: push endpoints (embedded bridge) and the "
        "web service's /api forwarding.",
        required_in_production=True,
    )

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "dashboard.sqlite3"

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "outbox.sqlite3"

    @property
    def uses_google_cloud(self) -> bool:
        return self.profile in ("emulators", "production")


@dataclasses.dataclass(frozen=True)
class DashboardApiSettings(CommonSettings):
    push_audience: str = var(
        "RECS_PUSH_AUDIENCE",
        "",
        "Audience the push subscriptions put in their OIDC tokens. When set, "
        "every push request must carry a valid token for it.",
    )
    push_service_accounts: tuple[str, ...] = var(
        "RECS_PUSH_SERVICE_ACCOUNTS",
        (),
        "Comma-separated service account emails allowed to push (with "
        "RECS_PUSH_AUDIENCE).",
    )
    push_certs_url: str = var(
        "RECS_PUSH_CERTS_URL",
        "https://www.googleapis.com/oauth2/v1/certs",
        "Where Google's token-signing certificates are fetched from.",
    )
    keep_answers: bool = var(
        "RECS_KEEP_ANSWERS",
        True,
        "Each worker serves a page API's last answer again while the store is "
        "unchanged and the UTC minute the same (SQLite store only; Firestore "
        "answers are always computed). false computes every answer.",
    )


@dataclasses.dataclass(frozen=True)
class WebSettings(CommonSettings):
    api_timeout_seconds: Decimal = var(
        "RECS_API_TIMEOUT_SECONDS",
        Decimal("10"),
        "Timeout of one /api request forwarded to dashboard-api.",
    )
    api_identity_token: bool = var(
        "RECS_API_IDENTITY_TOKEN",
        False,
        "Attach a Google identity token (audience: RECS_DASHBOARD_API_URL) to "
        "forwarded requests, as Cloud Run IAM requires.",
    )
    dev_identity: str = var(
        "RECS_DEV_IDENTITY",
        "developer@localhost",
        "Signed-in user shown outside production. In production the page "
        "shows the identity Identity-Aware Proxy passes and refuses requests "
        "without one.",
    )
    access: str = var(
        "RECS_WEB_ACCESS",
        "iap",
        "How users reach the page in production: iap (Identity-Aware Proxy "
        "passes the user) or cloud-run-iam (Cloud Run IAM checked the caller's "
        "Google ID token; the page takes the user from it).",
        choices=("iap", "cloud-run-iam"),
    )
    iap_audience: str = var(
        "RECS_IAP_AUDIENCE",
        "",
        "Audience of Identity-Aware Proxy's signed header: "
        "/projects/NUMBER/locations/REGION/services/web with Cloud Run's own IAP, "
        "/projects/NUMBER/global/backendServices/ID behind a load balancer. When "
        "set, production verifies X-Goog-IAP-JWT-Assertion on every request and "
        "takes the user from it.",
    )
    iap_certs_url: str = var(
        "RECS_IAP_CERTS_URL",
        "https://www.gstatic.com/iap/verify/public_key",
        "Where IAP's signing keys are fetched from (PEM by key id).",
    )


@dataclasses.dataclass(frozen=True)
class CollectorSettings(CommonSettings):
    publish_timeout_seconds: Decimal = var(
        "RECS_PUBLISH_TIMEOUT_SECONDS",
        Decimal("30"),
        "How long a collector waits for Pub/Sub to accept one event.",
    )


@dataclasses.dataclass(frozen=True)
class BillingCollectorSettings(CollectorSettings):
    """The billing collector (Cloud Billing export to billing.snapshot)."""

    billing_recollect_days: int = var(
        "RECS_BILLING_RECOLLECT_DAYS",
        3,
        "Days (UTC, ending yesterday) that every scheduled run collects again, "
        "so export rows that arrive late still reach their day.",
    )
    billing_settle_hours: int = var(
        "RECS_BILLING_SETTLE_HOURS",
        48,
        "Hours after a UTC day ends before its costs count as settled; a day "
        "collected sooner is published as provisional.",
    )
    billing_partition_lookback_days: int = var(
        "RECS_BILLING_PARTITION_LOOKBACK_DAYS",
        1,
        "Export partitions (days of _PARTITIONTIME) scanned before the usage "
        "day, for rows whose partition day starts earlier than their usage day.",
    )
    billing_late_row_days: int = var(
        "RECS_BILLING_LATE_ROW_DAYS",
        7,
        "Export partitions scanned after the usage day: how late a row may be "
        "exported and still be counted.",
    )
    billing_maximum_bytes_billed: int = var(
        "RECS_BILLING_MAXIMUM_BYTES_BILLED",
        10_000_000_000,
        "Bytes one BigQuery query may bill before BigQuery refuses to run it "
        "(maximum_bytes_billed).",
    )
    billing_export_duckdb: str = var(
        "RECS_BILLING_EXPORT_DUCKDB",
        "",
        "Local profile: DuckDB file standing in for the billing export table "
        "(empty: billing_export.duckdb in RECS_DATA_DIR).",
    )

    @property
    def export_duckdb_path(self) -> Path:
        if self.billing_export_duckdb:
            return Path(self.billing_export_duckdb)
        return self.data_dir / "billing_export.duckdb"

    @property
    def reads_bigquery(self) -> bool:
        """Only production reads BigQuery; the other profiles read DuckDB."""
        return self.profile == "production"


@dataclasses.dataclass(frozen=True)
class MetricsCollectorSettings(CollectorSettings):
    """The resource metrics collector (to resource_metrics.snapshot)."""

    bigquery_region: str = var(
        "RECS_BIGQUERY_REGION",
        "",
        "Region or multi-region (eu, us, europe-central2) whose BigQuery "
        "INFORMATION_SCHEMA the metrics collector reads; empty: RECS_REGION.",
    )
    source_timeout_seconds: Decimal = var(
        "RECS_SOURCE_TIMEOUT_SECONDS",
        Decimal("60"),
        "How long one sub-collector of the metrics collector waits for its "
        "Google Cloud API before it is recorded as failed.",
    )

    @property
    def information_schema_region(self) -> str:
        return self.bigquery_region or self.region


@dataclasses.dataclass(frozen=True)
class HousekeepingSettings(CollectorSettings):
    """The clean-up jobs (training artifacts, orphan Vertex AI models)."""

    artifacts_bucket: str = var(
        "RECS_ARTIFACTS_BUCKET",
        "recs-local-training-artifacts",
        "Cloud Storage bucket of training artifacts that the artifact clean-up "
        "prunes (the spec's <project>-training-artifacts).",
        required_in_production=True,
    )
    artifacts_max_age_days: int = var(
        "RECS_ARTIFACTS_MAX_AGE_DAYS",
        7,
        "Artifacts older than this many days are deleted by the scheduled "
        "clean-up (the CLI's --days overrides it).",
    )
    storage_api_endpoint: str = var(
        "RECS_STORAGE_API_ENDPOINT",
        "",
        "Cloud Storage API endpoint; empty means Google's. Set it to a local "
        "Cloud Storage emulator (e.g. http://127.0.0.1:9023) to run the "
        "artifact clean-up locally.",
    )
    vertex_location: str = var(
        "RECS_VERTEX_LOCATION",
        "",
        "Vertex AI region whose Model Registry the orphan-model clean-up "
        "prunes; empty means RECS_REGION.",
    )
    vertex_api_endpoint: str = var(
        "RECS_VERTEX_API_ENDPOINT",
        "",
        "Vertex AI API endpoint; empty means Google's regional one "
        "(<location>-aiplatform.googleapis.com).",
    )
    orphan_model_min_age_hours: int = var(
        "RECS_ORPHAN_MODEL_MIN_AGE_HOURS",
        24,
        "A Vertex AI model younger than this is never treated as an orphan: "
        "the platform may not have registered it yet.",
    )


@dataclasses.dataclass(frozen=True)
class SchedulerSettings(CommonSettings):
    """Creating the Cloud Scheduler jobs from code (commands and endpoint)."""

    scheduler_service_account: str = var(
        "RECS_SCHEDULER_SERVICE_ACCOUNT",
        "",
        "Service account whose OIDC token Cloud Scheduler sends to the "
        "collectors (it holds roles/run.invoker on them).",
        required_in_production=True,
    )
    metrics_collector_url: str = var(
        "RECS_METRICS_COLLECTOR_URL",
        "",
        "Base https URL of metrics-collector, the target of the job that "
        "POST /api/system/setup-metrics-scheduler/ creates.",
        required_in_production=True,
    )
    scheduler_api_endpoint: str = var(
        "RECS_SCHEDULER_API_ENDPOINT",
        "",
        "Cloud Scheduler API endpoint; empty means Google's. Cloud Scheduler "
        "has no emulator: in the local profile the set-up answers that it is "
        "unavailable unless this points at a stand-in.",
    )


@dataclasses.dataclass(frozen=True)
class LocalStackSettings(CommonSettings):
    """The local runners' own variables (``make run``); not used on Cloud Run."""

    web_port: int = var("RECS_WEB_PORT", 8080, "Local stack: loopback port of web.")
    api_port: int = var(
        "RECS_API_PORT", 8081, "Local stack: loopback port of dashboard-api."
    )
    billing_collector_port: int = var(
        "RECS_BILLING_COLLECTOR_PORT",
        8082,
        "Local stack: loopback port of billing-collector.",
    )
    metrics_collector_port: int = var(
        "RECS_METRICS_COLLECTOR_PORT",
        8083,
        "Local stack: loopback port of metrics-collector.",
    )


ALL_SETTINGS = (
    CommonSettings,
    DashboardApiSettings,
    WebSettings,
    CollectorSettings,
    BillingCollectorSettings,
    MetricsCollectorSettings,
    HousekeepingSettings,
    SchedulerSettings,
    LocalStackSettings,
)

S = TypeVar("S", bound=CommonSettings)


def load(cls: type[S], environ: Mapping[str, str] | None = None) -> S:
    """Read every variable of ``cls``; raise SettingsError naming each fault."""
    environ = os.environ if environ is None else environ
    profile = environ.get("RECS_PROFILE", "local")
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    faults: list[str] = []

    for field in dataclasses.fields(cls):
        variable: Variable = field.metadata["var"]
        raw = environ.get(variable.env)

        if raw is None or raw == "":
            if profile == "production" and variable.required_in_production:
                faults.append(
                    f"{variable.env} is required in production ({variable.doc})"
                )
            continue

        try:
            values[field.name] = _parse(raw, hints[field.name], variable)
        except ValueError as error:
            faults.append(f"{variable.env}={raw!r}: {error}")

    if faults:
        raise SettingsError("invalid settings: " + "; ".join(faults))
    return cls(**values)


def _parse(raw: str, kind: Any, variable: Variable) -> Any:
    if variable.choices and raw not in variable.choices:
        raise ValueError(f"expected one of {', '.join(variable.choices)}")
    if kind is bool:
        return _parse_bool(raw)
    if kind is int:
        return int(raw)
    if kind is Decimal:
        return _parse_positive_decimal(raw)
    if kind is Path:
        return Path(raw)
    if kind == tuple[str, ...]:
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    return raw


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _parse_positive_decimal(raw: str) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError("expected a decimal number") from None
    if not value.is_finite() or value <= 0:
        raise ValueError("expected a positive number")
    return value


def markdown_table() -> str:
    """The README's settings table: every variable, its type, default, use."""
    rows = [
        "| Variable | Type | Default (local) | Used by | Meaning |",
        "|---|---|---|---|---|",
    ]
    for cls in ALL_SETTINGS:
        hints = get_type_hints(cls)
        for field in _own_fields(cls):
            variable = field.metadata["var"]
            meaning = variable.doc
            if variable.required_in_production:
                meaning += " **Required in production.**"
            rows.append(
                f"| `{variable.env}` | {_type_name(hints[field.name])} | "
                f"{_default_text(variable)} | {_used_by(cls)} | {meaning} |"
            )
    return "\n".join(rows)


def _own_fields(cls: type) -> list[dataclasses.Field]:
    """The fields a settings class declares itself (not those it inherits)."""
    inherited = {
        field.name
        for base in cls.__mro__[1:]
        if dataclasses.is_dataclass(base)
        for field in dataclasses.fields(base)
    }
    return [f for f in dataclasses.fields(cls) if f.name not in inherited]


def _used_by(cls: type) -> str:
    return {
        CommonSettings: "all",
        DashboardApiSettings: "dashboard-api",
        WebSettings: "web",
        CollectorSettings: "both collectors",
        BillingCollectorSettings: "billing-collector",
        MetricsCollectorSettings: "metrics-collector",
        HousekeepingSettings: "housekeeping jobs",
        SchedulerSettings: "scheduler set-up",
        LocalStackSettings: "local runner",
    }[cls]


def _type_name(kind: Any) -> str:
    if kind == tuple[str, ...]:
        return "list (comma-separated)"
    if kind is Path:
        return "path"
    if kind is Decimal:
        return "decimal"
    return kind.__name__


def _default_text(variable: Variable) -> str:
    default = variable.default
    if isinstance(default, Path):
        default = "<repo>/" + str(default.relative_to(REPO_ROOT))
    if default in ("", ()):
        return "(empty)"
    if isinstance(default, bool):
        return "`true`" if default else "`false`"
    return f"`{default}`"


if __name__ == "__main__":
    print(markdown_table())
