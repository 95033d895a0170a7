"""UTC days: which day a collection is for, and the instants it spans."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def window(day: date) -> tuple[datetime, datetime]:
    """[00:00, next 00:00) of the UTC day."""
    return start_of(day), start_of(day + timedelta(days=1))


def latest_ended_day(now: datetime) -> date:
    """The day a run at ``now`` collects: a run at 00:30 UTC collects yesterday."""
    return now.astimezone(UTC).date() - timedelta(days=1)


def days_ending(last: date, count: int) -> list[date]:
    """``count`` consecutive days ending with ``last``, oldest first."""
    return [last - timedelta(days=offset) for offset in range(count - 1, -1, -1)]
