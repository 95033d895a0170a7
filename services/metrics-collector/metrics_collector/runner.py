"""Collect a day (or backfill many) and publish one snapshot event per day.

Used by the HTTP trigger and the command line alike. A day is collected
only once it has ended in UTC; a backfill covers the N days ending with
yesterday. ``dry_run`` builds and validates the events without publishing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from metrics_collector import collectors
from metrics_collector.collection import collect_days, describe, snapshot_event
from metrics_collector.days import days_ending, latest_ended_day
from metrics_collector.sources.ports import Sources
from recs_shared.events import encode
from recs_shared.publisher import Publisher, publish_event

log = logging.getLogger(__name__)

MAX_BACKFILL_DAYS = 366


class RequestError(ValueError):
    """A bad request (day, number of days): nothing is collected."""


@dataclass
class DayReport:
    event: dict[str, Any]
    message_id: str | None = None
    publish_error: str | None = None
    dry_run: bool = False

    @property
    def status(self) -> str:
        """The snapshot's status; error too when it could not be published."""
        return "error" if self.publish_error else self.event["status"]

    def summary(self) -> dict[str, Any]:
        event = self.event
        return {
            "status": self.status,
            "snapshot_date": event["snapshot_date"].isoformat(),
            "collected_at": event["collected_at"].isoformat(),
            "collection_errors": event["collection_errors"],
            "estimated_fields": event["estimated_fields"],
            "published": self.message_id is not None,
            "message_id": self.message_id,
            "publish_error": self.publish_error,
            "dry_run": self.dry_run,
        }


def _now() -> datetime:
    return datetime.now(UTC)


class MetricsCollector:
    def __init__(
        self,
        sources: Sources,
        publisher: Callable[[], Publisher],
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.sub_collectors = collectors.build(sources)
        self._make_publisher = publisher
        self._publisher: Publisher | None = None
        self._publisher_lock = threading.Lock()
        self.clock = clock

    def collect(self, day: date | None = None, *, dry_run: bool = False) -> DayReport:
        now = self.clock()
        latest = latest_ended_day(now)
        day = day or latest
        if day > latest:
            raise RequestError(
                f"{day} has not ended yet in UTC; the latest day to collect is {latest}"
            )
        return self._run([day], latest, now, dry_run)[0]

    def backfill(self, days: int, *, dry_run: bool = False) -> list[DayReport]:
        if not 1 <= days <= MAX_BACKFILL_DAYS:
            raise RequestError(
                f"days must be between 1 and {MAX_BACKFILL_DAYS}, got {days}"
            )
        now = self.clock()
        latest = latest_ended_day(now)
        return self._run(days_ending(latest, days), latest, now, dry_run)

    def close(self) -> None:
        if self._publisher is not None:
            self._publisher.close()
            self._publisher = None

    def _run(
        self, days: list[date], latest: date, now: datetime, dry_run: bool
    ) -> list[DayReport]:
        outcomes = collect_days(self.sub_collectors, days, latest)
        reports = []
        for day in days:
            event = snapshot_event(day, now, outcomes[day])
            report = DayReport(event, dry_run=dry_run)
            if dry_run:
                encode(event)  # validates exactly what would be published
            else:
                self._publish(report)
            log.info(
                "resource metrics of %s: %s%s",
                day,
                report.status,
                "".join(
                    f"; {e['collector']} failed: {e['error']}"
                    for e in event["collection_errors"]
                ),
            )
            reports.append(report)
        return reports

    def _shared_publisher(self) -> Publisher:
        with self._publisher_lock:
            if self._publisher is None:
                self._publisher = self._make_publisher()
            return self._publisher

    def _publish(self, report: DayReport) -> None:
        try:
            report.message_id = publish_event(self._shared_publisher(), report.event)
        except Exception as error:  # the day is lost unless retried: say so
            report.publish_error = describe(error)
            log.error(
                "could not publish the resource metrics of %s: %s; the run "
                "answers an error so the scheduler retries it",
                report.event["snapshot_date"],
                report.publish_error,
            )
