"""The embedded bridge keeps what it cannot deliver and loses nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask

from dashboard_api.app import create_app
from dashboard_api.snapshots import RESOURCE_METRICS_COLLECTION
from recs_shared.publisher import publish_event
from recs_shared.publisher.embedded import Deliverer, EmbeddedPublisher
from recs_shared.publisher.outbox import Outbox
from tests.support import events
from tests.support.servers import LoopbackServer, free_port


class CountingStore:
    """Wraps a store and counts the writes that changed something."""

    def __init__(self, store) -> None:
        self.store = store
        self.writes: list[str] = []

    def mutate(self, collection, doc_id, change):
        result = self.store.mutate(collection, doc_id, change)
        if result.written:
            self.writes.append(doc_id)
        return result

    def __getattr__(self, name):
        return getattr(self.store, name)


def bridge(tmp_path, url: str, backoff_scale: float = 1.0):
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    deliverer = Deliverer(
        outbox, {"dashboard-api": url}, project="demo", backoff_scale=backoff_scale
    )
    return outbox, deliverer, EmbeddedPublisher(outbox, deliverer)


def drain(outbox: Outbox, deliverer: Deliverer, rounds: int = 200) -> None:
    """Deliver until nothing is pending, ignoring backoff delays."""
    for _ in range(rounds):
        if not outbox.pending():
            return
        with outbox._transaction() as connection:
            connection.execute("UPDATE deliveries SET next_attempt_at = 0")
        deliverer.deliver_due()
    raise AssertionError(f"{len(outbox.pending())} deliveries still pending")


def test_events_published_while_dashboard_api_is_down_are_all_stored_once_it_is_up(
    api_settings, sqlite_store, tmp_path
):
    port = free_port()
    outbox, deliverer, publisher = bridge(tmp_path, f"http://127.0.0.1:{port}")
    days = [date(2026, 9, 1) + timedelta(days=n) for n in range(12)]

    for day in days:
        publish_event(publisher, events.resource_metrics(day=day))
    assert len(outbox.pending()) == len(days)
    assert sqlite_store.count(RESOURCE_METRICS_COLLECTION) == 0

    counting = CountingStore(sqlite_store)
    with LoopbackServer(create_app(api_settings, counting), port=port):
        drain(outbox, deliverer)

    assert sorted(counting.writes) == [day.isoformat() for day in days]
    assert outbox.pending() == [] and outbox.dead() == []


def test_the_outbox_survives_a_restart_of_the_publisher(
    api_settings, sqlite_store, tmp_path
):
    port = free_port()
    _, _, publisher = bridge(tmp_path, f"http://127.0.0.1:{port}")
    publish_event(publisher, events.billing(day=date(2026, 11, 1)))
    publisher.close()

    # A new process: a new Outbox object on the same file.
    outbox, deliverer, _ = bridge(tmp_path, f"http://127.0.0.1:{port}")
    with LoopbackServer(create_app(api_settings, sqlite_store), port=port):
        drain(outbox, deliverer)

    assert sqlite_store.get("billing_snapshots", "2026-11-01") is not None


def refusing_api(status: int) -> Flask:
    app = Flask("refusing")
    app.post("/push/billing")(lambda: ({"error": "nope"}, status))
    return app


def test_a_message_refused_max_delivery_attempts_times_becomes_a_dead_letter(tmp_path):
    with LoopbackServer(refusing_api(400)) as server:
        outbox, deliverer, publisher = bridge(tmp_path, server.url, backoff_scale=0)
        publish_event(publisher, events.billing())
        for _ in range(10):
            deliverer.deliver_due()

    dead = outbox.dead()
    assert len(dead) == 1
    assert dead[0].answered_attempts == 5  # the topology's max_delivery_attempts
    assert dead[0].last_error == 'HTTP 400: {"error":"nope"}\n'
    assert outbox.pending() == []


def test_an_unreachable_subscriber_never_uses_up_delivery_attempts(tmp_path):
    outbox, deliverer, publisher = bridge(tmp_path, f"http://127.0.0.1:{free_port()}")
    publish_event(publisher, events.billing())

    for _ in range(8):
        with outbox._transaction() as connection:
            connection.execute("UPDATE deliveries SET next_attempt_at = 0")
        deliverer.deliver_due()

    [waiting] = outbox.pending()
    assert waiting.tries == 9 and waiting.answered_attempts == 0
    assert waiting.last_error.startswith("unreachable:")
    assert outbox.dead() == []


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_retried_later_not_dropped(tmp_path, status):
    with LoopbackServer(refusing_api(status)) as server:
        outbox, _, publisher = bridge(tmp_path, server.url)
        publish_event(publisher, events.billing())

    [waiting] = outbox.pending()
    assert waiting.answered_attempts == 1
    assert waiting.last_error.startswith(f"HTTP {status}")
