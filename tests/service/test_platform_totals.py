"""The Assets card's all-time trainings and experiments: exact, and counted
from history once a day, not at every page load (dashboard_api.platform_totals).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from dashboard_api.platform_totals import COLLECTION, DOCUMENT
from devtools import platform_seed
from recs_shared import platform
from recs_shared.store import StoreUnavailable
from tests.support import pinned_api
from tests.support.pinned_api import Clock
from tests.support.platform_docs import CountingStore, run_like, training_run

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
MIDNIGHT = datetime(2026, 12, 3, tzinfo=UTC)
CUTOFF = MIDNIGHT - timedelta(days=1)  # what a page load counts live
MISSING = object()
PROJECTS_URL = "/api/system/projects/"


class CountedEntries(CountingStore):
    """Also adds up what each count aggregation matched, by collection."""

    def __init__(self, store) -> None:
        super().__init__(store)
        self.counted: Counter = Counter()

    def count(self, collection, where=()):
        found = super().count(collection, where)
        self.counted[collection] += found
        return found


@pytest.fixture
def seeded(sqlite_store):
    seeded = platform_seed.build(NOW, seed=5)
    platform_seed.write(sqlite_store, seeded)
    return seeded.documents


def assets(client) -> dict:
    response = client.get(PROJECTS_URL)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]["assets"]


def stored(store, collection: str) -> int:
    """Every document of the collection, counted apart from the code."""
    return len(store.query(collection))


def test_the_totals_are_every_run_and_experiment_stored(
    api_settings, sqlite_store, seeded
):
    # At the cutoff itself, in both UTC spellings, and with no start at all.
    sqlite_store.put(platform.TRAINING_RUNS, "r-cutoff", training_run(CUTOFF))
    at_cutoff_z = {**training_run(CUTOFF), "started_at": "2026-12-02T00:00:00Z"}
    sqlite_store.put(platform.TRAINING_RUNS, "r-cutoff-z", at_cutoff_z)
    no_start = {k: v for k, v in run_like(NOW).items() if k != "started_at"}
    sqlite_store.put(platform.EXPERIMENTS, "e-no-start", no_start)

    found = assets(pinned_api.client(api_settings, sqlite_store, Clock(NOW)))

    assert found["trainings"] == len(seeded[platform.TRAINING_RUNS]) + 2
    assert found["experiments"] == len(seeded[platform.EXPERIMENTS]) + 1


def test_after_the_days_count_a_page_load_counts_only_two_days_of_entries(
    api_settings, sqlite_store, seeded
):
    for number, hours in enumerate((1, 5, 30)):
        run = training_run(NOW - timedelta(hours=hours))
        sqlite_store.put(platform.TRAINING_RUNS, f"r-recent-{number}", run)
    sqlite_store.put(platform.EXPERIMENTS, "e-recent", run_like(NOW))
    store = CountedEntries(sqlite_store)
    client = pinned_api.client(api_settings, store, Clock(NOW))
    assets(client)
    store.counted.clear()

    client.application.extensions.pop("kept_answers", None)  # compute again
    found = assets(client)

    assert found["trainings"] == stored(sqlite_store, platform.TRAINING_RUNS)
    assert found["experiments"] == stored(sqlite_store, platform.EXPERIMENTS)
    for collection, added in ((platform.TRAINING_RUNS, 3), (platform.EXPERIMENTS, 1)):
        since_cutoff = sum(
            doc["started_at"] >= CUTOFF for doc in seeded[collection].values()
        )
        assert store.counted[collection] == since_cutoff + added


def test_a_run_started_since_the_count_shows_at_once(
    api_settings, sqlite_store, seeded
):
    clock = Clock(MIDNIGHT + timedelta(minutes=30))
    client = pinned_api.client(api_settings, sqlite_store, clock)
    before = assets(client)

    late = {
        "r-now": training_run(clock.now),
        # Written after midnight with a start just before it.
        "r-across-midnight": training_run(MIDNIGHT - timedelta(seconds=2)),
        # Started at 01:00 UTC, stamped with another offset.
        "r-offset": {**training_run(NOW), "started_at": "2026-12-02T20:00:00-05:00"},
    }
    for run_id, run in late.items():
        sqlite_store.put(platform.TRAINING_RUNS, run_id, run)
    sqlite_store.put(platform.EXPERIMENTS, "e-now", run_like(clock.now))

    after = assets(client)
    assert after["trainings"] == before["trainings"] + len(late)
    assert after["experiments"] == before["experiments"] + 1


def test_a_backfilled_or_deleted_old_run_shows_the_next_day(
    api_settings, sqlite_store, seeded
):
    clock = Clock(NOW)
    client = pinned_api.client(api_settings, sqlite_store, clock)
    before = assets(client)["trainings"]

    old = NOW - timedelta(days=400)
    sqlite_store.put(platform.TRAINING_RUNS, "r-backfilled", training_run(old))
    deleted = next(
        run_id
        for run_id, run in seeded[platform.TRAINING_RUNS].items()
        if run["started_at"] < CUTOFF
    )
    sqlite_store.delete(platform.TRAINING_RUNS, deleted)

    # The documented shortcoming: today's count was taken before both.
    assert assets(client)["trainings"] == before

    clock.now = NOW + timedelta(days=1)
    assert assets(client)["trainings"] == stored(sqlite_store, platform.TRAINING_RUNS)
    kept = sqlite_store.get(COLLECTION, DOCUMENT)
    assert kept["counted_from"] == MIDNIGHT.isoformat()


@pytest.mark.parametrize(
    "kept",
    [
        {"counted_from": CUTOFF + timedelta(days=1)},  # a clock that went back
        {"counted_from": CUTOFF - timedelta(days=1)},  # yesterday's
        {},
        {"counted_from": "yesterday"},
        {"counted_from": CUTOFF, platform.TRAINING_RUNS: "x"},
        {"counted_from": CUTOFF, platform.TRAINING_RUNS: None},
        {"counted_from": CUTOFF, platform.TRAINING_RUNS: -3},
        {"counted_from": CUTOFF, platform.TRAINING_RUNS: 1.9},
        {"counted_from": CUTOFF, platform.TRAINING_RUNS: True},
        {"counted_from": CUTOFF, platform.EXPERIMENTS: MISSING},
        {"counted_from": CUTOFF, platform.EXPERIMENTS: 10**30},
    ],
)
def test_kept_figures_of_another_day_or_unreadable_are_counted_afresh(
    api_settings, sqlite_store, seeded, kept
):
    figures = {platform.TRAINING_RUNS: 10**6, platform.EXPERIMENTS: 10**6}
    document = {k: v for k, v in {**figures, **kept}.items() if v is not MISSING}
    sqlite_store.put(COLLECTION, DOCUMENT, document)

    found = assets(pinned_api.client(api_settings, sqlite_store, Clock(NOW)))

    assert found["trainings"] == len(seeded[platform.TRAINING_RUNS])
    assert found["experiments"] == len(seeded[platform.EXPERIMENTS])
    assert sqlite_store.get(COLLECTION, DOCUMENT)["counted_from"] == (
        CUTOFF.isoformat()
    )


def test_a_store_that_cannot_write_still_gets_the_exact_totals(
    api_settings, sqlite_store, seeded, capfd
):
    class ReadOnly(CountingStore):
        def put(self, collection, doc_id, data):
            raise StoreUnavailable("SQLite store: attempt to write a readonly database")

    found = assets(pinned_api.client(api_settings, ReadOnly(sqlite_store), Clock(NOW)))

    assert found["trainings"] == len(seeded[platform.TRAINING_RUNS])
    assert found["experiments"] == len(seeded[platform.EXPERIMENTS])
    assert sqlite_store.get(COLLECTION, DOCUMENT) is None
    logged = "".join(capfd.readouterr())
    assert "the next page load counts them again" in logged


@pytest.mark.parametrize("text", ["[]", '"x"', "7", "null"])
def test_a_kept_document_that_is_not_an_object_is_counted_afresh(
    api_settings, sqlite_store, seeded, text
):
    # Only a hand-edited SQLite file holds one; Firestore's are objects.
    with sqlite3.connect(sqlite_store.path) as connection:
        connection.execute(
            "INSERT INTO documents (collection, id, data) VALUES (?, ?, ?)",
            (COLLECTION, DOCUMENT, text),
        )

    found = assets(pinned_api.client(api_settings, sqlite_store, Clock(NOW)))

    assert found["trainings"] == len(seeded[platform.TRAINING_RUNS])
    assert sqlite_store.get(COLLECTION, DOCUMENT)["counted_from"] == (
        CUTOFF.isoformat()
    )
