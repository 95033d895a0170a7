"""dashboard-api killed and restarted in the middle of a backfill.

Every day must arrive and none may be stored twice: the api logs one
"stored" line per write that changed the store, so each day must have
exactly one.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import date, timedelta

import pytest

from dashboard_api.snapshots import RESOURCE_METRICS_COLLECTION
from recs_shared.publisher import publish_event
from recs_shared.publisher.embedded import Deliverer, EmbeddedPublisher
from recs_shared.publisher.outbox import Outbox
from recs_shared.store.sqlite_store import SQLiteStore
from tests.conftest import EMULATOR_PROJECT
from tests.support import events
from tests.support.processes import ServiceProcess
from tests.support.waiting import wait_until

DAYS = [date(2026, 6, 1) + timedelta(days=n) for n in range(60)]
STORED = re.compile(r"stored resource_metrics\.snapshot for (\d{4}-\d{2}-\d{2})")


def stored_days(api: ServiceProcess) -> Counter:
    return Counter(STORED.findall(api.logs()))


def backfill_with_a_crash(api: ServiceProcess, publish) -> None:
    """Publish every day from a thread; kill the api a third of the way in."""
    published = threading.Event()
    third = threading.Event()

    def backfill():
        for n, day in enumerate(DAYS):
            publish(events.resource_metrics(day=day))
            if n == len(DAYS) // 3:
                third.set()
        published.set()

    worker = threading.Thread(target=backfill)
    worker.start()
    third.wait(timeout=60)
    api.kill()
    published.wait(timeout=120)
    worker.join()
    api.start(ready_path="/readyz")


def test_embedded_profile_delivers_every_day_once_across_a_crash(tmp_path):
    data = tmp_path / "data"
    api = ServiceProcess(
        "dashboard-api", {"RECS_DATA_DIR": str(data)}, tmp_path / "api.log"
    )
    api.start(ready_path="/readyz")
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    deliverer = Deliverer(outbox, {"dashboard-api": api.url}, project="demo")
    publisher = EmbeddedPublisher(outbox, deliverer)

    try:
        backfill_with_a_crash(api, lambda event: publish_event(publisher, event))

        # The relay's job: deliver what waited while the api was down.
        def drained() -> bool:
            deliverer.deliver_due()
            return not outbox.pending()

        wait_until(drained, timeout=60, what="the outbox to drain")
    finally:
        api.kill()

    store = SQLiteStore(data / "dashboard.sqlite3")
    assert store.count(RESOURCE_METRICS_COLLECTION) == len(DAYS)
    assert stored_days(api) == Counter(day.isoformat() for day in DAYS)


@pytest.mark.emulator
def test_emulators_profile_delivers_every_day_once_across_a_crash(
    tmp_path, firestore_emulator, pubsub_emulator, monkeypatch
):
    from recs_shared.publisher.provision import provision
    from recs_shared.publisher.pubsub_publisher import PubSubPublisher
    from recs_shared.store.firestore_store import FirestoreStore

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", firestore_emulator.host)
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", pubsub_emulator.host)
    prefix = "restart_"
    api = ServiceProcess(
        "dashboard-api",
        {
            "RECS_PROFILE": "emulators",
            "RECS_GCP_PROJECT": EMULATOR_PROJECT,
            "RECS_COLLECTION_PREFIX": prefix,
            "RECS_DATA_DIR": str(tmp_path),
        },
        tmp_path / "api.log",
    )
    api.start(ready_path="/readyz")
    provision(EMULATOR_PROJECT, {"dashboard-api": api.url}, retry_policy=False)
    publisher = PubSubPublisher(EMULATOR_PROJECT)
    store = FirestoreStore(EMULATOR_PROJECT, prefix=prefix)

    try:
        backfill_with_a_crash(api, lambda event: publish_event(publisher, event))
        # Pub/Sub redelivers what failed while the api was down.
        wait_until(
            lambda: store.count(RESOURCE_METRICS_COLLECTION) == len(DAYS),
            timeout=120,
            what="every day to be stored",
        )
    finally:
        api.kill()
        publisher.close()

    assert stored_days(api) == Counter(day.isoformat() for day in DAYS)
