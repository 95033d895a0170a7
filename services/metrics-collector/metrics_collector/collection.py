"""One collection: every sub-collector over some days, isolated from the others.

Each sub-collector's outcome for a day is measured figures, estimated
figures (stocks of days their source cannot read) or an error. A failure
is recorded against its collector alone: the other figures of the day
stand, and the snapshot's status says how much was measured.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from google.api_core.exceptions import GoogleAPICallError

from metrics_collector.collectors import Figures, SubCollector
from metrics_collector.sources.ports import SourceUnavailable
from recs_shared.events import RESOURCE_METRICS
from recs_shared.resource_metrics import COLLECTOR_FIELDS, status_for

log = logging.getLogger(__name__)

ERROR_TEXT_LIMIT = 500
# A reading this far before the first backfilled day still bounds its curve.
STORED_MARGIN = timedelta(days=7)


@dataclass(frozen=True)
class Outcome:
    figures: Figures | None = None
    estimated: bool = False
    error: str | None = None


DayOutcomes = dict[str, Outcome]


def collect_days(
    collectors: Sequence[SubCollector], days: Sequence[date], latest: date
) -> dict[date, DayOutcomes]:
    """Outcomes of every collector for each day; ``latest`` is the newest day
    that has ended, the one current readings belong to."""
    results: dict[date, DayOutcomes] = {day: {} for day in days}
    for collector in collectors:
        if collector.is_stock:
            outcomes = _stock(collector, days, latest)
        else:
            outcomes = {day: _flow(collector, day, latest) for day in days}
        for day, outcome in outcomes.items():
            results[day][collector.name] = outcome
    return results


def _flow(collector: SubCollector, day: date, latest: date) -> Outcome:
    if not collector.readable(day, latest):
        return Outcome(error=collector.history_message())
    return _attempt(collector, day)


def _stock(
    collector: SubCollector, days: Sequence[date], latest: date
) -> dict[date, Outcome]:
    # A source without history is still read once, for the latest day:
    # that reading is the known point the other days are estimated from.
    reading_days = [day for day in days if collector.readable(day, latest)]
    readings = {day: _attempt(collector, day) for day in reading_days or [latest]}
    known = {day: o.figures for day, o in readings.items() if o.error is None}
    if known and any(day not in readings for day in days):
        # Days to estimate: earlier measured readings are points of the curve
        # too (today's reading wins where both exist).
        known = {**_stored(collector, min(days), latest), **known}

    outcomes = {}
    for day in days:
        if day in readings:
            outcomes[day] = readings[day]
        elif known:
            outcomes[day] = _estimate(collector, known, day)
        else:
            # Nothing known to estimate from: the reading's failure explains it.
            outcomes[day] = Outcome(error=next(iter(readings.values())).error)
    return outcomes


def _stored(collector: SubCollector, start: date, end: date) -> dict[date, Figures]:
    try:
        return collector.sources.history.readings(
            collector.name, start - STORED_MARGIN, end
        )
    except Exception as error:  # estimates from today's reading alone will do
        log.warning(
            "earlier %s readings could not be read (%s); estimating from "
            "today's reading alone",
            collector.name,
            describe(error),
        )
        return {}


def _attempt(collector: SubCollector, day: date) -> Outcome:
    try:
        return Outcome(figures=collector.read(day))
    except Exception as error:  # isolation: any failure is this collector's alone
        text = describe(error)
        expected = isinstance(error, (SourceUnavailable, GoogleAPICallError))
        log.log(
            # A source this profile cannot reach is known, not news.
            logging.INFO if isinstance(error, SourceUnavailable) else logging.WARNING,
            "sub-collector %s failed for %s: %s",
            collector.name,
            day,
            text,
            exc_info=not expected,
        )
        return Outcome(error=text)


def _estimate(collector: SubCollector, known: dict, day: date) -> Outcome:
    try:
        return Outcome(figures=collector.estimate(known, day), estimated=True)
    except Exception as error:
        log.exception("estimating %s for %s failed", collector.name, day)
        return Outcome(error=f"estimate failed: {describe(error)}")


def describe(error: Exception) -> str:
    """One readable line: the API's own message, or the error's type and text."""
    if isinstance(error, (SourceUnavailable, GoogleAPICallError)):
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}"
    return text[:ERROR_TEXT_LIMIT] or type(error).__name__


def snapshot_event(
    day: date, collected_at: datetime, outcomes: DayOutcomes
) -> dict[str, Any]:
    """The resource_metrics.snapshot v1 event of one day."""
    event: dict[str, Any] = {
        "event_type": RESOURCE_METRICS,
        "schema_version": 1,
        "snapshot_date": day,
        "collected_at": collected_at,
    }
    errors = []
    estimated = []

    for collector, fields in COLLECTOR_FIELDS.items():
        outcome = outcomes[collector]
        if outcome.error is not None:
            errors.append({"collector": collector, "error": outcome.error})
            event.update(dict.fromkeys(fields))
            continue
        event.update({field: outcome.figures[field] for field in fields})
        if outcome.estimated:
            estimated.extend(fields)

    event["status"] = status_for(len(errors))
    event["collection_errors"] = errors
    event["estimated_fields"] = estimated
    return event
