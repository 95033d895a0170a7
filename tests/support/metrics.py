"""In-memory sources for the metrics collector, and what a day of them gives.

Each port method returns fixed figures (or the figures a test sets) and
can be made to fail alone, so tests can check a collection's isolation
without any network. The Google Cloud adapters themselves are tested
against loopback servers in tests/contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from metrics_collector.runner import MetricsCollector
from metrics_collector.sources.ports import (
    BucketUsage,
    DatabaseSize,
    DatabaseTable,
    FinishedRun,
    JobCounts,
    RunService,
    ServiceRequests,
    Sources,
    TableStorage,
)

# Which port method feeds which sub-collector.
METHOD_OF = {
    "bigquery_storage": "table_storage",
    "bigquery_jobs": "jobs",
    "cloud_run_services": "services",
    "database": "size",
    "cloud_storage": "bucket_usage",
    "etl_runs": "etl_runs_finished",
    "cloud_run_requests": "serving_requests",
    "gpu_training": "training_runs_finished",
}


@dataclass
class FakeSources:
    tables: list[TableStorage] = field(
        default_factory=lambda: [
            TableStorage("raw.orders", 5_000_000_000, 90_210),
            TableStorage("features.users", 1024, 3),
        ]
    )
    job_counts: JobCounts = JobCounts(8, 1, 800_000_000)
    services_now: list[RunService] = field(
        default_factory=lambda: [
            RunService("books-recs-serving", "Failed"),
            RunService("dashboard-api", "Ready"),
            RunService("shop-recs-serving", "Ready"),
        ]
    )
    requests: list[ServiceRequests] = field(
        default_factory=lambda: [
            ServiceRequests("books-recs-serving", 0, 0),
            ServiceRequests("shop-recs-serving", 305, 2),
        ]
    )
    # Bucket readings as a function of the moment asked about.
    buckets_at: Callable[[datetime], list[BucketUsage]] = lambda as_of: [
        BucketUsage("b2b-recs-training-artifacts", 7_000_000_000, 120),
        BucketUsage("b2b-recs-dataflow", 1_000_000, 3),
    ]
    database_size: DatabaseSize = DatabaseSize(
        10_000_000, [DatabaseTable("training_runs", 500_000, 120)]
    )
    etl: list[FinishedRun] = field(
        default_factory=lambda: [
            FinishedRun("completed"),
            FinishedRun("completed"),
            FinishedRun("failed"),
            FinishedRun("cancelled"),
        ]
    )
    training: list[FinishedRun] = field(
        default_factory=lambda: [
            FinishedRun("completed", "retrieval", 1.5),
            FinishedRun("failed", "ranking", 0.25),
            FinishedRun("completed", "retrieval", 2.0),
            FinishedRun("cancelled", "multitask", 0.5),
        ]
    )
    # Stored snapshots' measured figures: collector -> day -> figures.
    stored: dict[str, dict[date, dict[str, Any]]] = field(default_factory=dict)
    failing: dict[str, Exception] = field(default_factory=dict)
    calls: list[tuple[str, tuple]] = field(default_factory=list)

    def fail(self, collector: str, error: Exception) -> FakeSources:
        self.failing[METHOD_OF[collector]] = error
        return self

    def _call(self, method: str, *args: Any) -> None:
        self.calls.append((method, args))
        if method in self.failing:
            raise self.failing[method]

    # BigQuerySource
    def table_storage(self):
        self._call("table_storage")
        return self.tables

    def jobs(self, start, end):
        self._call("jobs", start, end)
        return self.job_counts

    # CloudRunSource
    def services(self):
        self._call("services")
        return self.services_now

    # MonitoringSource
    def serving_requests(self, start, end):
        self._call("serving_requests", start, end)
        return self.requests

    def bucket_usage(self, as_of):
        self._call("bucket_usage", as_of)
        return self.buckets_at(as_of)

    # DatabaseSource
    def size(self):
        self._call("size")
        return self.database_size

    # PlatformRunsSource
    def etl_runs_finished(self, start, end):
        self._call("etl_runs_finished", start, end)
        return self.etl

    def training_runs_finished(self, start, end):
        self._call("training_runs_finished", start, end)
        return self.training

    # SnapshotHistory
    def readings(self, collector, start, end):
        self._call("readings", collector, start, end)
        stored = self.stored.get(collector, {})
        return {day: f for day, f in stored.items() if start <= day <= end}

    def as_sources(self) -> Sources:
        return Sources(self, self, self, self, self, self)

    def expected_figures(self, as_of: datetime | None = None) -> dict[str, Any]:
        """Every figure of a day, computed here from the inputs."""
        buckets = self.buckets_at(as_of)
        return {
            "bq_total_bytes": sum(t.logical_bytes for t in self.tables),
            "bq_table_details": [
                {"name": t.name, "bytes": t.logical_bytes, "rows": t.rows}
                for t in self.tables
            ],
            "bq_jobs_completed": self.job_counts.completed,
            "bq_jobs_failed": self.job_counts.failed,
            "bq_bytes_billed": self.job_counts.bytes_billed,
            "cloud_run_services": [
                {
                    "name": s.name,
                    "status": s.status,
                    "is_ml_serving": s.name.endswith("-serving"),
                }
                for s in self.services_now
            ],
            "cloud_run_active_services": len(
                [s for s in self.services_now if s.status == "Ready"]
            ),
            "cloud_run_total_requests": sum(r.requests for r in self.requests),
            "cloud_run_request_details": [
                {"name": r.name, "requests": r.requests, "errors": r.errors}
                for r in self.requests
            ],
            "db_size_bytes": self.database_size.size_bytes,
            "db_table_details": [
                {"name": t.name, "size_bytes": t.size_bytes, "row_count": t.row_count}
                for t in self.database_size.tables
            ],
            "gcs_total_bytes": sum(b.total_bytes for b in buckets),
            "gcs_bucket_details": [
                {
                    "name": b.name,
                    "total_bytes": b.total_bytes,
                    "object_count": b.object_count,
                }
                for b in sorted(buckets, key=lambda b: -b.total_bytes)
            ],
            "etl_jobs_completed": len([r for r in self.etl if r.status == "completed"]),
            "etl_jobs_failed": len([r for r in self.etl if r.status == "failed"]),
            "gpu_training_hours": sum(r.gpu_hours for r in self.training),
            "gpu_jobs_completed": len(
                [r for r in self.training if r.status == "completed"]
            ),
            "gpu_jobs_failed": len([r for r in self.training if r.status == "failed"]),
            "gpu_type_hours": [
                {
                    "type": kind,
                    "hours": sum(
                        r.gpu_hours for r in self.training if r.model_type == kind
                    ),
                    "count": len([r for r in self.training if r.model_type == kind]),
                }
                for kind in ("retrieval", "ranking", "multitask")
                if any(r.model_type == kind for r in self.training)
            ],
        }


@dataclass
class RecordingPublisher:
    """Keeps what is published; can be made to refuse."""

    published: list[tuple[str, bytes, dict]] = field(default_factory=list)
    refuse: Exception | None = None
    closed: bool = False

    def publish(self, topic, data, attributes) -> str:
        if self.refuse is not None:
            raise self.refuse
        self.published.append((topic, data, dict(attributes)))
        return f"m{len(self.published)}"

    def close(self) -> None:
        self.closed = True


def fixed_clock(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def collector_at(
    sources: FakeSources, now: datetime, publisher: RecordingPublisher | None = None
) -> tuple[MetricsCollector, RecordingPublisher]:
    publisher = publisher or RecordingPublisher()
    collector = MetricsCollector(
        sources.as_sources(), publisher=lambda: publisher, clock=fixed_clock(now)
    )
    return collector, publisher


# A run at 02:00 UTC on Dec 1 collects Nov 30.
RUN_AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
DAY = date(2026, 11, 30)
