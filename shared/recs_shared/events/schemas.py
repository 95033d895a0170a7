"""The two snapshot events: a versioned, published contract.

Each (event type, schema version) pair has one marshmallow schema. A
subscriber looks the pair up in ``SCHEMAS``; an unknown pair is refused with
a message naming it, and so is any field a schema does not declare. Because
unknown fields are refused, even an added optional field is a new
``schema_version``: subscribers learn the new version first, publishers move
to it after (docs/events.md says how).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from recs_shared.categories import CATEGORIES, MODEL_TYPES
from recs_shared.events.fields import (
    Count,
    Money,
    NonNegativeFloat,
    StrictBoolean,
    StrictString,
    Timestamp,
    UTCDay,
)
from recs_shared.resource_metrics import COLLECTOR_FIELDS, FIELD_COLLECTOR

RESOURCE_METRICS = "resource_metrics.snapshot"
BILLING = "billing.snapshot"

COLLECTORS = (
    "bigquery_storage",
    "bigquery_jobs",
    "cloud_run_services",
    "database",
    "cloud_storage",
    "etl_runs",
    "cloud_run_requests",
    "gpu_training",
)
STATUSES = ("success", "partial", "error")


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


def nullable(field: fields.Field) -> fields.Field:
    """Present but null means: not measured (its collector failed)."""
    field.required = True
    field.allow_none = True
    return field


def listed(schema: type[Schema]) -> fields.List:
    return nullable(fields.List(fields.Nested(schema)))


class SnapshotHeader(StrictSchema):
    event_type = fields.String(required=True)
    schema_version = Count(required=True)
    snapshot_date = UTCDay(required=True)
    collected_at = Timestamp(required=True)

    @validates_schema
    def collected_on_or_after_its_day(self, data, **kwargs):
        day, collected = data.get("snapshot_date"), data.get("collected_at")
        if day and collected and day > collected.date():
            raise ValidationError(
                f"snapshot_date {day} is later than the day it was collected "
                f"({collected.date()}): a day is collected once it has begun",
                "snapshot_date",
            )


# --- resource_metrics.snapshot, version 1 -----------------------------------


class TableDetail(StrictSchema):
    name = StrictString(required=True)
    bytes = Count(required=True)
    rows = Count(required=True)


class ServiceDetail(StrictSchema):
    name = StrictString(required=True)
    status = StrictString(required=True)
    is_ml_serving = StrictBoolean(required=True)


class RequestDetail(StrictSchema):
    name = StrictString(required=True)
    requests = Count(required=True)
    errors = Count(required=True)


class DatabaseTableDetail(StrictSchema):
    name = StrictString(required=True)
    size_bytes = Count(required=True)
    row_count = Count(required=True)


class BucketDetail(StrictSchema):
    name = StrictString(required=True)
    total_bytes = Count(required=True)
    object_count = Count(required=True)


class GpuTypeHours(StrictSchema):
    type = StrictString(required=True)
    hours = NonNegativeFloat(required=True)
    count = Count(required=True)


class CollectionError(StrictSchema):
    collector = fields.String(required=True, validate=validate.OneOf(COLLECTORS))
    error = StrictString(required=True)


class ResourceMetricsV1(SnapshotHeader):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    collection_errors = fields.List(fields.Nested(CollectionError), required=True)
    estimated_fields = fields.List(fields.String(), required=True)

    bq_total_bytes = nullable(Count())
    bq_table_details = listed(TableDetail)
    bq_jobs_completed = nullable(Count())
    bq_jobs_failed = nullable(Count())
    bq_bytes_billed = nullable(Count())
    cloud_run_services = listed(ServiceDetail)
    cloud_run_active_services = nullable(Count())
    cloud_run_total_requests = nullable(Count())
    cloud_run_request_details = listed(RequestDetail)
    db_size_bytes = nullable(Count())
    db_table_details = listed(DatabaseTableDetail)
    gcs_bucket_details = listed(BucketDetail)
    gcs_total_bytes = nullable(Count())
    etl_jobs_completed = nullable(Count())
    etl_jobs_failed = nullable(Count())
    gpu_training_hours = nullable(NonNegativeFloat())
    gpu_jobs_completed = nullable(Count())
    gpu_jobs_failed = nullable(Count())
    gpu_type_hours = listed(GpuTypeHours)

    @validates_schema
    def status_matches_errors(self, data, **kwargs):
        errors = data.get("collection_errors", [])
        status = data.get("status")
        if status == "success" and errors:
            raise ValidationError(
                "status 'success' cannot carry collection_errors", "status"
            )
        if status in ("partial", "error") and not errors:
            raise ValidationError(
                f"status {status!r} needs at least one collection_errors entry",
                "collection_errors",
            )

    @validates_schema
    def failed_collectors_left_null(self, data, **kwargs):
        # A collector listed as failed measured nothing; one not listed
        # measured all its figures. Anything else contradicts the status.
        failed = {e["collector"] for e in data.get("collection_errors", [])}
        for collector, names in COLLECTOR_FIELDS.items():
            present = [name for name in names if data.get(name) is not None]
            if collector in failed and present:
                raise ValidationError(
                    f"{collector} is listed as failed but {present[0]} has a value",
                    present[0],
                )
            if collector not in failed and len(present) < len(names):
                missing = next(name for name in names if name not in present)
                raise ValidationError(
                    f"{missing} is null but {collector} is not listed in "
                    "collection_errors",
                    missing,
                )

    @validates_schema
    def estimated_fields_exist(self, data, **kwargs):
        measured = set(FIELD_COLLECTOR)
        unknown = sorted(set(data.get("estimated_fields", [])) - measured)
        if unknown:
            raise ValidationError(
                f"only measured figures can be estimated, not: {', '.join(unknown)}",
                "estimated_fields",
            )


# --- billing.snapshot, version 1 --------------------------------------------


class CostFigures(StrictSchema):
    """gcp_cost + gcp_cost × margin_pct / 100 = total_cost, exactly (USD)."""

    gcp_cost = Money(required=True)
    margin_pct = Count(required=True)
    platform_fee = Money(required=True)
    total_cost = Money(required=True)

    @validates_schema
    def figures_add_up(self, data, **kwargs):
        if not {"gcp_cost", "margin_pct", "platform_fee", "total_cost"} <= set(data):
            return
        fee = data["gcp_cost"] * Decimal(data["margin_pct"]) / 100
        if data["platform_fee"] != fee:
            raise ValidationError(
                f"platform_fee {data['platform_fee']} is not gcp_cost × "
                f"margin_pct / 100 = {fee}",
                "platform_fee",
            )
        if data["total_cost"] != data["gcp_cost"] + data["platform_fee"]:
            raise ValidationError(
                "total_cost is not gcp_cost + platform_fee", "total_cost"
            )


class BillingLine(CostFigures):
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    service = StrictString(required=True)


class TrainingRunCost(CostFigures):
    training_run_id = StrictString(required=True)
    model_type = fields.String(required=True, validate=validate.OneOf(MODEL_TYPES))


class BillingV1(SnapshotHeader):
    client_project_id = StrictString(required=True)
    currency = fields.String(required=True, validate=validate.Equal("USD"))
    export_time_max = nullable(Timestamp())
    provisional = StrictBoolean(required=True)
    lines = fields.List(fields.Nested(BillingLine), required=True)
    tax_cost = Money(required=True)
    training_runs = fields.List(fields.Nested(TrainingRunCost), required=True)

    @validates_schema
    def one_line_per_service(self, data, **kwargs):
        keys = Counter(
            (line["category"], line["service"]) for line in data.get("lines", [])
        )
        repeated = sorted(key for key, times in keys.items() if times > 1)
        if repeated:
            names = ", ".join(f"{c}/{s}" for c, s in repeated)
            raise ValidationError(f"repeated line(s): {names}", "lines")

    @validates_schema
    def one_entry_per_run(self, data, **kwargs):
        ids = Counter(run["training_run_id"] for run in data.get("training_runs", []))
        repeated = sorted(run_id for run_id, times in ids.items() if times > 1)
        if repeated:
            raise ValidationError(
                f"repeated training_run_id(s): {', '.join(repeated)}", "training_runs"
            )


SCHEMAS: dict[tuple[str, int], type[SnapshotHeader]] = {
    (RESOURCE_METRICS, 1): ResourceMetricsV1,
    (BILLING, 1): BillingV1,
}
EVENT_TYPES = (RESOURCE_METRICS, BILLING)
