"""Builders of valid snapshot events for tests (Python values, as loaded)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from recs_shared.events import BILLING, RESOURCE_METRICS


def collected(day: date, hour: int, now: datetime) -> datetime:
    """When ``day``'s scheduled collection ran: ``hour`` UTC the next day, or
    ``now`` if that is still to come (seeded between midnight and the run,
    yesterday is collected already, as a backfill would), never in the
    future, which dashboard-api refuses."""
    scheduled = datetime.combine(day + timedelta(days=1), time(hour), tzinfo=UTC)
    return min(scheduled, now)


def resource_metrics(
    day: date = date(2026, 11, 30),
    collected_at: datetime | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    event = {
        "event_type": RESOURCE_METRICS,
        "schema_version": 1,
        "snapshot_date": day,
        "collected_at": collected_at or datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
        "status": "success",
        "collection_errors": [],
        "estimated_fields": [],
        "bq_total_bytes": 5_000_000_000,
        "bq_table_details": [{"name": "raw.orders", "bytes": 5_000_000_000, "rows": 9}],
        "bq_jobs_completed": 8,
        "bq_jobs_failed": 1,
        "bq_bytes_billed": 800_000_000,
        "cloud_run_services": [
            {"name": "shop-serving", "status": "Ready", "is_ml_serving": True}
        ],
        "cloud_run_active_services": 1,
        "cloud_run_total_requests": 305,
        "cloud_run_request_details": [
            {"name": "shop-serving", "requests": 305, "errors": 2}
        ],
        "db_size_bytes": 10_000_000,
        "db_table_details": [
            {"name": "training_runs", "size_bytes": 10_000_000, "row_count": 120}
        ],
        "gcs_bucket_details": [
            {"name": "b2b-recs-training-artifacts", "total_bytes": 7, "object_count": 2}
        ],
        "gcs_total_bytes": 7,
        "etl_jobs_completed": 5,
        "etl_jobs_failed": 1,
        "gpu_training_hours": 1.5,
        "gpu_jobs_completed": 2,
        "gpu_jobs_failed": 0,
        "gpu_type_hours": [{"type": "retrieval", "hours": 1.5, "count": 2}],
    }
    event.update(overrides)
    return event


def billing_line(category: str, service: str, gcp_cost: str, margin_pct: int = 100):
    cost = Decimal(gcp_cost)
    fee = cost * margin_pct / 100
    return {
        "category": category,
        "service": service,
        "gcp_cost": cost,
        "margin_pct": margin_pct,
        "platform_fee": fee,
        "total_cost": cost + fee,
    }


def billing(
    day: date = date(2026, 11, 30),
    collected_at: datetime | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    event = {
        "event_type": BILLING,
        "schema_version": 1,
        "snapshot_date": day,
        "collected_at": collected_at or datetime(2026, 12, 1, 5, 0, tzinfo=UTC),
        "client_project_id": "b2b-recs",
        "currency": "USD",
        "export_time_max": datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
        "provisional": False,
        "lines": [
            billing_line("Data", "BigQuery", "12.5"),
            billing_line("Training", "Vertex AI (GPU)", "4.25"),
        ],
        "tax_cost": Decimal("0"),
        "training_runs": [],
    }
    event.update(overrides)
    return event
