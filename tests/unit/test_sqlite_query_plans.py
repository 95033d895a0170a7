"""The SQLite store reads what a query matches, not its whole collection.

bench/read_path.py found page loads 5 to 10 times slower over 10 years of
history than over 30 days: every filter and order was a scan of the
collection. These tests read SQLite's own query plan for the statements the
store runs (no timing).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import pytest

from recs_shared.store.sqlite_store import SQLiteStore

RUNS = 3000  # SQLite's planner weighs the table's size: a realistic one


DAYS = {
    f"r{n:04d}": (date(2026, 12, 31) - timedelta(days=n % 3650)).isoformat()
    for n in range(RUNS)
}


@pytest.fixture
def store(tmp_path):
    store = SQLiteStore(tmp_path / "store.sqlite3")
    with sqlite3.connect(store.path) as bulk:
        bulk.executemany(
            "INSERT INTO documents (collection, id, data) VALUES (?, ?, ?)",
            [
                ("runs", run, json.dumps({"started_at": day}))
                for run, day in DAYS.items()
            ]
            + [("other", f"o{n}", '{"started_at": "2026-01-01"}') for n in range(RUNS)],
        )
    return store


class Recording:
    """The store's connection, keeping each statement with its parameters:
    SQLite may plan a statement with literals differently."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.statements: list[tuple[str, tuple]] = []

    def execute(self, sql: str, params=()):
        self.statements.append((sql, tuple(params)))
        return self.connection.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self.connection, name)


def plans_of(store: SQLiteStore, call) -> list[str]:
    """The query plan of each SELECT the store runs during ``call``."""
    recording = Recording(store._connection())
    store._local.connection = recording
    try:
        call()
    finally:
        store._local.connection = recording.connection

    probe = sqlite3.connect(store.path)
    return [
        " / ".join(row[3] for row in probe.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        for sql, params in recording.statements
        if sql.lstrip().upper().startswith("SELECT")
    ]


def test_a_range_filter_searches_an_index_of_its_field(store):
    (plan,) = plans_of(
        store, lambda: store.query("runs", where=[("started_at", ">=", "2026-12-01")])
    )

    assert "USING INDEX by_started_at" in plan
    assert "SCAN" not in plan


def test_an_ordered_limited_query_walks_the_index_of_its_order(store):
    (plan,) = plans_of(
        store,
        lambda: store.query("runs", order_by=[("started_at", "desc")], limit=3),
    )

    assert "USING INDEX by_started_at" in plan


def test_a_filtered_count_searches_the_index(store):
    (plan,) = plans_of(
        store, lambda: store.count("runs", where=[("started_at", ">=", "2026-12-01")])
    )

    assert "USING COVERING INDEX by_started_at" in plan or "USING INDEX" in plan
    assert "SCAN" not in plan


def test_indexed_queries_answer_as_before(store):
    found = store.query("runs", where=[("started_at", ">=", "2026-12-30")])
    newest = store.query("runs", order_by=[("started_at", "desc")], limit=2)

    assert [doc.id for doc in found] == sorted(
        run for run, day in DAYS.items() if day >= "2026-12-30"
    )
    by_newest = sorted(DAYS, key=lambda run: (DAYS[run], run), reverse=True)
    assert [doc.data["started_at"] for doc in newest] == [
        DAYS[run] for run in by_newest[:2]
    ]
