"""The source ports: what each sub-collector needs to read, and nothing more.

Each port has a Google Cloud adapter built on the official client library
and a local stand-in. A method raises when its source cannot be read; the
collector records the error and carries on with the other sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


class SourceUnavailable(RuntimeError):
    """The source cannot be read in this profile or at this moment; the text
    says why in words a person reading the page can act on."""


@dataclass(frozen=True)
class TableStorage:
    name: str  # dataset.table
    logical_bytes: int
    rows: int


@dataclass(frozen=True)
class JobCounts:
    completed: int
    failed: int
    bytes_billed: int


@dataclass(frozen=True)
class RunService:
    name: str
    status: str  # Ready, Failed, Deploying or Unknown


@dataclass(frozen=True)
class ServiceRequests:
    name: str
    requests: int
    errors: int


@dataclass(frozen=True)
class BucketUsage:
    name: str
    total_bytes: int
    object_count: int


@dataclass(frozen=True)
class DatabaseTable:
    name: str
    size_bytes: int
    row_count: int


@dataclass(frozen=True)
class DatabaseSize:
    size_bytes: int
    tables: list[DatabaseTable]


@dataclass(frozen=True)
class FinishedRun:
    """An ETL or training run that ended (completed, failed or cancelled)."""

    status: str
    model_type: str | None = None
    gpu_hours: float = 0.0


class BigQuerySource(Protocol):
    def table_storage(self) -> list[TableStorage]:
        """Every live table of the configured region, as it is now."""
        ...

    def jobs(self, start: datetime, end: datetime) -> JobCounts:
        """Jobs created in [start, end), each counted once."""
        ...


class CloudRunSource(Protocol):
    def services(self) -> list[RunService]: ...


class MonitoringSource(Protocol):
    def serving_requests(self, start: datetime, end: datetime) -> list[ServiceRequests]:
        """Requests in [start, end) to each Cloud Run service named *-serving."""
        ...

    def bucket_usage(self, as_of: datetime) -> list[BucketUsage]:
        """Each bucket's latest daily storage reading at or before as_of."""
        ...


class DatabaseSource(Protocol):
    def size(self) -> DatabaseSize: ...


class PlatformRunsSource(Protocol):
    def etl_runs_finished(
        self, start: datetime, end: datetime
    ) -> list[FinishedRun]: ...

    def training_runs_finished(
        self, start: datetime, end: datetime
    ) -> list[FinishedRun]: ...


class SnapshotHistory(Protocol):
    def readings(
        self, collector: str, start: date, end: date
    ) -> dict[date, dict[str, Any]]:
        """The collector's measured figures of each stored day in [start, end]."""
        ...


@dataclass(frozen=True)
class Sources:
    bigquery: BigQuerySource
    cloud_run: CloudRunSource
    monitoring: MonitoringSource
    database: DatabaseSource
    platform: PlatformRunsSource
    history: SnapshotHistory
