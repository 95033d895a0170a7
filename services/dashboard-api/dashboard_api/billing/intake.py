"""The billing.snapshot push handler: store the day, then project it.

The day's event is stored whole under its day (``billing_snapshots``; the
latest ``collected_at`` wins, see ``keep_latest``), internal figures
included. Then the stored day, whichever collection won, goes into its
month's ledger and read model. A redelivery after a failure half-way
therefore completes the projection instead of skipping it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dashboard_api.billing import ledgers
from recs_shared import billing_config
from recs_shared.store import DocumentStore, Mutation, keep_latest

SNAPSHOTS = "billing_snapshots"


def store_snapshot(store: DocumentStore, event: dict[str, Any]) -> Mutation:
    mutation = keep_latest(
        store,
        SNAPSHOTS,
        event["snapshot_date"].isoformat(),
        event,
        version_field="collected_at",
    )
    ledgers.record(store, mutation.data, current_rate(store))
    return mutation


def current_rate(store: DocumentStore) -> ledgers.Rate:
    """The rate a day gets when it is first stored: BillingConfig's, now."""
    config = billing_config.load(store)
    return ledgers.Rate(
        config["display_currency"], Decimal(config["usd_to_display_rate"])
    )
