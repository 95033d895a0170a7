"""The demo export: deterministic per seed, shaped like the real one, and
following the platform's endpoints and training runs."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from billing_collector import demo_export
from billing_collector.collect import Request, collect
from billing_collector.duckdb_source import DuckDBSource
from billing_collector.export_table import COLUMNS
from recs_shared import platform
from tests.support.billing_export import collector_settings

FIRST, LAST = date(2026, 9, 1), date(2026, 9, 30)


@pytest.fixture
def seeded_store(sqlite_store):
    sqlite_store.put(
        platform.DEPLOYED_ENDPOINTS, "ep-1", {"cloud_run_service": "shop-serving"}
    )
    for number, (day, hours, kind) in enumerate(
        [(3, 2.5, "retrieval"), (10, 4.0, "ranking"), (20, 1.25, "multitask")], start=1
    ):
        sqlite_store.put(
            platform.TRAINING_RUNS,
            f"run-{number}",
            {
                "model_type": kind,
                "started_at": f"2026-09-{day:02d}T08:30:00+00:00",
                "gpu_hours": hours,
                "gpu_type": "nvidia-l4",
            },
        )
    return sqlite_store


def test_the_same_seed_gives_the_same_export_and_another_seed_another(sqlite_store):
    one = list(demo_export.generate(sqlite_store, FIRST, LAST, seed=3))
    same = list(demo_export.generate(sqlite_store, FIRST, LAST, seed=3))
    other = list(demo_export.generate(sqlite_store, FIRST, LAST, seed=4))

    assert one == same
    assert one != other


def test_rows_use_only_export_columns_and_cover_every_day(sqlite_store):
    rows = list(demo_export.generate(sqlite_store, FIRST, LAST))

    assert all(set(row) <= set(COLUMNS) for row in rows)
    days = {row["usage_start_time"].date() for row in rows}
    assert days == {date(2026, 9, day) for day in range(1, 31)}
    cost_types = Counter(row["cost_type"] for row in rows)
    assert set(cost_types) == {"regular", "tax", "adjustment", "rounding_error"}
    credit_types = {c["type"] for row in rows for c in row["credits"]}
    assert {"FREE_TIER", "PROMOTION", "COMMITTED_USAGE_DISCOUNT"} <= credit_types
    assert any(len(row["credits"]) == 2 for row in rows)


def test_the_bill_follows_the_platforms_endpoints_and_runs(seeded_store):
    rows = list(demo_export.generate(seeded_store, FIRST, LAST))

    serving = {
        row["resource"]["name"]
        for row in rows
        if row["service"]["description"] == "Cloud Run"
    }
    assert {"shop-serving", *demo_export.APP_SERVICES} == serving

    gpu_seconds = Counter()
    for row in rows:
        labels = {label["key"]: label["value"] for label in row["labels"]}
        if "GPU" in row["sku"]["description"]:
            gpu_seconds[labels["training_run_id"]] += row["usage"]["amount"]
    assert gpu_seconds == {
        "run-1": 2.5 * 3600,
        "run-2": 4.0 * 3600,
        "run-3": 1.25 * 3600,
    }


def test_with_an_empty_platform_the_bill_still_has_training_runs(sqlite_store):
    rows = list(demo_export.generate(sqlite_store, FIRST, LAST))

    runs = {
        label["value"]
        for row in rows
        for label in row["labels"]
        if label["key"] == "training_run_id"
    }
    assert len(runs) >= 5
    assert all(run.startswith("demo-run-") for run in runs)


def test_collecting_the_demo_gives_all_four_categories(seeded_store, tmp_path):
    config = collector_settings(tmp_path / "data")
    rows = demo_export.generate(seeded_store, FIRST, LAST)
    demo_export.write(config.export_duckdb_path, rows, "test")

    outcome = collect(
        Request(day=date(2026, 9, 10)),
        config=config,
        store=seeded_store,
        source=DuckDBSource(config.export_duckdb_path),
        publisher=None,
        now=datetime(2026, 10, 1, tzinfo=UTC),
    )

    (event,) = outcome.events
    assert {line["category"] for line in event["lines"]} == {
        "Data",
        "Training",
        "Inference",
        "System",
    }
    assert [
        (r["training_run_id"], r["model_type"]) for r in event["training_runs"]
    ] == [("run-2", "ranking")]
    assert event["tax_cost"] > 0
    assert outcome.unknown_services == []


def test_the_period_is_six_calendar_months_to_yesterday():
    assert demo_export.period(date(2026, 3, 15), 6) == (
        date(2025, 10, 1),
        date(2026, 3, 14),
    )


def test_rows_the_export_would_write_later_are_left_out(sqlite_store):
    now = datetime(2026, 9, 30, 6, tzinfo=UTC)

    everything = list(demo_export.generate(sqlite_store, FIRST, LAST))
    so_far = list(demo_export.generate(sqlite_store, FIRST, LAST, now=now))

    assert so_far == [row for row in everything if row["export_time"] <= now]
    assert len(so_far) < len(everything)
