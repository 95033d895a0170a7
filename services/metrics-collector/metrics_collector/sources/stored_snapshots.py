"""Earlier readings of the stock figures: the snapshots dashboard-api stored.

A source without history (BigQuery storage, the database, the Cloud Run
list) can only be read as it is now, so a backfill estimates its past days.
Readings measured by earlier daily runs are real points of the curve: a
backfill estimates between them and today's reading instead of holding
today's flat. Only measured figures count, never an earlier estimate.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from recs_shared.resource_metrics import COLLECTOR_FIELDS, SNAPSHOTS_COLLECTION
from recs_shared.store import DocumentStore


class StoredSnapshots:
    def __init__(self, store: DocumentStore) -> None:
        self.store = store

    def readings(
        self, collector: str, start: date, end: date
    ) -> dict[date, dict[str, Any]]:
        docs = self.store.query(
            SNAPSHOTS_COLLECTION,
            where=[
                ("snapshot_date", ">=", start.isoformat()),
                ("snapshot_date", "<=", end.isoformat()),
            ],
        )
        found = {}
        for doc in docs:
            figures = measured(doc.data, collector)
            if figures is not None:
                found[date.fromisoformat(doc.data["snapshot_date"])] = figures
        return found


def measured(snapshot: dict[str, Any], collector: str) -> dict[str, Any] | None:
    """The collector's figures in a stored snapshot, if they were measured."""
    fields = COLLECTOR_FIELDS[collector]
    failed = {error.get("collector") for error in snapshot.get("collection_errors", [])}
    estimated = set(snapshot.get("estimated_fields") or ())
    if collector in failed or estimated & set(fields):
        return None
    if any(snapshot.get(field) is None for field in fields):
        return None
    return {field: snapshot[field] for field in fields}
