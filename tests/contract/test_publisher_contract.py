"""One contract for both publishers: what is published reaches the store once.

The embedded bridge posts to a dashboard-api running on loopback; the
Pub/Sub adapter publishes to gcloud's emulator, which pushes through a real
push subscription (created from the topology file) to the same kind of
running dashboard-api.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dashboard_api.app import create_app
from dashboard_api.snapshots import BILLING_COLLECTION, RESOURCE_METRICS_COLLECTION
from devtools import emulators
from recs_shared.events import EventError
from recs_shared.publisher import publish_event
from recs_shared.publisher.embedded import Deliverer, EmbeddedPublisher
from recs_shared.publisher.outbox import Outbox
from recs_shared.store import to_storable
from tests.conftest import EMULATOR_PROJECT
from tests.support import events
from tests.support.servers import LoopbackServer
from tests.support.waiting import wait_until


@pytest.fixture
def api(api_settings, sqlite_store):
    with LoopbackServer(create_app(api_settings, sqlite_store)) as server:
        yield server


@pytest.fixture
def embedded_publisher(api, tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    deliverer = Deliverer(outbox, {"dashboard-api": api.url}, project="demo")
    publisher = EmbeddedPublisher(outbox, deliverer)
    yield publisher
    publisher.close()


@pytest.fixture
def pubsub_publisher(api, pubsub_emulator, monkeypatch):
    from recs_shared.publisher.provision import provision
    from recs_shared.publisher.pubsub_publisher import PubSubPublisher

    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", pubsub_emulator.host)
    provision(EMULATOR_PROJECT, {"dashboard-api": api.url}, retry_policy=False)
    publisher = PubSubPublisher(EMULATOR_PROJECT, timeout_seconds=30)
    yield publisher
    publisher.close()
    emulators.reset_pubsub(pubsub_emulator)


@pytest.fixture(params=["embedded", "pubsub"])
def publisher(request):
    return request.getfixturevalue(f"{request.param}_publisher")


def test_a_published_snapshot_is_stored_by_dashboard_api(publisher, sqlite_store):
    event = events.billing(day=date(2026, 11, 3))

    message_id = publish_event(publisher, event)

    assert message_id
    wait_until(
        lambda: sqlite_store.get(BILLING_COLLECTION, "2026-11-03") is not None,
        what="the billing snapshot to be stored",
    )
    assert sqlite_store.get(BILLING_COLLECTION, "2026-11-03") == to_storable(event)


def test_a_backfill_of_many_days_arrives_whole(publisher, sqlite_store):
    first = date(2026, 10, 1)
    days = [first + timedelta(days=n) for n in range(20)]

    for day in days:
        publish_event(publisher, events.resource_metrics(day=day))

    wait_until(
        lambda: sqlite_store.count(RESOURCE_METRICS_COLLECTION) == len(days),
        what="all 20 days to be stored",
    )
    stored = sqlite_store.query(
        RESOURCE_METRICS_COLLECTION, order_by=[("snapshot_date", "asc")]
    )
    assert [doc.id for doc in stored] == [day.isoformat() for day in days]


def test_a_republished_day_keeps_the_newest_collection(publisher, sqlite_store):
    day = date(2026, 11, 5)
    newer = events.billing(
        day=day,
        collected_at=datetime(2026, 12, 2, tzinfo=UTC),
        lines=[events.billing_line("Data", "BigQuery", "1")],
    )
    older = events.billing(day=day, collected_at=datetime(2026, 12, 1, tzinfo=UTC))

    publish_event(publisher, newer)
    wait_until(lambda: sqlite_store.get(BILLING_COLLECTION, "2026-11-05") is not None)
    publish_event(publisher, older)
    publish_event(publisher, newer)

    # Both later deliveries must have been handled before we judge the state.
    marker = events.billing(day=date(2026, 11, 6))
    publish_event(publisher, marker)
    wait_until(lambda: sqlite_store.get(BILLING_COLLECTION, "2026-11-06") is not None)
    assert sqlite_store.get(BILLING_COLLECTION, "2026-11-05") == to_storable(newer)


def test_an_invalid_event_is_refused_before_it_is_published(publisher, sqlite_store):
    event = events.resource_metrics(bq_jobs_failed=-2)

    with pytest.raises(EventError, match="bq_jobs_failed: Must be 0 or more"):
        publish_event(publisher, event)
