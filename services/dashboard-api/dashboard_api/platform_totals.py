"""All-time counts of the platform's training runs and experiments (Assets card).

Counting a whole collection reads its history: Firestore bills a count one
read per 1,000 index entries it matches (19 of a page load's 176 reads at
10 years of runs, bench/store_reads.py), and page loads must not scan
history (DESIGN.md). So what started before today (UTC) is counted once a
day and kept in ``platform_totals``, one document per collection; a page
load adds what started since midnight, which matches one day's entries.
The first computed page load of a day that finds the kept count older
counts afresh.

Known shortcoming: a run or experiment the platform writes or deletes with
a start before today's midnight, after that day's count, shows in the total
the next day, not at once (the platform writes a run when it starts, so
this takes a backfill or a deletion).
"""

from __future__ import annotations

import logging
from datetime import datetime

from dashboard_api.clock import start_of_day
from recs_shared.store import DocumentStore, StoreUnavailable

log = logging.getLogger(__name__)

COLLECTION = "platform_totals"


def total(store: DocumentStore, collection: str, now: datetime) -> int:
    """Documents of ``collection`` that have started, as of ``now``."""
    midnight = start_of_day(now.date())
    kept = store.get(COLLECTION, collection)

    if kept is None or kept.get("started_before") != midnight.isoformat():
        # A kept count of another day (older, or newer under a clock that
        # went back) is counted afresh; workers that race here write the
        # same figure.
        before = store.count(collection, where=[("started_at", "<", midnight)])
        kept = {"started_before": midnight, "count": before, "counted_at": now}
        _keep(store, collection, kept)

    since = store.count(collection, where=[("started_at", ">=", midnight)])
    return int(kept["count"]) + since


def _keep(store: DocumentStore, collection: str, kept: dict) -> None:
    # The page has its figure either way: a store that reads but cannot
    # write now only costs the next page load another count.
    try:
        store.put(COLLECTION, collection, kept)
    except StoreUnavailable as error:
        log.warning(
            "could not keep the count of %s started before %s (%s); the next "
            "page load counts them again",
            collection,
            kept["started_before"].isoformat(),
            error,
        )
