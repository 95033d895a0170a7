"""The current instant, replaceable per app (tests pin it to a UTC boundary)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app

EXTENSION = "clock"


def now() -> datetime:
    clock = current_app.extensions.get(EXTENSION)
    return clock() if clock else datetime.now(UTC)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def last_days(today: date, count: int) -> list[date]:
    """``count`` UTC days ending with ``today``, oldest first."""
    return [today - timedelta(days=back) for back in range(count - 1, -1, -1)]
