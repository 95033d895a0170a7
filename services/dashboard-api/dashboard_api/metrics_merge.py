"""How two collections of the same day combine: collector by collector.

A day can be collected more than once (a retried run, a manual re-run, a
backfill). Whole-event "latest wins" would let a later partial collection
wipe figures an earlier one measured, and a backfill's estimates replace
real readings. So each sub-collector's figures are kept from the best
collection of the day that has them, ranked:

    measured  >  estimated (by a backfill)  >  failed (null),

and between equals, the later ``collected_at``. The stored day is that
per-collector best; its ``collected_at`` is the newest collection whose
figures it shows, and ``retained`` names the collectors whose figures come
from an earlier one (with that collection's time). status and
collection_errors are recomputed: a collector is failed only if no
collection of the day measured or estimated it.

Choosing the best per collector is a maximum over a total order, so any
sequence of deliveries (duplicates, late, out of order) ends in the same
stored day, and a delivery that improves nothing writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from recs_shared.resource_metrics import (
    COLLECTOR_FIELDS,
    FIELD_COLLECTOR,
    estimated_collectors,
    failed_collectors,
    status_for,
)
from recs_shared.store import to_storable

FAILED, ESTIMATED, MEASURED = 0, 1, 2
RETAINED = "retained"
HEADER = ("event_type", "schema_version", "snapshot_date")


def merge(current: dict[str, Any] | None, event: dict[str, Any]) -> dict | None:
    """The stored day after ``event`` arrives; None when nothing changes."""
    new = to_storable(event)
    if current is None:
        return _in_order(new)

    winners = {
        collector: new
        if _version(new, collector) > _version(current, collector)
        else current
        for collector in COLLECTOR_FIELDS
    }
    if all(winner is current for winner in winners.values()):
        return None
    return _combine(new, winners)


def _combine(new: dict, winners: dict[str, dict]) -> dict[str, Any]:
    times = {c: _collected_at(doc, c) for c, doc in winners.items()}
    newest = max(times.values())

    day: dict[str, Any] = {key: new[key] for key in HEADER}
    day["collected_at"] = next(
        _stamp(doc, c) for c, doc in winners.items() if times[c] == newest
    )
    errors, estimated, retained = [], [], {}

    for collector, fields in COLLECTOR_FIELDS.items():
        source = winners[collector]
        day.update({field: source[field] for field in fields})
        rank, _ = _version(source, collector)
        if rank == FAILED:
            errors.extend(
                e for e in source["collection_errors"] if e["collector"] == collector
            )
        elif rank == ESTIMATED:
            estimated.extend(fields)
        if times[collector] != newest:
            retained[collector] = _stamp(source, collector)

    day["status"] = status_for(len(errors))
    day["collection_errors"] = errors
    day["estimated_fields"] = estimated
    if retained:
        day[RETAINED] = retained
    return day


def _in_order(day: dict[str, Any]) -> dict[str, Any]:
    """Errors and estimated fields listed in the collectors' order, so equal
    days are equal documents whichever collection came first."""
    position = {field: i for i, field in enumerate(FIELD_COLLECTOR)}
    collectors = list(COLLECTOR_FIELDS)
    return {
        **day,
        "collection_errors": sorted(
            day["collection_errors"], key=lambda e: collectors.index(e["collector"])
        ),
        "estimated_fields": sorted(
            day["estimated_fields"], key=lambda f: position.get(f, len(position))
        ),
    }


def _version(doc: dict[str, Any], collector: str) -> tuple[int, datetime]:
    if collector in failed_collectors(doc):
        rank = FAILED
    elif collector in estimated_collectors(doc):
        rank = ESTIMATED
    else:
        rank = MEASURED
    return rank, _collected_at(doc, collector)


def _stamp(doc: dict[str, Any], collector: str) -> str:
    return doc.get(RETAINED, {}).get(collector) or doc["collected_at"]


def _collected_at(doc: dict[str, Any], collector: str) -> datetime:
    return datetime.fromisoformat(_stamp(doc, collector))


def without_merge_notes(day: dict[str, Any]) -> dict[str, Any]:
    """The stored day in the event's shape (what readers of a snapshot expect)."""
    return {key: value for key, value in day.items() if key != RETAINED}
