"""Persistence of snapshot events, one document per day.

Billing: the latest collected_at wins, whole. Resource metrics: merged
collector by collector (dashboard_api.metrics_merge), so a later partial
collection never wipes what an earlier one measured.
"""

from __future__ import annotations

from typing import Any

from dashboard_api import metrics_merge
from dashboard_api.billing import intake
from recs_shared.events import schemas
from recs_shared.resource_metrics import SNAPSHOTS_COLLECTION
from recs_shared.store import DocumentStore, Mutation

RESOURCE_METRICS_COLLECTION = SNAPSHOTS_COLLECTION
BILLING_COLLECTION = intake.SNAPSHOTS


def store_resource_metrics(store: DocumentStore, event: dict[str, Any]) -> Mutation:
    return store.mutate(
        RESOURCE_METRICS_COLLECTION,
        event["snapshot_date"].isoformat(),
        lambda current: metrics_merge.merge(current, event),
    )


def store_billing(store: DocumentStore, event: dict[str, Any]) -> Mutation:
    # Billing days also feed the monthly projection the billing APIs read.
    return intake.store_snapshot(store, event)


HANDLERS = {
    schemas.RESOURCE_METRICS: store_resource_metrics,
    schemas.BILLING: store_billing,
}
