"""Billing test helpers: events priced in the client's USD, a pinned-clock API
client, and a store that counts the documents it reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from recs_shared.store import DocumentStore
from tests.support import events, pinned_api
from tests.support.push import envelope_for

RATE = Decimal("0.92")  # BillingConfig's default USD rate
FORBIDDEN_KEYS = ("gcp", "margin", "platform_fee", "tax_cost")


def line(category: str, service: str, total_usd: str, margin_pct: int = 100):
    """A snapshot line whose client total (total_cost) is ``total_usd``."""
    total = Decimal(total_usd)
    gcp = total * 100 / (100 + margin_pct)
    built = events.billing_line(category, service, str(gcp), margin_pct)
    assert built["total_cost"] == total, "pick a total the margin divides exactly"
    return built


def run(run_id: str, model_type: str, total_usd: str, margin_pct: int = 100):
    figures = line("Training", "-", total_usd, margin_pct)
    del figures["category"], figures["service"]
    return {"training_run_id": run_id, "model_type": model_type, **figures}


def snapshot(
    day: date,
    lines: Iterable[dict[str, Any]],
    runs: Iterable[dict[str, Any]] = (),
    collected_at: datetime | None = None,
    provisional: bool = False,
) -> dict[str, Any]:
    """A billing.snapshot of ``day``, collected at 05:00 UTC the next day."""
    collected_at = collected_at or datetime.combine(
        day + timedelta(days=1), time(5), tzinfo=UTC
    )
    return events.billing(
        day=day,
        collected_at=collected_at,
        provisional=provisional,
        lines=list(lines),
        training_runs=list(runs),
    )


def api(settings, store: DocumentStore, now: datetime):
    """A test client of dashboard-api whose clock says ``now``."""
    return pinned_api.client(settings, store, now)


def push(client, *snapshots: dict[str, Any]) -> None:
    for event in snapshots:
        response = client.post("/push/billing", json=envelope_for(event))
        assert response.status_code == 204, response.get_data(as_text=True)


def get(client, name: str) -> dict[str, Any]:
    response = client.get(f"/api/system/billing/{name}/")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def keys_of(value: Any) -> Iterable[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_of(item)


class CountingStore:
    """A store that counts document reads the way Firestore bills them."""

    def __init__(self, store: DocumentStore) -> None:
        self.store = store
        self.reads = 0

    def get(self, collection, doc_id):
        self.reads += 1
        return self.store.get(collection, doc_id)

    def get_many(self, collection, doc_ids):
        self.reads += len(set(doc_ids))
        return self.store.get_many(collection, doc_ids)

    def query(self, collection, where=(), order_by=(), limit=None):
        found = self.store.query(collection, where, order_by, limit)
        self.reads += max(len(found), 1)
        return found

    def __getattr__(self, name):
        return getattr(self.store, name)
