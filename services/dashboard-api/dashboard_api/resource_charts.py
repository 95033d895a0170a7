"""The six resource charts of System Details (GET /api/system/resource-charts/).

Every dataset spans the same 30 days (resource_window); a day without a
snapshot, or whose collector failed, holds None and the chart leaves a gap.
"""

from __future__ import annotations

from typing import Any

from dashboard_api.figures import gb, rounded
from dashboard_api.resource_window import ResourceWindow
from recs_shared.platform import TRAINING_MODEL_TYPES

STORAGE_FIELDS = ("bq_total_bytes", "db_size_bytes", "gcs_total_bytes")


def resource_charts(window: ResourceWindow) -> dict[str, Any]:
    labels = [day.isoformat() for day in window.days]
    return {
        "combined_storage": {
            "labels": labels,
            "bigquery_gb": _gb(window, "bq_total_bytes"),
            "sql_gb": _gb(window, "db_size_bytes"),
            "buckets_gb": _gb(window, "gcs_total_bytes"),
            "estimated": [_storage_estimated(s) for s in window.snapshots],
        },
        "bq_jobs": {
            "labels": labels,
            "completed": window.series("bq_jobs_completed"),
            "failed": window.series("bq_jobs_failed"),
            "bytes_billed_gb": _gb(window, "bq_bytes_billed"),
        },
        "etl_health": {
            "labels": labels,
            "completed": window.series("etl_jobs_completed"),
            "failed": window.series("etl_jobs_failed"),
        },
        "cloud_run_requests": {
            "labels": labels,
            "requests": window.series("cloud_run_total_requests"),
        },
        "gpu_hours": {
            "labels": labels,
            "hours": [
                None if hours is None else rounded(hours)
                for hours in window.series("gpu_training_hours")
            ],
            "completed": window.series("gpu_jobs_completed"),
            "failed": window.series("gpu_jobs_failed"),
        },
        "gpu_types": _gpu_types(window),
    }


def _gb(window: ResourceWindow, field: str) -> list[float | None]:
    return [gb(value) for value in window.series(field)]


def _storage_estimated(snapshot: dict[str, Any] | None) -> bool:
    if snapshot is None:
        return False
    return any(field in snapshot["estimated_fields"] for field in STORAGE_FIELDS)


def _gpu_types(window: ResourceWindow) -> dict[str, Any]:
    hours: dict[str, float] = {}
    counts: dict[str, int] = {}
    for day in window.series("gpu_type_hours"):
        for entry in day or []:
            hours[entry["type"]] = hours.get(entry["type"], 0.0) + entry["hours"]
            counts[entry["type"]] = counts.get(entry["type"], 0) + entry["count"]

    known = {kind: index for index, kind in enumerate(TRAINING_MODEL_TYPES)}
    ordered = sorted(hours, key=lambda kind: (known.get(kind, len(known)), kind))
    return {
        "types": [
            {"type": kind, "hours": rounded(hours[kind]), "count": counts[kind]}
            for kind in ordered
        ],
        "total_hours": rounded(sum(hours.values())),
    }
