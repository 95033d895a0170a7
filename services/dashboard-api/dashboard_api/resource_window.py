"""The resource snapshots a page shows: the 30 UTC days ending with the newest.

One query reads at most 30 documents, newest first; days of the window
without a snapshot are gaps (None). The window's newest snapshot also
gives the response's freshness.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dashboard_api.metrics_merge import without_merge_notes
from dashboard_api.snapshots import RESOURCE_METRICS_COLLECTION
from recs_shared.store import DocumentStore

WINDOW_DAYS = 30


@dataclass(frozen=True)
class ResourceWindow:
    days: list[date]
    snapshots: list[dict[str, Any] | None]  # one per day, None for a gap

    @property
    def newest(self) -> dict[str, Any] | None:
        present = [s for s in self.snapshots if s is not None]
        return present[-1] if present else None

    def series(self, field: str) -> list[Any]:
        return [None if s is None else s.get(field) for s in self.snapshots]


def read(store: DocumentStore) -> ResourceWindow:
    docs = store.query(
        RESOURCE_METRICS_COLLECTION,
        order_by=[("snapshot_date", "desc")],
        limit=WINDOW_DAYS,
    )
    if not docs:
        return ResourceWindow([], [])

    by_day = {date.fromisoformat(d.data["snapshot_date"]): d.data for d in docs}
    last = max(by_day)
    days = [last - timedelta(days=back) for back in range(WINDOW_DAYS - 1, -1, -1)]
    return ResourceWindow(
        days,
        [without_merge_notes(by_day[day]) if day in by_day else None for day in days],
    )
