"""A collection day by day: isolation of sub-collectors, status, UTC windows."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from google.api_core import exceptions

from metrics_collector.runner import RequestError
from metrics_collector.sources.ports import SourceUnavailable
from recs_shared.events import decode
from recs_shared.events.schemas import COLLECTORS, ResourceMetricsV1
from recs_shared.resource_metrics import COLLECTOR_FIELDS
from tests.support.metrics import DAY, RUN_AT, FakeSources, collector_at

ALL_FIELDS = [field for fields in COLLECTOR_FIELDS.values() for field in fields]


def test_the_collectors_share_out_every_figure_of_the_event_exactly_once():
    figures = set(ResourceMetricsV1().fields) - {
        "event_type",
        "schema_version",
        "snapshot_date",
        "collected_at",
        "status",
        "collection_errors",
        "estimated_fields",
    }

    assert tuple(COLLECTOR_FIELDS) == COLLECTORS
    assert sorted(ALL_FIELDS) == sorted(figures)


def test_a_full_collection_is_a_success_with_every_figure():
    sources = FakeSources()
    collector, publisher = collector_at(sources, RUN_AT)

    report = collector.collect()

    event = report.event
    assert event["snapshot_date"] == DAY
    assert event["collected_at"] == RUN_AT
    assert (event["status"], event["collection_errors"]) == ("success", [])
    assert event["estimated_fields"] == []
    expected = sources.expected_figures(as_of=datetime(2026, 12, 1, tzinfo=UTC))
    assert {field: event[field] for field in ALL_FIELDS} == expected
    assert report.message_id == "m1"
    [(topic, data, attributes)] = publisher.published
    assert topic == "resource-metrics-snapshots"
    assert attributes["snapshot_date"] == "2026-11-30"
    assert decode(data, attributes)["status"] == "success"


@pytest.mark.parametrize("failing", list(COLLECTOR_FIELDS))
def test_one_failing_sub_collector_gives_partial_and_keeps_every_other_figure(
    failing,
):
    sources = FakeSources().fail(failing, exceptions.Forbidden("denied to me"))
    collector, publisher = collector_at(sources, RUN_AT)

    report = collector.collect()

    event = report.event
    expected = FakeSources().expected_figures(as_of=datetime(2026, 12, 1, tzinfo=UTC))
    assert event["status"] == "partial"
    assert event["collection_errors"] == [
        {"collector": failing, "error": "403 denied to me"}
    ]
    for field in ALL_FIELDS:
        if field in COLLECTOR_FIELDS[failing]:
            assert event[field] is None, field
        else:
            assert event[field] == expected[field], field
    assert report.status == "partial"
    assert len(publisher.published) == 1


def test_every_source_failing_is_an_error():
    sources = FakeSources()
    for collector_name in COLLECTOR_FIELDS:
        sources.fail(collector_name, SourceUnavailable("down"))
    collector, _ = collector_at(sources, RUN_AT)

    report = collector.collect()

    assert report.status == "error"
    assert [e["collector"] for e in report.event["collection_errors"]] == list(
        COLLECTOR_FIELDS
    )
    assert all(report.event[field] is None for field in ALL_FIELDS)


def test_an_unexpected_bug_in_a_source_is_isolated_and_named():
    sources = FakeSources().fail("etl_runs", KeyError("finished_at"))
    collector, _ = collector_at(sources, RUN_AT)

    event = collector.collect().event

    assert event["collection_errors"] == [
        {"collector": "etl_runs", "error": "KeyError: 'finished_at'"}
    ]
    assert event["gpu_jobs_completed"] == 2


def test_flows_are_read_over_the_utc_day_and_storage_as_the_day_ended():
    sources = FakeSources()
    collector, _ = collector_at(sources, RUN_AT)

    collector.collect()

    start = datetime(2026, 11, 30, tzinfo=UTC)
    end = datetime(2026, 12, 1, tzinfo=UTC)
    calls = dict(sources.calls)
    assert calls["jobs"] == (start, end)
    assert calls["serving_requests"] == (start, end)
    assert calls["etl_runs_finished"] == (start, end)
    assert calls["training_runs_finished"] == (start, end)
    assert calls["bucket_usage"] == (end,)


@pytest.mark.parametrize(
    ("now", "collected"),
    [
        (datetime(2026, 12, 1, 0, 0, tzinfo=UTC), date(2026, 11, 30)),
        (datetime(2026, 12, 1, 0, 30, tzinfo=UTC), date(2026, 11, 30)),
        (datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC), date(2026, 11, 29)),
    ],
)
def test_a_run_collects_the_last_ended_utc_day(now, collected):
    collector, _ = collector_at(FakeSources(), now)

    assert collector.collect().event["snapshot_date"] == collected


@pytest.mark.parametrize("day", [date(2026, 12, 1), date(2026, 12, 2)])
def test_a_day_that_has_not_ended_is_refused_and_nothing_is_published(day):
    collector, publisher = collector_at(FakeSources(), RUN_AT)

    with pytest.raises(RequestError, match="has not ended yet"):
        collector.collect(day)
    assert publisher.published == []


def test_a_refused_publication_turns_the_day_into_an_error():
    sources = FakeSources()
    collector, publisher = collector_at(sources, RUN_AT)
    publisher.refuse = exceptions.ServiceUnavailable("Pub/Sub is down")

    report = collector.collect()

    assert report.event["status"] == "success"
    assert report.status == "error"
    assert report.publish_error == "503 Pub/Sub is down"
    assert report.summary()["published"] is False


def test_a_dry_run_publishes_nothing():
    collector, publisher = collector_at(FakeSources(), RUN_AT)

    report = collector.collect(dry_run=True)

    assert publisher.published == []
    assert report.summary()["dry_run"] is True
    json.dumps(report.summary())  # the summary is plain JSON


def test_an_old_day_collected_alone_estimates_the_stocks_read_now():
    sources = FakeSources()
    collector, _ = collector_at(sources, RUN_AT)

    event = collector.collect(DAY - timedelta(days=3)).event

    # Today's BigQuery, database and service readings stand in (flat curve)
    # and are flagged; Cloud Storage has history and is read for that day.
    assert event["estimated_fields"] == [
        *COLLECTOR_FIELDS["bigquery_storage"],
        *COLLECTOR_FIELDS["cloud_run_services"],
        *COLLECTOR_FIELDS["database"],
    ]
    assert event["bq_total_bytes"] == 5_000_001_024
    assert event["status"] == "success"
