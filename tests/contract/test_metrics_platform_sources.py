"""The local sources of the metrics collector, on real stores.

ETL and training runs are read from the platform collections through the
store port (SQLite and the Firestore emulator); the database figures from
the SQLite store file itself; earlier stock readings from the snapshots
dashboard-api stored.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from metrics_collector.sources.database_source import SQLiteStoreFile
from metrics_collector.sources.platform_source import PlatformCollections
from metrics_collector.sources.ports import FinishedRun, SourceUnavailable
from metrics_collector.sources.stored_snapshots import StoredSnapshots
from recs_shared import platform

START = datetime(2026, 11, 30, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)


def etl(status: str, finished: datetime | None, started: datetime | None = None):
    return {
        "project_id": "p-shop-recs",
        "status": status,
        "started_at": started or (finished or END) - timedelta(minutes=20),
        "finished_at": finished,
    }


def test_etl_runs_that_ended_within_the_day_are_read_at_its_utc_bounds(store):
    store.put(platform.ETL_RUNS, "at-start", etl("completed", START))
    store.put(
        platform.ETL_RUNS,
        "overnight",
        etl("failed", START + timedelta(minutes=5), START - timedelta(hours=1)),
    )
    store.put(
        platform.ETL_RUNS,
        "last-microsecond",
        etl("cancelled", END - timedelta(microseconds=1)),
    )
    store.put(platform.ETL_RUNS, "at-end", etl("completed", END))
    store.put(
        platform.ETL_RUNS, "before", etl("completed", START - timedelta(microseconds=1))
    )
    store.put(platform.ETL_RUNS, "running", etl("running", None))

    runs = PlatformCollections(store).etl_runs_finished(START, END)

    assert sorted(run.status for run in runs) == ["cancelled", "completed", "failed"]


def test_training_runs_carry_their_type_and_gpu_hours(store):
    store.put(
        platform.TRAINING_RUNS,
        "tr-1",
        {
            "project_id": "p-shop-recs",
            "model_type": "ranking",
            "status": "completed",
            "started_at": START - timedelta(hours=3),
            "finished_at": START + timedelta(hours=1),
            "gpu_hours": 3.75,
            "metrics": {"rmse": 0.51},
        },
    )

    runs = PlatformCollections(store).training_runs_finished(START, END)

    assert runs == [FinishedRun("completed", "ranking", 3.75)]


def test_the_store_file_is_measured_with_its_collections_as_tables(sqlite_store):
    for number in range(3):
        sqlite_store.put(platform.ETL_RUNS, f"e{number}", etl("completed", START))
    sqlite_store.put(platform.PROJECTS, "p", {"name": "x", "created_at": START})

    size = SQLiteStoreFile(sqlite_store.path).size()

    with sqlite3.connect(sqlite_store.path) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        per_collection = dict(
            connection.execute(
                "SELECT collection, SUM(LENGTH(data)) FROM documents "
                "GROUP BY collection"
            ).fetchall()
        )
    assert size.size_bytes == pages * page_size
    tables = {t.name: (t.size_bytes, t.row_count) for t in size.tables}
    assert tables == {
        platform.ETL_RUNS: (per_collection[platform.ETL_RUNS], 3),
        platform.PROJECTS: (per_collection[platform.PROJECTS], 1),
    }
    assert size.tables[0].name == platform.ETL_RUNS  # largest first


def test_a_missing_store_file_is_not_measured_and_not_created(tmp_path):
    missing = tmp_path / "absent.sqlite3"

    with pytest.raises(SourceUnavailable, match="does not exist"):
        SQLiteStoreFile(missing).size()
    assert not missing.exists()


def test_only_measured_figures_of_stored_snapshots_are_earlier_readings(store):
    from dashboard_api.snapshots import store_resource_metrics
    from tests.support import events

    first = date(2026, 11, 20)
    failed = [{"collector": "bigquery_storage", "error": "403 denied"}]
    store_resource_metrics(store, events.resource_metrics(first, bq_total_bytes=7))
    store_resource_metrics(
        store,
        events.resource_metrics(
            first + timedelta(days=1),
            status="partial",
            collection_errors=failed,
            bq_total_bytes=None,
            bq_table_details=None,
        ),
    )
    store_resource_metrics(
        store,
        events.resource_metrics(
            first + timedelta(days=2),
            estimated_fields=["bq_total_bytes", "bq_table_details"],
        ),
    )
    store_resource_metrics(store, events.resource_metrics(first + timedelta(days=9)))

    readings = StoredSnapshots(store).readings(
        "bigquery_storage", first, first + timedelta(days=5)
    )

    assert list(readings) == [first]
    assert readings[first]["bq_total_bytes"] == 7
    assert set(readings[first]) == {"bq_total_bytes", "bq_table_details"}
