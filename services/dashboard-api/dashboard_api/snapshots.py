"""Persistence of snapshot events: per day, the latest collected_at wins."""

from __future__ import annotations

from typing import Any

from dashboard_api.billing import intake
from recs_shared.events import schemas
from recs_shared.store import DocumentStore, Mutation, keep_latest

RESOURCE_METRICS_COLLECTION = "resource_metrics_snapshots"
BILLING_COLLECTION = intake.SNAPSHOTS


def store_resource_metrics(store: DocumentStore, event: dict[str, Any]) -> Mutation:
    return keep_latest(
        store,
        RESOURCE_METRICS_COLLECTION,
        event["snapshot_date"].isoformat(),
        event,
        version_field="collected_at",
    )


def store_billing(store: DocumentStore, event: dict[str, Any]) -> Mutation:
    # Billing days also feed the monthly projection the billing APIs read.
    return intake.store_snapshot(store, event)


HANDLERS = {
    schemas.RESOURCE_METRICS: store_resource_metrics,
    schemas.BILLING: store_billing,
}
