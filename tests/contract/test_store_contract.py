"""One contract for every store adapter: SQLite always, Firestore on its emulator."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from recs_shared.store import keep_latest


def test_a_missing_document_reads_as_none(store):
    assert store.get("things", "absent") is None
    assert store.get_many("things", ["absent"]) == {}


def test_put_then_get_returns_the_same_document(store):
    document = {
        "name": "a",
        "n": 3,
        "ratio": 0.5,
        "ok": True,
        "none": None,
        "nested": {"list": [1, "two", {"three": 3}]},
    }
    store.put("things", "a", document)

    assert store.get("things", "a") == document


def test_decimal_and_dates_are_stored_as_strings(store):
    store.put(
        "things",
        "money",
        {
            "cost": Decimal("0.000001"),
            "day": date(2026, 2, 1),
            "at": datetime(2026, 2, 1, 5, 0, tzinfo=UTC),
        },
    )

    assert store.get("things", "money") == {
        "cost": "0.000001",
        "day": "2026-02-01",
        "at": "2026-02-01T05:00:00+00:00",
    }


def test_put_replaces_the_whole_document(store):
    store.put("things", "a", {"old": 1, "kept": 1})
    store.put("things", "a", {"kept": 2})

    assert store.get("things", "a") == {"kept": 2}


def test_create_refuses_an_existing_document(store):
    assert store.create("things", "a", {"v": 1}) is True
    assert store.create("things", "a", {"v": 2}) is False
    assert store.get("things", "a") == {"v": 1}


def test_delete_says_whether_something_was_deleted(store):
    store.put("things", "a", {"v": 1})

    assert store.delete("things", "a") is True
    assert store.delete("things", "a") is False
    assert store.get("things", "a") is None


def test_get_many_returns_only_existing_documents(store):
    store.put("things", "a", {"v": 1})
    store.put("things", "c", {"v": 3})

    assert store.get_many("things", ["a", "b", "c", "a"]) == {
        "a": {"v": 1},
        "c": {"v": 3},
    }


def test_collections_are_separate(store):
    store.put("one", "a", {"v": 1})

    assert store.get("two", "a") is None
    assert store.count("two") == 0


def test_mutate_creates_updates_and_can_decline(store):
    created = store.mutate("things", "a", lambda current: {"v": 1})
    updated = store.mutate("things", "a", lambda current: {"v": current["v"] + 1})
    declined = store.mutate("things", "a", lambda current: None)

    assert (created.written, updated.written, declined.written) == (True, True, False)
    assert declined.data == {"v": 2}
    assert store.get("things", "a") == {"v": 2}


def test_mutate_drops_fields_the_new_document_leaves_out(store):
    store.put("things", "a", {"gone": 1, "map": {"x": 1, "y": 2}})

    store.mutate("things", "a", lambda current: {"map": {"x": 3}})

    assert store.get("things", "a") == {"map": {"x": 3}}


def test_concurrent_mutations_lose_no_update(store):
    def increment():
        for _ in range(5):
            store.mutate("counters", "c", lambda cur: {"n": (cur or {"n": 0})["n"] + 1})

    threads = [threading.Thread(target=increment) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert store.get("counters", "c") == {"n": 20}


@pytest.fixture
def runs(store):
    rows = [
        ("r1", {"project": "p1", "status": "completed", "day": "2026-11-01", "n": 3}),
        ("r2", {"project": "p1", "status": "failed", "day": "2026-11-03", "n": 1}),
        ("r3", {"project": "p2", "status": "completed", "day": "2026-11-02", "n": 2}),
        ("r4", {"project": "p2", "status": "running", "day": "2026-11-04"}),
    ]
    for doc_id, data in rows:
        store.put("runs", doc_id, data)
    return store


def test_query_filters_with_every_operator(runs):
    def ids(*where):
        return sorted(doc.id for doc in runs.query("runs", where=list(where)))

    assert ids(("project", "==", "p1")) == ["r1", "r2"]
    assert ids(("status", "!=", "completed")) == ["r2", "r4"]
    assert ids(("day", ">=", "2026-11-02")) == ["r2", "r3", "r4"]
    assert ids(("day", ">", "2026-11-02")) == ["r2", "r4"]
    assert ids(("day", "<", "2026-11-02")) == ["r1"]
    assert ids(("day", "<=", "2026-11-02")) == ["r1", "r3"]
    assert ids(("status", "in", ["failed", "running"])) == ["r2", "r4"]
    assert ids(("project", "==", "p1"), ("status", "==", "completed")) == ["r1"]


def test_query_orders_limits_and_leaves_out_documents_without_the_field(runs):
    newest = runs.query("runs", order_by=[("day", "desc")], limit=2)
    by_n = runs.query("runs", order_by=[("n", "asc")])

    assert [doc.id for doc in newest] == ["r4", "r2"]
    assert [doc.id for doc in by_n] == ["r2", "r3", "r1"]
    assert newest[0].data == {"project": "p2", "status": "running", "day": "2026-11-04"}


def test_count_counts_matching_documents(runs):
    assert runs.count("runs") == 4
    assert runs.count("runs", [("project", "==", "p2")]) == 2
    assert runs.count("runs", [("status", "==", "unknown")]) == 0


def test_query_refuses_an_unknown_operator(store):
    with pytest.raises(ValueError, match="unsupported operator"):
        store.query("runs", where=[("day", "=~", "x")])


def test_keep_latest_keeps_the_newest_version_whatever_the_order(store):
    def version(hour: int) -> dict:
        return {"at": datetime(2026, 12, 1, hour, tzinfo=UTC), "value": hour}

    first = keep_latest(store, "days", "2026-11-30", version(5), "at")
    older = keep_latest(store, "days", "2026-11-30", version(3), "at")
    again = keep_latest(store, "days", "2026-11-30", version(5), "at")
    newer = keep_latest(store, "days", "2026-11-30", version(7), "at")

    assert [m.written for m in (first, older, again, newer)] == [
        True,
        False,
        False,
        True,
    ]
    assert store.get("days", "2026-11-30") == {
        "at": "2026-12-01T07:00:00+00:00",
        "value": 7,
    }


def test_ping_answers_when_the_store_is_up(store):
    store.ping()


def test_version_moves_at_every_commit_and_at_no_read(store):
    seen = [store.version()]
    store.put("things", "a", {"value": 1})
    seen.append(store.version())
    store.get("things", "a")
    # Unfiltered: SQLite makes an index (a commit) at a field's first filter.
    store.query("things")
    seen.append(store.version())
    store.mutate("things", "a", lambda current: None)  # declined: no commit
    seen.append(store.version())
    store.delete("things", "a")
    seen.append(store.version())

    if seen[0] is None:
        # A store with no cheap change number says so every time.
        assert seen == [None] * 5
    else:
        put, read, declined, deleted = seen[1:]
        assert put != seen[0]
        assert read == put
        assert declined == read
        assert deleted != declined
