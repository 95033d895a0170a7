"""Collecting billing days from the local export: the numbers in the events.

Every expected amount is computed here from the rows the test wrote (or, for
the public samples, from the raw CSV with the csv module and Decimal), never
read back from the collector.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from billing_collector.collect import Request, RequestError, collect, days_to_collect
from billing_collector.duckdb_source import DuckDBSource
from billing_collector.export_source import ExportUnavailable
from billing_collector.import_export import import_file
from billing_collector.query import Window
from recs_shared import billing_config, events, platform
from tests.support.billing_export import (
    SAMPLES,
    collector_settings,
    export_row,
    raw_net_costs,
    raw_project,
    save_billing_config,
    write_export,
)

DAY = date(2026, 11, 30)
NOON = datetime(2026, 11, 30, 12, tzinfo=UTC)
LATER = datetime(2026, 12, 10, 5, tzinfo=UTC)


class RecordingPublisher:
    """Keeps what would go to Pub/Sub, as encoded message data."""

    def __init__(self):
        self.messages = []

    def publish(self, topic, data, attributes):
        self.messages.append((topic, json.loads(data), dict(attributes)))
        return f"m{len(self.messages)}"

    def close(self):
        pass


@pytest.fixture
def export_path(tmp_path):
    return tmp_path / "export.duckdb"


@pytest.fixture
def collected(tmp_path, sqlite_store, export_path):
    """Collect with the local source; returns the whole outcome."""

    def outcome(request, now=LATER, publisher=None, **variables):
        return collect(
            request,
            config=collector_settings(tmp_path / "data", **variables),
            store=sqlite_store,
            source=DuckDBSource(export_path),
            publisher=publisher,
            now=now,
        )

    return outcome


@pytest.fixture
def run(collected):
    """Collect with the local source; returns the events by day."""

    def collect_days(request, **options):
        events = collected(request, **options).events
        return {event["snapshot_date"]: event for event in events}

    return collect_days


def _line(event, category, service):
    matches = [
        line
        for line in event["lines"]
        if (line["category"], line["service"]) == (category, service)
    ]
    assert len(matches) == 1, event["lines"]
    return matches[0]


SAMPLE_FILES = sorted(SAMPLES.glob("billing_export_*.csv"))


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda path: path.name)
def test_each_public_sample_gives_the_raw_net_cost_per_day_and_service(
    sample, sqlite_store, export_path, run
):
    expected = raw_net_costs(sample)
    import_file(export_path, sample)
    save_billing_config(sqlite_store, client_project_id=raw_project(sample))
    days = sorted({day for day, _ in expected})

    collected = {}
    for day in days:
        event = run(Request(day=day))[day]
        for line in event["lines"]:
            collected[(day, line["service"])] = line["gcp_cost"]

    assert collected.keys() == expected.keys()
    for key, amount in expected.items():
        assert collected[key] == amount, key


def test_a_row_with_two_credits_counts_its_cost_once(export_path, run):
    write_export(
        export_path,
        [
            export_row("BigQuery", 10.0, credits=[-1.25, -0.5]),
            export_row("BigQuery", 3.0, credits=[]),
        ],
    )

    event = run(Request(day=DAY))[DAY]

    assert _line(event, "Data", "BigQuery")["gcp_cost"] == Decimal("11.25")


def test_tax_is_kept_out_of_the_lines_and_adjustments_are_in(export_path, run):
    write_export(
        export_path,
        [
            export_row("Cloud SQL", 5.0),
            export_row("Cloud SQL", 1.15, cost_type="tax"),
            export_row("Cloud SQL", -0.4, cost_type="adjustment"),
            export_row("Cloud SQL", 0.000311, cost_type="rounding_error"),
        ],
    )

    event = run(Request(day=DAY))[DAY]

    assert _line(event, "Data", "Cloud SQL")["gcp_cost"] == Decimal("4.600311")
    assert event["tax_cost"] == Decimal("1.15")


def test_a_late_row_for_a_past_day_changes_that_day_on_the_next_run(export_path, run):
    write_export(export_path, [export_row("BigQuery", 2.0)])
    first = run(Request(), now=datetime(2026, 12, 1, 5, tzinfo=UTC))

    late = export_row("BigQuery", 0.75, export_delay=timedelta(hours=40))
    write_export(export_path, [late], source="late")
    second = run(Request(), now=datetime(2026, 12, 2, 5, tzinfo=UTC))

    assert _line(first[DAY], "Data", "BigQuery")["gcp_cost"] == Decimal("2")
    assert _line(second[DAY], "Data", "BigQuery")["gcp_cost"] == Decimal("2.75")
    assert second[DAY]["export_time_max"] == late["export_time"]
    assert second[DAY]["collected_at"] > first[DAY]["collected_at"]


def test_replaying_a_day_gives_the_same_snapshot(export_path, run):
    write_export(
        export_path,
        [export_row("BigQuery", 2.0), export_row("Vertex AI", 1.0, sku="GPU")],
    )

    once = run(Request(day=DAY), now=LATER)[DAY]
    again = run(Request(day=DAY), now=LATER + timedelta(hours=1))[DAY]

    same = ("lines", "tax_cost", "training_runs", "export_time_max", "provisional")
    assert {k: once[k] for k in same} == {k: again[k] for k in same}


def test_rows_outside_the_day_or_exported_past_the_window_are_not_counted(
    export_path, run
):
    write_export(
        export_path,
        [
            export_row("BigQuery", 1.0),
            export_row("BigQuery", 20.0, usage_start=NOON - timedelta(days=1)),
            export_row("BigQuery", 300.0, usage_start=NOON + timedelta(days=1)),
            export_row("BigQuery", 4000.0, export_delay=timedelta(days=9)),
            export_row("BigQuery", 50000.0, project="someone-else"),
        ],
    )

    event = run(Request(day=DAY), RECS_BILLING_LATE_ROW_DAYS="7")[DAY]

    assert _line(event, "Data", "BigQuery")["gcp_cost"] == Decimal("1")


def test_categories_margins_and_fees_follow_billing_config(
    export_path, sqlite_store, run
):
    save_billing_config(sqlite_store, default_margin_pct=40, gpu_margin_pct=150)
    sqlite_store.put(
        platform.DEPLOYED_ENDPOINTS, "e1", {"cloud_run_service": "shop-serving"}
    )
    write_export(
        export_path,
        [
            export_row("Cloud Run", 0.5, resource="shop-serving"),
            export_row("Cloud Run", 0.25, resource="web"),
            export_row("Vertex AI", 2.0, sku="Nvidia Tesla T4 GPU running in Warsaw"),
            export_row("Vertex AI", 0.1, sku="N1 Predefined Instance Core"),
            export_row("Compute Engine", 0.3),
        ],
    )

    event = run(Request(day=DAY))[DAY]

    expected = {
        ("Training", "Vertex AI (CPU)"): (Decimal("0.1"), 150),
        ("Training", "Vertex AI (GPU)"): (Decimal("2"), 150),
        ("Inference", "Cloud Run"): (Decimal("0.5"), 40),
        ("System", "Cloud Run"): (Decimal("0.25"), 40),
        ("System", "Compute Engine"): (Decimal("0.3"), 40),
    }
    got = {
        (line["category"], line["service"]): (line["gcp_cost"], line["margin_pct"])
        for line in event["lines"]
    }
    assert got == expected
    for line in event["lines"]:
        fee = line["gcp_cost"] * line["margin_pct"] / 100
        assert line["platform_fee"] == fee
        assert line["total_cost"] == line["gcp_cost"] + fee


def test_an_unknown_service_is_logged_once_per_run(export_path, run, caplog):
    write_export(
        export_path,
        [
            export_row("Compute Engine", 1.0),
            export_row("Compute Engine", 1.0, usage_start=NOON - timedelta(days=1)),
        ],
    )

    run(Request(backfill_days=3), now=datetime(2026, 12, 1, 5, tzinfo=UTC))

    warnings = [r for r in caplog.records if "Compute Engine" in r.getMessage()]
    assert len(warnings) == 1
    assert "not in the category map" in warnings[0].getMessage()


def test_training_runs_cost_by_label_with_model_type_from_label_store_or_unknown(
    export_path, sqlite_store, run
):
    save_billing_config(sqlite_store, gpu_margin_pct=100)
    sqlite_store.put(platform.TRAINING_RUNS, "run-2", {"model_type": "ranking"})
    gpu = "Nvidia L4 GPU running in Warsaw"
    write_export(
        export_path,
        [
            export_row(
                "Vertex AI",
                1.5,
                sku=gpu,
                labels={"training_run_id": "run-1", "model_type": "retrieval"},
            ),
            export_row("Vertex AI", 0.25, labels={"training_run_id": "run-1"}),
            export_row("Vertex AI", 2.0, sku=gpu, labels={"training_run_id": "run-2"}),
            export_row("Vertex AI", 0.5, sku=gpu, labels={"training_run_id": "run-3"}),
            export_row("Cloud Storage", 9.0, labels={"training_run_id": "run-1"}),
            export_row(
                "Vertex AI", 0.2, cost_type="tax", labels={"training_run_id": "run-1"}
            ),
        ],
    )

    event = run(Request(day=DAY))[DAY]

    runs = {
        run["training_run_id"]: (run["model_type"], run["gcp_cost"], run["total_cost"])
        for run in event["training_runs"]
    }
    assert runs == {
        "run-1": ("retrieval", Decimal("1.75"), Decimal("3.5")),
        "run-2": ("ranking", Decimal("2"), Decimal("4")),
        "run-3": ("unknown", Decimal("0.5"), Decimal("1")),
    }


def test_a_day_is_provisional_until_the_settle_window_has_passed(export_path, run):
    write_export(export_path, [export_row("BigQuery", 1.0)])
    day_end = datetime(2026, 12, 1, tzinfo=UTC)

    early = run(Request(day=DAY), now=day_end + timedelta(hours=47, minutes=59))
    settled = run(Request(day=DAY), now=day_end + timedelta(hours=48))

    assert early[DAY]["provisional"] is True
    assert settled[DAY]["provisional"] is False


def test_an_empty_day_is_published_whole_with_no_lines(export_path, run):
    write_export(export_path, [export_row("BigQuery", 1.0)])

    event = run(Request(day=DAY - timedelta(days=5)))[DAY - timedelta(days=5)]

    assert event["lines"] == [] and event["training_runs"] == []
    assert event["export_time_max"] is None
    assert event["tax_cost"] == 0


def test_no_row_for_the_project_on_any_day_is_named_with_the_likely_fix(
    export_path, collected, caplog
):
    write_export(export_path, [export_row("BigQuery", 1.0)])

    assert collected(Request(day=DAY)).warnings == []
    [warning] = collected(Request(day=DAY - timedelta(days=5))).warnings
    assert "no export rows for project 'b2b-recs'" in warning
    assert "client_project_id" in warning
    assert warning in caplog.text


def test_every_event_is_published_valid_one_per_day(export_path, run):
    write_export(export_path, [export_row("BigQuery", 1.0)])
    publisher = RecordingPublisher()

    run(
        Request(backfill_days=4),
        now=datetime(2026, 12, 2, 5, tzinfo=UTC),
        publisher=publisher,
    )

    days = [attributes["snapshot_date"] for _, _, attributes in publisher.messages]
    assert days == ["2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01"]
    for topic, data, _ in publisher.messages:
        assert topic == "billing-snapshots"
        assert events.decode(json.dumps(data).encode())["event_type"] == events.BILLING


def test_a_missing_export_publishes_nothing(tmp_path, run):
    publisher = RecordingPublisher()

    with pytest.raises(ExportUnavailable, match="no local billing export"):
        run(Request(day=DAY), publisher=publisher)

    assert publisher.messages == []


@pytest.mark.parametrize(
    ("request_", "days"),
    [
        (Request(), [date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)]),
        (Request(day=date(2026, 2, 1)), [date(2026, 2, 1)]),
        (Request(backfill_days=2), [date(2026, 11, 29), date(2026, 11, 30)]),
    ],
)
def test_days_to_collect(request_, days):
    assert days_to_collect(request_, today=date(2026, 12, 1), recollect_days=3) == days


@pytest.mark.parametrize(
    ("request_", "fault"),
    [
        (Request(day=date(2026, 12, 1)), "not over yet"),
        (Request(backfill_days=0), "between 1 and 1000"),
        (Request(day=DAY, backfill_days=3), "either a date or a backfill"),
    ],
)
def test_impossible_requests_are_refused(request_, fault):
    with pytest.raises(RequestError, match=fault):
        days_to_collect(request_, today=date(2026, 12, 1), recollect_days=3)


def test_the_list_function_rewrite_gives_the_rows_of_the_plain_translation(
    sqlite_store, tmp_path
):
    import duckdb

    from billing_collector import demo_export
    from billing_collector.duckdb_source import _naive_utc, duckdb_sql
    from billing_collector.query import day_parameters

    database = tmp_path / "demo.duckdb"
    sqlite_store.put(platform.TRAINING_RUNS, "r", {"model_type": "ranking"})
    demo_export.write(
        database,
        demo_export.generate(sqlite_store, date(2026, 9, 1), date(2026, 9, 30), seed=5),
        "demo",
    )
    parameters = _naive_utc(day_parameters(date(2026, 9, 12), "b2b-recs", Window(1, 7)))

    with duckdb.connect(str(database), read_only=True) as connection:
        plain = connection.execute(duckdb_sql(list_functions=False), parameters)
        plain_rows = plain.fetchall()
        rewritten = connection.execute(duckdb_sql(), parameters).fetchall()

    assert "FROM UNNEST(credits)" in duckdb_sql(list_functions=False)
    assert "FROM UNNEST" not in duckdb_sql()
    assert "LIST_SUM(LIST_TRANSFORM(credits" in duckdb_sql()
    assert len(plain_rows) > 10
    assert rewritten == plain_rows


def test_the_platform_and_billing_config_are_read_from_either_store(store):
    from billing_collector.collect import read_platform

    save_billing_config(store, default_margin_pct=35, client_project_id="shop-proj")
    store.put(platform.DEPLOYED_ENDPOINTS, "e1", {"cloud_run_service": "a-serving"})
    store.put(platform.DEPLOYED_ENDPOINTS, "e2", {"cloud_run_service": "b-serving"})
    store.put(platform.TRAINING_RUNS, "run-9", {"model_type": "multitask"})

    known = read_platform(store)
    pricing = billing_config.load(store)

    assert known.endpoint_services == {"a-serving", "b-serving"}
    assert dict(known.run_model_types) == {"run-9": "multitask"}
    assert (pricing["default_margin_pct"], pricing["client_project_id"]) == (
        35,
        "shop-proj",
    )
