"""Several collections of one day: merged collector by collector."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard_api.app import create_app
from dashboard_api.metrics_merge import merge
from dashboard_api.snapshots import RESOURCE_METRICS_COLLECTION
from recs_shared.resource_metrics import COLLECTOR_FIELDS
from recs_shared.store import to_storable
from tests.support import events
from tests.support.push import envelope_for

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
COLLECTORS = list(COLLECTOR_FIELDS)


def collection(at: datetime, mark: int, failed=(), estimated=()) -> dict:
    """A day's event whose every count is ``mark``, with the given outcomes."""
    event = events.resource_metrics(collected_at=at)
    for field, value in event.items():
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and field.startswith(
                ("bq_", "cloud_run_", "db_", "gcs_", "etl_", "gpu_jobs")
            )
        ):
            event[field] = mark
    errors = []
    for collector in failed:
        errors.append({"collector": collector, "error": f"{collector} down at {mark}"})
        event.update(dict.fromkeys(COLLECTOR_FIELDS[collector]))
    event["collection_errors"] = errors
    event["estimated_fields"] = [
        field for collector in estimated for field in COLLECTOR_FIELDS[collector]
    ]
    event["status"] = (
        "success" if not errors else "error" if len(errors) == 8 else "partial"
    )
    return event


def deliver(sequence: list[dict]) -> dict | None:
    stored = None
    for event in sequence:
        merged = merge(stored, event)
        if merged is not None:
            stored = merged
    return stored


def test_a_first_collection_is_stored_exactly_as_it_came():
    event = collection(T0, 1, failed=["cloud_storage"])

    assert merge(None, event) == to_storable(event)


def test_a_later_partial_collection_keeps_what_the_earlier_one_measured():
    first = collection(T0, 1)
    later = collection(T0 + timedelta(hours=1), 2, failed=["cloud_storage"])

    day = deliver([first, later])

    assert day["gcs_total_bytes"] == 1  # from the first collection
    assert day["bq_jobs_completed"] == 2  # measured again, later
    assert day["status"] == "success"
    assert day["collection_errors"] == []
    assert day["collected_at"] == later["collected_at"].isoformat()
    assert day["retained"] == {"cloud_storage": first["collected_at"].isoformat()}


def test_a_backfill_estimate_never_replaces_a_reading_but_a_reading_replaces_it():
    measured = collection(T0, 1)
    estimate = collection(T0 + timedelta(days=2), 2, estimated=["bigquery_storage"])
    reading = collection(T0 + timedelta(days=3), 3)

    day = deliver([measured, estimate])
    assert day["bq_total_bytes"] == 1
    assert day["estimated_fields"] == []
    assert day["etl_jobs_completed"] == 2

    assert deliver([estimate, reading])["bq_total_bytes"] == 3


def test_a_collector_that_never_succeeded_stays_failed_with_its_latest_error():
    first = collection(T0, 1, failed=["database"])
    later = collection(T0 + timedelta(hours=1), 2, failed=["database", "etl_runs"])

    day = deliver([first, later])

    assert day["status"] == "partial"
    assert day["collection_errors"] == [
        {"collector": "database", "error": "database down at 2"}
    ]
    assert day["etl_jobs_completed"] == 1


def test_a_duplicate_or_an_older_collection_changes_nothing():
    newer = collection(T0 + timedelta(hours=1), 2)
    older = collection(T0, 1)

    stored = merge(None, newer)

    assert merge(stored, newer) is None
    assert merge(stored, older) is None


OUTCOMES = st.sampled_from(["measured", "estimated", "failed"])


@settings(max_examples=60, deadline=None)
@given(
    plans=st.lists(
        st.fixed_dictionaries({c: OUTCOMES for c in COLLECTORS}),
        min_size=1,
        max_size=4,
    ),
    order=st.randoms(use_true_random=False),
)
def test_any_delivery_order_keeps_per_collector_the_best_collection(plans, order):
    collections = [
        collection(
            T0 + timedelta(minutes=index),
            index + 1,
            failed=[c for c, o in plan.items() if o == "failed"],
            estimated=[c for c, o in plan.items() if o == "estimated"],
        )
        for index, plan in enumerate(plans)
    ]
    rank = {"failed": 0, "estimated": 1, "measured": 2}
    shuffled = collections[:]
    order.shuffle(shuffled)
    # Duplicates too: every collection delivered twice.
    day = deliver(shuffled + list(reversed(shuffled)))

    for collector in COLLECTORS:
        best = max(range(len(plans)), key=lambda i: (rank[plans[i][collector]], i))
        field = COLLECTOR_FIELDS[collector][0]
        assert day[field] == to_storable(collections[best])[field], collector
    assert day == deliver(collections)


def test_the_push_endpoint_stores_the_merged_day(api_settings, sqlite_store):
    client = create_app(api_settings, sqlite_store).test_client()
    first = collection(T0, 1)
    later = collection(T0 + timedelta(hours=1), 2, failed=["bigquery_jobs"])

    for event in (first, later, first):
        assert (
            client.post("/push/resource-metrics", json=envelope_for(event)).status_code
            == 204
        )

    stored = sqlite_store.get(RESOURCE_METRICS_COLLECTION, "2026-11-30")
    assert stored["bq_jobs_completed"] == 1
    assert stored["etl_jobs_completed"] == 2
    assert stored["status"] == "success"


@pytest.mark.parametrize("sequence", list(itertools.permutations(range(3))))
def test_three_collections_in_any_order_end_alike(sequence):
    collections = [
        collection(T0, 1, estimated=["database"]),
        collection(T0 + timedelta(hours=1), 2, failed=["database", "gpu_training"]),
        collection(T0 + timedelta(hours=2), 3, failed=["etl_runs", "database"]),
    ]

    day = deliver([collections[i] for i in sequence])

    assert (
        day["db_size_bytes"],
        day["gpu_jobs_completed"],
        day["etl_jobs_completed"],
    ) == (1, 3, 2)
    assert day["estimated_fields"] == list(COLLECTOR_FIELDS["database"])
    assert day["status"] == "success"
