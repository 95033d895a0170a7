"""Calendar months in UTC: the billing period and the months around it."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

# English month names whatever the server's locale (strftime's %b is not).
MONTH_NAMES = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def length(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def last(self) -> date:
        return date(self.year, self.month, self.length)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.length)]

    def previous(self, count: int = 1) -> Month:
        index = self.year * 12 + self.month - 1 - count
        return Month(index // 12, index % 12 + 1)

    def back(self, count: int) -> list[Month]:
        """This month and the ``count - 1`` before it, oldest first."""
        return [self.previous(n) for n in reversed(range(count))]

    def label(self) -> str:
        """``Dec 1 - Dec 31, 2026``, as the summary bar shows the period."""
        name = MONTH_NAMES[self.month - 1]
        return f"{name} 1 - {name} {self.length}, {self.year}"

    def elapsed_pct(self, now: datetime) -> float:
        """Share of the month gone by at ``now`` (UTC), one decimal, 0 to 100."""
        start = datetime(self.year, self.month, 1, tzinfo=UTC)
        seconds = Decimal((now - start).total_seconds())
        share = seconds / (self.length * 86400) * 100
        share = min(max(share, Decimal(0)), Decimal(100))
        return float(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
