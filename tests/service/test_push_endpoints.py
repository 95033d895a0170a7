"""dashboard-api's push endpoints: validation, idempotent persistence, errors."""

from __future__ import annotations

import base64
import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime, timedelta

import pytest

from dashboard_api.app import create_app
from dashboard_api.snapshots import BILLING_COLLECTION, RESOURCE_METRICS_COLLECTION
from recs_shared.store import StoreUnavailable, to_storable
from tests.support import events
from tests.support.push import envelope_for, envelope_with_payload, valid_payload

# The SQLite store keeps every collection in one table (sqlite_store.py).
COLLECTIONS = "SELECT DISTINCT collection FROM documents ORDER BY collection"


@pytest.fixture
def client(api_settings, sqlite_store):
    return create_app(api_settings, sqlite_store).test_client()


def all_documents(store) -> dict:
    """Every document of every collection (read models included), by collection."""
    with closing(sqlite3.connect(store.path)) as connection:
        names = [row[0] for row in connection.execute(COLLECTIONS)]
    assert names, "the store holds nothing"
    return {
        collection: {doc.id: doc.data for doc in store.query(collection)}
        for collection in names
    }


def test_a_valid_snapshot_is_stored_and_answered_204(client, sqlite_store):
    event = events.resource_metrics()

    response = client.post("/push/resource-metrics", json=envelope_for(event))

    assert response.status_code == 204
    assert sqlite_store.get(RESOURCE_METRICS_COLLECTION, "2026-11-30") == to_storable(
        event
    )


def test_a_billing_snapshot_is_stored_under_its_day(client, sqlite_store):
    event = events.billing(day=date(2026, 11, 29))

    response = client.post("/push/billing", json=envelope_for(event))

    assert response.status_code == 204
    stored = sqlite_store.get(BILLING_COLLECTION, "2026-11-29")
    assert stored["lines"][0] == {
        "category": "Data",
        "service": "BigQuery",
        "gcp_cost": "12.5",
        "margin_pct": 100,
        "platform_fee": "12.5",
        "total_cost": "25.0",
    }


KINDS = {
    "billing": lambda at, **more: events.billing(collected_at=at, **more),
    "resource-metrics": lambda at, **more: events.resource_metrics(
        collected_at=at, **more
    ),
}
CHANGED = {
    "billing": {"lines": [events.billing_line("System", "Cloud Scheduler", "0.1")]},
    "resource-metrics": {"bq_jobs_completed": 99, "etl_jobs_failed": 4},
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_five_deliveries_and_a_late_older_one_equal_one_delivery_of_the_newest(
    client, sqlite_store, tmp_path, kind
):
    older = KINDS[kind](datetime(2026, 12, 1, 5, tzinfo=UTC))
    newer = KINDS[kind](datetime(2026, 12, 2, 5, tzinfo=UTC), **CHANGED[kind])

    for attempt in range(5):
        response = client.post(f"/push/{kind}", json=envelope_for(newer, str(attempt)))
        assert response.status_code == 204
    assert client.post(f"/push/{kind}", json=envelope_for(older)).status_code == 204

    from recs_shared.store.sqlite_store import SQLiteStore

    reference = SQLiteStore(tmp_path / "reference.sqlite3")
    reference_client = create_app(client.application.extensions["settings"], reference)
    reference_client.test_client().post(f"/push/{kind}", json=envelope_for(newer))
    assert all_documents(sqlite_store) == all_documents(reference)


def _missing(field):
    def change(payload):
        del payload[field]

    return change


def _set(field, value):
    def change(payload):
        payload[field] = value

    return change


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        (_missing("bq_jobs_completed"), "bq_jobs_completed: Missing data"),
        (_set("bq_jobs_failed", "three"), "bq_jobs_failed: Not a valid integer"),
        (_set("etl_jobs_failed", -1), "etl_jobs_failed: Must be 0 or more, got -1"),
        (_set("snapshot_date", "2026-02-30"), "snapshot_date: Not a calendar day"),
        (_set("snapshot_date", "30/11/2026"), "snapshot_date: Not a YYYY-MM-DD day"),
        (_set("schema_version", 9), "unknown schema_version 9 for"),
        (_set("surprise", 1), "surprise: Unknown field"),
        (_set("event_type", "cats.snapshot"), "unknown event_type 'cats.snapshot'"),
    ],
)
def test_an_invalid_event_is_refused_with_its_fault_and_nothing_stored(
    client, sqlite_store, change, fault
):
    payload = valid_payload(events.resource_metrics())
    change(payload)

    response = client.post(
        "/push/resource-metrics", json=envelope_with_payload(payload)
    )

    assert response.status_code == 400
    assert fault in response.json["error"]
    assert sqlite_store.count(RESOURCE_METRICS_COLLECTION) == 0


