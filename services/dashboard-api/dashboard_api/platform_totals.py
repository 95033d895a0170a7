"""All-time counts of the platform's training runs and experiments (Assets card).

Counting a whole collection reads its history: Firestore bills a count one
read per 1,000 index entries it matches, so at years of runs the two counts
were most of the page load's reads that grew with history
(bench/store_reads.py), and a page load must read the days on screen, not
the history (docs/platform-data.md). So once a UTC day the two collections
are counted whole and the figures kept in one document, ``platform_totals/
assets``, as the documents that started before a cutoff: yesterday's
midnight, a day before the count, so a run written late (across midnight,
or stamped by a clock ahead, or with another UTC offset) still starts after
it. A page load adds the documents started since the cutoff: two days of
entries. The first computed page load of a day that finds the kept figures
of another day (or none, or unreadable ones) counts afresh.

Known shortcoming: a run or experiment the platform writes or deletes,
after the day's count, with a start before the cutoff (a backfill, a
deletion) or without a ``started_at``, shows in the total the next day; so
does one written between the day's two counts of its collection (a few
milliseconds).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from dashboard_api.clock import start_of_day
from recs_shared import platform
from recs_shared.events.fields import COUNT_LIMIT
from recs_shared.store import DocumentStore, StoreUnavailable

log = logging.getLogger(__name__)

COLLECTION = "platform_totals"
DOCUMENT = "assets"
COUNTED = (platform.TRAINING_RUNS, platform.EXPERIMENTS)


def totals(store: DocumentStore, now: datetime) -> dict[str, int]:
    """Every document of each counted collection, by collection, as of ``now``."""
    cutoff = start_of_day(now.date() - timedelta(days=1))
    since = [("started_at", ">=", cutoff)]

    kept = _usable(store.get(COLLECTION, DOCUMENT), cutoff)
    # Whole counts first, then the live ones, each counted once.
    whole = {c: store.count(c) for c in COUNTED} if kept is None else None
    live = {c: store.count(c, since) for c in COUNTED}
    if whole is not None:
        # Whole counts minus what the page load counts live: a document
        # with no start, or one the store cannot compare, counts too.
        kept = {
            "counted_from": cutoff,
            "counted_at": now,
            **{c: whole[c] - live[c] for c in COUNTED},
        }
        _keep(store, kept)

    return {c: kept[c] + live[c] for c in COUNTED}


def _usable(kept: dict[str, Any] | None, cutoff: datetime) -> dict | None:
    """The kept figures if they are of ``cutoff`` and whole counts; anything
    else (another day, a hand-edited or half-written document) is counted
    again rather than trusted or turned into an error."""
    if not isinstance(kept, dict) or kept.get("counted_from") != cutoff.isoformat():
        return None
    for collection in COUNTED:
        figure = kept.get(collection)
        if type(figure) is not int or not 0 <= figure <= COUNT_LIMIT:
            return None
    return kept


def _keep(store: DocumentStore, kept: dict[str, Any]) -> None:
    # The page has its figures either way: a store that reads but cannot
    # write now only costs the next page load another count. Workers that
    # race here each write figures exact at their count; the last one stays.
    try:
        store.put(COLLECTION, DOCUMENT, kept)
    except StoreUnavailable as error:
        log.warning(
            "could not keep the platform totals counted from %s (%s); the "
            "next page load counts them again",
            kept["counted_from"].isoformat(),
            error,
        )
