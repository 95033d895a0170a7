"""The billing.snapshot push handler: store the day, then project its month.

The day's event is stored whole under its day (``billing_snapshots``; the
latest ``collected_at`` wins, see ``keep_latest``), internal figures
included. Then its month's read model is recomputed from the stored
snapshots, whichever collection won. A redelivery after a failure half-way
therefore completes the projection instead of skipping it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dashboard_api.billing import months
from dashboard_api.billing.months import SNAPSHOTS
from dashboard_api.billing.period import Month
from recs_shared import billing_config
from recs_shared.store import DocumentStore, Mutation, keep_latest

__all__ = ["SNAPSHOTS", "current_rate", "store_snapshot"]


def store_snapshot(store: DocumentStore, event: dict[str, Any]) -> Mutation:
    day = event["snapshot_date"]
    mutation = keep_latest(
        store, SNAPSHOTS, day.isoformat(), event, version_field="collected_at"
    )
    months.project(store, Month.of(day), current_rate(store))
    return mutation


def current_rate(store: DocumentStore) -> months.Rate:
    """The rate a day gets when it is first stored: BillingConfig's, now."""
    config = billing_config.load(store)
    return months.Rate(
        config["display_currency"], Decimal(config["usd_to_display_rate"])
    )