def test_money_sent_as_a_float_is_refused(client, sqlite_store):
    payload = valid_payload(events.billing())
    payload["lines"][0]["gcp_cost"] = 12.5

    response = client.post("/push/billing", json=envelope_with_payload(payload))

    assert response.status_code == 400
    assert "lines.0.gcp_cost: Money must be a decimal string" in response.json["error"]
    assert sqlite_store.count(BILLING_COLLECTION) == 0


@pytest.mark.parametrize(
    ("body", "fault"),
    [
        (b"not json", "request body is not a JSON push envelope"),
        (b'{"subscription": "s"}', "push envelope has no 'message' object"),
        (b'{"message": {"messageId": "1"}}', "push message has no 'data'"),
        (
            b'{"message": {"data": "@@not base64@@"}}',
            "message 'data' is not valid base64",
        ),
        (
            b'{"message": {"data": "' + base64.b64encode(b"{oops") + b'"}}',
            "message data is not JSON",
        ),
        (
            b'{"message": {"data": "' + base64.b64encode(b"\xff\xfe") + b'"}}',
            "message data is not UTF-8",
        ),
        (
            b'{"message": {"data": "' + base64.b64encode(b"[1, 2]") + b'"}}',
            "message data must be a JSON object",
        ),
    ],
)
def test_a_bad_envelope_is_refused_with_its_fault(client, sqlite_store, body, fault):
    response = client.post("/push/billing", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json["error"].startswith(fault)
    assert sqlite_store.count(BILLING_COLLECTION) == 0


def test_attributes_that_contradict_the_data_are_refused(client, sqlite_store):
    payload = valid_payload(events.billing())
    attributes = {"event_type": "billing.snapshot", "snapshot_date": "2026-01-01"}

    response = client.post(
        "/push/billing", json=envelope_with_payload(payload, attributes)
    )

    assert response.status_code == 400
    assert "attribute snapshot_date='2026-01-01' disagrees" in response.json["error"]
    assert sqlite_store.count(BILLING_COLLECTION) == 0


def test_an_envelope_without_attributes_is_accepted(client, sqlite_store):
    payload = valid_payload(events.billing())

    response = client.post("/push/billing", json=envelope_with_payload(payload))

    assert response.status_code == 204
    assert sqlite_store.count(BILLING_COLLECTION) == 1


def test_an_event_pushed_to_the_other_topics_endpoint_is_refused(client, sqlite_store):
    response = client.post(
        "/push/billing", json=envelope_for(events.resource_metrics())
    )

    assert response.status_code == 400
    assert response.json == {
        "success": False,
        "error": "this endpoint takes billing.snapshot events, "
        "not resource_metrics.snapshot",
    }
    assert sqlite_store.count(RESOURCE_METRICS_COLLECTION) == 0


class DownStore:
    """A store whose every call fails as an unreachable one does."""

    def __getattr__(self, name):
        def unavailable(*args, **kwargs):
            raise StoreUnavailable("connection refused")

        return unavailable


def test_push_answers_503_when_the_store_is_down(api_settings):
    client = create_app(api_settings, DownStore()).test_client()

    response = client.post("/push/billing", json=envelope_for(events.billing()))

    assert response.status_code == 503
    assert response.json == {
        "success": False,
        "error": "the dashboard store is unavailable; retry later",
    }


def test_unknown_routes_answer_json_404(client):
    response = client.get("/nowhere")

    assert response.status_code == 404
    assert "error" in response.json


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_collection_from_the_future_is_refused_and_stores_nothing(
    client, sqlite_store, kind
):
    now = datetime(2026, 12, 2, 6, tzinfo=UTC)
    client.application.extensions["clock"] = lambda: now
    # Stamped 2099, it would outrank every real collection of its day forever.
    future = KINDS[kind](datetime(2099, 1, 1, tzinfo=UTC))
    within_skew = KINDS[kind](now + timedelta(minutes=9))

    refused = client.post(f"/push/{kind}", json=envelope_for(future))

    assert refused.status_code == 400
    assert "is later than now" in refused.json["error"]
    assert sqlite_store.count(BILLING_COLLECTION) == 0
    assert sqlite_store.count(RESOURCE_METRICS_COLLECTION) == 0
    accepted = client.post(f"/push/{kind}", json=envelope_for(within_skew))
    assert accepted.status_code == 204
