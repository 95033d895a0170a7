"""Which figures of a resource_metrics.snapshot each sub-collector measures.

The collector fills a snapshot collector by collector, and dashboard-api
merges two collections of the same day collector by collector, so both read
the grouping from here. The order is the order collectors run in and the
order their errors are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COLLECTOR_FIELDS: dict[str, tuple[str, ...]] = {
    "bigquery_storage": ("bq_total_bytes", "bq_table_details"),
    "bigquery_jobs": ("bq_jobs_completed", "bq_jobs_failed", "bq_bytes_billed"),
    "cloud_run_services": ("cloud_run_services", "cloud_run_active_services"),
    "database": ("db_size_bytes", "db_table_details"),
    "cloud_storage": ("gcs_total_bytes", "gcs_bucket_details"),
    "etl_runs": ("etl_jobs_completed", "etl_jobs_failed"),
    "cloud_run_requests": ("cloud_run_total_requests", "cloud_run_request_details"),
    "gpu_training": (
        "gpu_training_hours",
        "gpu_jobs_completed",
        "gpu_jobs_failed",
        "gpu_type_hours",
    ),
}

FIELD_COLLECTOR = {
    field: collector
    for collector, fields in COLLECTOR_FIELDS.items()
    for field in fields
}

SERVING_SUFFIX = "-serving"

# dashboard-api stores one merged snapshot per day here; the collector reads
# it back for the readings a backfill estimates between.
SNAPSHOTS_COLLECTION = "resource_metrics_snapshots"


def is_ml_serving(service_name: str) -> bool:
    """The platform names the Cloud Run service of every endpoint *-serving."""
    return service_name.endswith(SERVING_SUFFIX)


def status_for(failed: int) -> str:
    """success: every collector measured; error: none did; partial otherwise."""
    if failed == 0:
        return "success"
    if failed == len(COLLECTOR_FIELDS):
        return "error"
    return "partial"


def failed_collectors(snapshot: Mapping[str, Any]) -> set[str]:
    return {entry["collector"] for entry in snapshot.get("collection_errors", [])}


def estimated_collectors(snapshot: Mapping[str, Any]) -> set[str]:
    return {
        FIELD_COLLECTOR[field]
        for field in snapshot.get("estimated_fields", [])
        if field in FIELD_COLLECTOR
    }
