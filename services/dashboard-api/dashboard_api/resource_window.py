"""The resource snapshots a page shows: the 30 UTC days ending yesterday.

Day D's snapshot is collected after D ends, so yesterday is the newest day
there can be. The window is anchored at the clock, not at the newest
snapshot: when collection stops, old figures slide out of "the last 30
days" instead of being shown as current. One query reads at most 30
documents; days of the window without a snapshot are gaps (None). The
window's newest snapshot also gives the response's freshness.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dashboard_api.clock import last_days
from dashboard_api.metrics_merge import without_merge_notes
from dashboard_api.snapshots import RESOURCE_METRICS_COLLECTION
from recs_shared.store import DocumentStore

WINDOW_DAYS = 30


@dataclass(frozen=True)
class ResourceWindow:
    days: list[date]
    snapshots: list[dict[str, Any] | None]  # one per day, None for a gap
    # With no snapshot in the window: the newest stored one, older than it,
    # so freshness says "collected on ..." rather than "not collected yet".
    before: dict[str, Any] | None = None

    @property
    def newest(self) -> dict[str, Any] | None:
        present = [s for s in self.snapshots if s is not None]
        return present[-1] if present else None

    @property
    def latest(self) -> dict[str, Any] | None:
        """The newest snapshot stored, in the window or before it."""
        return self.newest or self.before

    def series(self, field: str) -> list[Any]:
        return [None if s is None else s.get(field) for s in self.snapshots]


def read(store: DocumentStore, today: date) -> ResourceWindow:
    """The window ending the day before ``today`` (UTC)."""
    days = last_days(today - timedelta(days=1), WINDOW_DAYS)
    docs = store.query(
        RESOURCE_METRICS_COLLECTION,
        where=[
            ("snapshot_date", ">=", days[0].isoformat()),
            ("snapshot_date", "<=", days[-1].isoformat()),
        ],
        order_by=[("snapshot_date", "desc")],
        limit=WINDOW_DAYS,
    )
    if not docs:
        # Only when the window is empty: one more read, of one document.
        older = store.query(
            RESOURCE_METRICS_COLLECTION, order_by=[("snapshot_date", "desc")], limit=1
        )
        return ResourceWindow(
            [], [], without_merge_notes(older[0].data) if older else None
        )

    by_day = {date.fromisoformat(d.data["snapshot_date"]): d.data for d in docs}
    return ResourceWindow(
        days,
        [without_merge_notes(by_day[day]) if day in by_day else None for day in days],
    )
