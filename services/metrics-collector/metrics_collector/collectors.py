"""The eight sub-collectors: each reads one source and shapes its figures.

A sub-collector turns what its port returns into the snapshot fields of
recs_shared.resource_metrics.COLLECTOR_FIELDS. It knows how far back its
source can be read (``history_days``; None: no limit) and, for stock
figures, how to estimate a day it cannot read. It never catches errors:
the collection does, so one failing source cannot hide the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from metrics_collector import growth
from metrics_collector.days import window
from metrics_collector.sources.ports import FinishedRun, Sources
from recs_shared.platform import TRAINING_MODEL_TYPES
from recs_shared.resource_metrics import is_ml_serving

Figures = dict[str, Any]

# Retention of the sources' history (Google's documented figures).
JOBS_HISTORY_DAYS = 180
MONITORING_HISTORY_DAYS = 42


@dataclass
class SubCollector:
    sources: Sources

    name: ClassVar[str]
    is_stock: ClassVar[bool] = False
    history_days: ClassVar[int | None] = None

    def read(self, day: date) -> Figures:
        raise NotImplementedError

    def estimate(self, known: Mapping[date, Figures], day: date) -> Figures:
        raise NotImplementedError(f"{self.name} figures are not estimated")

    def readable(self, day: date, latest: date) -> bool:
        """Whether ``day`` is within the history its source keeps."""
        if self.history_days is None:
            return True
        return (latest - day).days <= self.history_days

    def history_message(self) -> str:
        return (
            f"the source keeps {self.history_days} days of history; "
            "older days cannot be measured"
        )


class BigQueryStorage(SubCollector):
    name = "bigquery_storage"
    is_stock = True
    history_days = 0  # TABLE_STORAGE shows the tables as they are now

    def read(self, day: date) -> Figures:
        tables = self.sources.bigquery.table_storage()
        details = [
            {"name": t.name, "bytes": t.logical_bytes, "rows": t.rows} for t in tables
        ]
        return _bigquery_figures(details)

    def estimate(self, known: Mapping[date, Figures], day: date) -> Figures:
        details = growth.estimate_items(
            {d: f["bq_table_details"] for d, f in known.items()}, day, ("bytes", "rows")
        )
        return _bigquery_figures(details)


def _bigquery_figures(details: list[dict]) -> Figures:
    return {
        "bq_total_bytes": sum(table["bytes"] for table in details),
        "bq_table_details": details,
    }


class BigQueryJobs(SubCollector):
    name = "bigquery_jobs"
    history_days = JOBS_HISTORY_DAYS

    def read(self, day: date) -> Figures:
        jobs = self.sources.bigquery.jobs(*window(day))
        return {
            "bq_jobs_completed": jobs.completed,
            "bq_jobs_failed": jobs.failed,
            "bq_bytes_billed": jobs.bytes_billed,
        }


class CloudRunServices(SubCollector):
    name = "cloud_run_services"
    is_stock = True
    history_days = 0  # the Admin API lists services as they are now

    def read(self, day: date) -> Figures:
        services = self.sources.cloud_run.services()
        return {
            "cloud_run_services": [
                {
                    "name": service.name,
                    "status": service.status,
                    "is_ml_serving": is_ml_serving(service.name),
                }
                for service in services
            ],
            "cloud_run_active_services": sum(s.status == "Ready" for s in services),
        }

    def estimate(self, known: Mapping[date, Figures], day: date) -> Figures:
        # A list of names has no growth curve: the nearest reading stands in.
        return growth.nearest(known, day)


class Database(SubCollector):
    name = "database"
    is_stock = True
    history_days = 0

    def read(self, day: date) -> Figures:
        size = self.sources.database.size()
        return {
            "db_size_bytes": size.size_bytes,
            "db_table_details": [
                {"name": t.name, "size_bytes": t.size_bytes, "row_count": t.row_count}
                for t in size.tables
            ],
        }

    def estimate(self, known: Mapping[date, Figures], day: date) -> Figures:
        return {
            "db_size_bytes": growth.estimate_count(
                {d: f["db_size_bytes"] for d, f in known.items()}, day
            ),
            "db_table_details": growth.estimate_items(
                {d: f["db_table_details"] for d, f in known.items()},
                day,
                ("size_bytes", "row_count"),
            ),
        }


class CloudStorage(SubCollector):
    name = "cloud_storage"
    is_stock = True
    history_days = MONITORING_HISTORY_DAYS

    def read(self, day: date) -> Figures:
        # The reading as the day ended: Monitoring keeps the daily samples.
        _, end = window(day)
        buckets = self.sources.monitoring.bucket_usage(end)
        details = [
            {
                "name": bucket.name,
                "total_bytes": bucket.total_bytes,
                "object_count": bucket.object_count,
            }
            for bucket in sorted(buckets, key=lambda b: (-b.total_bytes, b.name))
        ]
        return _storage_figures(details)

    def estimate(self, known: Mapping[date, Figures], day: date) -> Figures:
        details = growth.estimate_items(
            {d: f["gcs_bucket_details"] for d, f in known.items()},
            day,
            ("total_bytes", "object_count"),
        )
        return _storage_figures(details)


def _storage_figures(details: list[dict]) -> Figures:
    return {
        "gcs_total_bytes": sum(bucket["total_bytes"] for bucket in details),
        "gcs_bucket_details": details,
    }


class EtlRuns(SubCollector):
    name = "etl_runs"

    def read(self, day: date) -> Figures:
        runs = self.sources.platform.etl_runs_finished(*window(day))
        statuses = Counter(run.status for run in runs)
        return {
            "etl_jobs_completed": statuses["completed"],
            "etl_jobs_failed": statuses["failed"],
        }


class CloudRunRequests(SubCollector):
    name = "cloud_run_requests"
    history_days = MONITORING_HISTORY_DAYS

    def read(self, day: date) -> Figures:
        services = self.sources.monitoring.serving_requests(*window(day))
        return {
            "cloud_run_total_requests": sum(s.requests for s in services),
            "cloud_run_request_details": [
                {"name": s.name, "requests": s.requests, "errors": s.errors}
                for s in services
            ],
        }


class GpuTraining(SubCollector):
    """Training runs that ended on the day; all their GPU hours count there."""

    name = "gpu_training"

    def read(self, day: date) -> Figures:
        runs = self.sources.platform.training_runs_finished(*window(day))
        statuses = Counter(run.status for run in runs)
        return {
            "gpu_training_hours": _hours(runs),
            "gpu_jobs_completed": statuses["completed"],
            "gpu_jobs_failed": statuses["failed"],
            "gpu_type_hours": _per_type(runs),
        }


def _per_type(runs: list[FinishedRun]) -> list[dict]:
    by_type: dict[str, list[FinishedRun]] = {}
    for run in runs:
        by_type.setdefault(run.model_type or "unknown", []).append(run)

    known_first = {kind: index for index, kind in enumerate(TRAINING_MODEL_TYPES)}
    ordered = sorted(by_type, key=lambda kind: (known_first.get(kind, 99), kind))
    return [
        {"type": kind, "hours": _hours(by_type[kind]), "count": len(by_type[kind])}
        for kind in ordered
    ]


def _hours(runs: list[FinishedRun]) -> float:
    return round(sum(run.gpu_hours for run in runs), 4)


ALL = (
    BigQueryStorage,
    BigQueryJobs,
    CloudRunServices,
    Database,
    CloudStorage,
    EtlRuns,
    CloudRunRequests,
    GpuTraining,
)


def build(sources: Sources) -> list[SubCollector]:
    return [collector(sources) for collector in ALL]
