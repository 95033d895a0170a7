"""The three KPI cards of System Details (GET /api/system/kpis/).

Windows, all UTC: "30d" is the 30 calendar days ending today (from 00:00
of today − 29 days), the same days the ML-workflow charts show; "24h" is
the 24 hours before the request. Resource figures come from the snapshots
of the resource charts' window.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from dashboard_api import platform_reads
from dashboard_api.clock import start_of_day
from dashboard_api.figures import gb, percent
from dashboard_api.resource_window import ResourceWindow
from recs_shared import platform
from recs_shared.store import DocumentStore

DAYS = 30


def window_start(now: datetime) -> datetime:
    return start_of_day(now.date() - timedelta(days=DAYS - 1))


def kpis(store: DocumentStore, resources: ResourceWindow, now: datetime) -> dict:
    since = window_start(now)
    runs = [
        run
        for _, run in platform_reads.started_since(store, platform.TRAINING_RUNS, since)
    ]
    completed = sum(run["status"] == "completed" for run in runs)
    failed = sum(run["status"] == "failed" for run in runs)

    return {
        "models": store.count(platform.REGISTERED_MODELS),
        "live_endpoints": store.count(
            platform.DEPLOYED_ENDPOINTS, where=[("is_active", "==", True)]
        ),
        "training_runs_30d": len(runs),
        "training_success_rate": percent(completed, completed + failed),
        "experiments_30d": store.count(
            platform.EXPERIMENTS, where=[("started_at", ">=", since)]
        ),
        "etl_runs_24h": store.count(
            platform.ETL_RUNS, where=[("started_at", ">=", now - timedelta(hours=24))]
        ),
        **_data_card(resources.newest),
        "requests_30d": sum(
            requests
            for requests in resources.series("cloud_run_total_requests")
            if requests is not None
        ),
        # Not measured by any collector yet; the page says so.
        "avg_latency_ms": None,
    }


def _data_card(newest: dict[str, Any] | None) -> dict[str, Any]:
    # BigQuery not read (or never collected): zeros, as the spec's fallback
    # says; freshness names the failed collector so the page can tell.
    tables = (newest or {}).get("bq_table_details")
    total = (newest or {}).get("bq_total_bytes")
    return {
        "data_tables": len(tables) if tables is not None else 0,
        "data_volume_gb": gb(total) if total is not None else 0.0,
    }
