"""Backfill: real flows for every day, stocks read where a source keeps
history and estimated by the growth curve elsewhere, flagged as such."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from metrics_collector import growth
from metrics_collector.runner import RequestError
from metrics_collector.sources.ports import BucketUsage, TableStorage
from recs_shared.events import decode
from recs_shared.resource_metrics import COLLECTOR_FIELDS
from tests.support.metrics import DAY, RUN_AT, FakeSources, collector_at

NO_HISTORY = ("bigquery_storage", "cloud_run_services", "database")


def test_backfill_publishes_one_event_per_day_oldest_first():
    collector, publisher = collector_at(FakeSources(), RUN_AT)

    reports = collector.backfill(5)

    days = [DAY - timedelta(days=n) for n in (4, 3, 2, 1, 0)]
    assert [r.event["snapshot_date"] for r in reports] == days
    published = [
        decode(data, attrs)["snapshot_date"] for _, data, attrs in publisher.published
    ]
    assert published == days


def test_flows_are_read_for_each_day_and_stocks_without_history_once():
    sources = FakeSources()
    collector, _ = collector_at(sources, RUN_AT)

    collector.backfill(5)

    methods = [method for method, _ in sources.calls]
    assert methods.count("jobs") == 5
    assert methods.count("training_runs_finished") == 5
    assert methods.count("bucket_usage") == 5  # Monitoring keeps 6 weeks
    assert methods.count("table_storage") == 1
    assert methods.count("services") == 1
    assert methods.count("size") == 1
    job_windows = [args for method, args in sources.calls if method == "jobs"]
    assert job_windows[0] == (
        datetime(2026, 11, 26, tzinfo=UTC),
        datetime(2026, 11, 27, tzinfo=UTC),
    )


def test_past_stocks_without_history_are_flagged_estimated_and_yesterday_is_not():
    collector, _ = collector_at(FakeSources(), RUN_AT)

    *older, latest = collector.backfill(3)

    flagged = [f for name in NO_HISTORY for f in COLLECTOR_FIELDS[name]]
    for report in older:
        assert sorted(report.event["estimated_fields"]) == sorted(flagged)
        assert report.event["status"] == "success"
    assert latest.event["estimated_fields"] == []
    # One known reading: the curve is flat at it.
    assert {r.event["bq_total_bytes"] for r in (*older, latest)} == {5_000_001_024}


def test_storage_is_read_per_day_within_retention_and_held_before_it():
    def buckets_at(as_of: datetime) -> list[BucketUsage]:
        age = (datetime(2026, 12, 1, tzinfo=UTC) - as_of).days
        return [BucketUsage("artifacts", 1_000_000 - 1000 * age, 10)]

    sources = FakeSources(buckets_at=buckets_at)
    collector, _ = collector_at(sources, RUN_AT)

    reports = {r.event["snapshot_date"]: r.event for r in collector.backfill(50)}

    oldest_read = DAY - timedelta(days=42)
    assert reports[DAY]["gcs_total_bytes"] == 1_000_000
    assert reports[oldest_read]["gcs_total_bytes"] == 1_000_000 - 42_000
    assert "gcs_total_bytes" not in reports[oldest_read]["estimated_fields"]
    before = reports[oldest_read - timedelta(days=1)]
    assert before["gcs_total_bytes"] == 1_000_000 - 42_000  # held, not extrapolated
    assert "gcs_total_bytes" in before["estimated_fields"]
    assert "gcs_bucket_details" in before["estimated_fields"]


def test_requests_older_than_monitorings_retention_are_not_measured():
    collector, _ = collector_at(FakeSources(), RUN_AT)

    reports = {r.event["snapshot_date"]: r.event for r in collector.backfill(44)}

    oldest = reports[DAY - timedelta(days=43)]
    assert oldest["cloud_run_total_requests"] is None
    assert oldest["status"] == "partial"
    [error] = oldest["collection_errors"]
    assert error["collector"] == "cloud_run_requests"
    assert "42 days of history" in error["error"]
    assert reports[DAY - timedelta(days=42)]["cloud_run_total_requests"] == 305


def test_a_stock_source_that_fails_leaves_every_day_unmeasured():
    sources = FakeSources().fail("database", OSError("disk gone"))
    collector, _ = collector_at(sources, RUN_AT)

    for report in collector.backfill(3):
        assert report.event["db_size_bytes"] is None
        assert report.event["collection_errors"] == [
            {"collector": "database", "error": "OSError: disk gone"}
        ]


@pytest.mark.parametrize("days", [0, -1, 367])
def test_a_backfill_outside_1_to_366_days_is_refused(days):
    collector, publisher = collector_at(FakeSources(), RUN_AT)

    with pytest.raises(RequestError, match="between 1 and 366"):
        collector.backfill(days)
    assert publisher.published == []


# --- the growth curve ---------------------------------------------------------

D0 = date(2026, 11, 1)


def test_between_two_readings_the_curve_grows_at_a_constant_daily_rate():
    known = {D0: 100.0, D0 + timedelta(days=10): 200.0}

    middle = growth.curve(known, D0 + timedelta(days=5))
    one_day = growth.curve(known, D0 + timedelta(days=1))

    assert middle == pytest.approx(100 * math.sqrt(2))
    assert one_day == pytest.approx(100 * 2 ** (1 / 10))


def test_from_or_to_zero_the_curve_is_linear():
    known = {D0: 0.0, D0 + timedelta(days=4): 400.0}

    assert growth.curve(known, D0 + timedelta(days=1)) == pytest.approx(100.0)


def test_outside_the_readings_the_nearest_reading_is_held():
    known = {D0: 10.0, D0 + timedelta(days=2): 40.0}

    assert growth.curve(known, D0 - timedelta(days=30)) == 10.0
    assert growth.curve(known, D0 + timedelta(days=30)) == 40.0
    assert growth.curve({D0: 7.0}, D0 - timedelta(days=3)) == 7.0


def test_items_are_estimated_one_by_one_and_a_missing_item_was_zero():
    known = {
        D0: [{"name": "a", "bytes": 100, "rows": 10}],
        D0 + timedelta(days=2): [
            {"name": "a", "bytes": 400, "rows": 40},
            {"name": "b", "bytes": 50, "rows": 2},
        ],
    }

    items = growth.estimate_items(known, D0 + timedelta(days=1), ("bytes", "rows"))

    assert items == [
        {"name": "a", "bytes": 200, "rows": 20},
        {"name": "b", "bytes": 25, "rows": 1},
    ]
    assert growth.estimate_items(known, D0, ("bytes", "rows")) == [
        {"name": "a", "bytes": 100, "rows": 10}
    ]


def test_a_table_list_estimate_totals_its_tables():
    sources = FakeSources(
        tables=[TableStorage("raw.a", 300, 3), TableStorage("raw.b", 200, 2)]
    )
    collector, _ = collector_at(sources, RUN_AT)

    first = collector.backfill(2)[0].event

    assert first["bq_total_bytes"] == 500
    assert first["bq_table_details"] == [
        {"name": "raw.a", "bytes": 300, "rows": 3},
        {"name": "raw.b", "bytes": 200, "rows": 2},
    ]


# --- earlier readings from the stored snapshots --------------------------------


def table_reading(total: int, rows: int) -> dict:
    return {
        "bq_total_bytes": total,
        "bq_table_details": [{"name": "raw.orders", "bytes": total, "rows": rows}],
    }


def test_a_backfill_estimates_between_a_stored_reading_and_todays():
    sources = FakeSources(
        tables=[TableStorage("raw.orders", 4000, 40)],
        stored={"bigquery_storage": {DAY - timedelta(days=4): table_reading(1000, 10)}},
    )
    collector, _ = collector_at(sources, RUN_AT)

    events = {r.event["snapshot_date"]: r.event for r in collector.backfill(5)}

    # Four days from 1000 to 4000 at a constant daily rate: x4 in 4 days.
    expected = {4: 1000, 3: 1000 * 4**0.25, 2: 2000, 1: 1000 * 4**0.75, 0: 4000}
    for back, total in expected.items():
        event = events[DAY - timedelta(days=back)]
        assert event["bq_total_bytes"] == round(total), back
    assert events[DAY - timedelta(days=2)]["bq_table_details"] == [
        {"name": "raw.orders", "bytes": 2000, "rows": 20}
    ]
    assert "bq_total_bytes" in events[DAY - timedelta(days=2)]["estimated_fields"]
    assert events[DAY]["estimated_fields"] == []


def test_a_daily_run_reads_no_stored_snapshot():
    sources = FakeSources()
    collector, _ = collector_at(sources, RUN_AT)

    collector.collect(DAY)

    assert "readings" not in [method for method, _ in sources.calls]


def test_unreadable_stored_snapshots_leave_the_flat_estimate():
    sources = FakeSources()
    sources.failing["readings"] = OSError("store down")
    collector, _ = collector_at(sources, RUN_AT)

    first, _ = collector.backfill(2)

    assert first.event["bq_total_bytes"] == 5_000_001_024
    assert first.event["status"] == "success"
