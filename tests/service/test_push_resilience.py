"""The push endpoints under hostile input, contention and a failing store."""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard_api.app import create_app
from dashboard_api.snapshots import BILLING_COLLECTION, RESOURCE_METRICS_COLLECTION
from recs_shared.store import StoreUnavailable, to_storable
from tests.support import events
from tests.support.push import envelope_for, envelope_with_payload, valid_payload
from tests.support.servers import LoopbackServer

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


envelopes = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.builds(
        lambda data: json.dumps({"message": {"data": data}}).encode(),
        st.text(max_size=60) | st.binary(max_size=60).map(_b64),
    ),
    st.builds(
        lambda payload: json.dumps(
            {"message": {"data": _b64(json.dumps(payload).encode())}}
        ).encode(),
        json_values,
    ),
)


def _mutate(payload: dict, key: str, value) -> bytes:
    broken = dict(payload)
    broken[key] = value
    return json.dumps(envelope_with_payload(broken)).encode()


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    from recs_shared import settings as recs_settings
    from recs_shared.store.sqlite_store import SQLiteStore

    folder = tmp_path_factory.mktemp("fuzz")
    config = recs_settings.load(
        recs_settings.DashboardApiSettings, {"RECS_DATA_DIR": str(folder)}
    )
    return create_app(config, SQLiteStore(folder / "store.sqlite3"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=envelopes)
def test_malformed_envelopes_never_cause_a_500_and_store_nothing(fuzz_app, body):
    client = fuzz_app.test_client()
    store = fuzz_app.extensions["store"]

    response = client.post("/push/billing", data=body, content_type="application/json")

    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"]
    assert store.count(BILLING_COLLECTION) == 0


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    key=st.sampled_from(sorted(valid_payload(events.resource_metrics()))),
    value=json_values,
)
def test_a_valid_event_with_one_field_replaced_is_stored_only_if_still_valid(
    fuzz_app, key, value
):
    client = fuzz_app.test_client()
    store = fuzz_app.extensions["store"]
    payload = valid_payload(events.resource_metrics())

    response = client.post(
        "/push/resource-metrics",
        data=_mutate(payload, key, value),
        content_type="application/json",
    )

    assert response.status_code in (204, 400)
    if response.status_code == 400:
        assert store.count(RESOURCE_METRICS_COLLECTION) == 0
    else:
        store.delete(RESOURCE_METRICS_COLLECTION, "2026-11-30")


def test_concurrent_duplicate_deliveries_end_in_one_stored_state(
    api_settings, sqlite_store
):
    base = datetime(2026, 12, 1, 5, tzinfo=UTC)
    versions = [
        events.billing(
            collected_at=base + timedelta(minutes=n),
            lines=[events.billing_line("Data", "BigQuery", f"{n}.5")],
        )
        for n in range(8)
    ]
    bodies = [envelope_for(v, str(n)) for n, v in enumerate(versions)] * 4
    statuses: list[int] = []

    with LoopbackServer(create_app(api_settings, sqlite_store)) as server:
        start = threading.Barrier(len(bodies))

        def deliver(body):
            start.wait()
            response = requests.post(
                f"{server.url}/push/billing", json=body, timeout=30
            )
            statuses.append(response.status_code)

        threads = [threading.Thread(target=deliver, args=(b,)) for b in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert statuses == [204] * len(bodies)
    assert sqlite_store.get(BILLING_COLLECTION, "2026-11-30") == to_storable(
        versions[-1]
    )
    assert sqlite_store.count(BILLING_COLLECTION) == 1


class SwitchableStore:
    """A store that can be taken down and brought back while the app runs."""

    def __init__(self, store) -> None:
        self.store = store
        self.down = False

    def __getattr__(self, name):
        attribute = getattr(self.store, name)
        if not callable(attribute):
            return attribute

        def call(*args, **kwargs):
            if self.down:
                raise StoreUnavailable("simulated outage")
            return attribute(*args, **kwargs)

        return call


def test_push_answers_503_while_the_store_is_down_and_recovers_without_restart(
    api_settings, sqlite_store
):
    store = SwitchableStore(sqlite_store)
    client = create_app(api_settings, store).test_client()
    body = envelope_for(events.billing())

    store.down = True
    during = client.post("/push/billing", json=body)
    ready_during = client.get("/readyz")
    store.down = False
    after = client.post("/push/billing", json=body)

    assert (during.status_code, ready_during.status_code) == (503, 503)
    assert after.status_code == 204
    assert sqlite_store.count(BILLING_COLLECTION) == 1
