"""The month-end estimate and the budget bar's pace.

Estimate: what the month has cost so far (the invoice's usage rows) plus,
for each day of the month not collected yet, the average daily spend of the
last 7 settled days collected (this month or the one before). Provisional
days are counted in the spend but left out of the average, because their
export rows are still arriving; when no settled day exists they are used.

Pace: the estimate against the monthly budget. Red when the month is on
course to exceed the budget, orange when it will use more than 90% of it,
green otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dashboard_api.billing.period import Month
from recs_shared.money import ZERO, to_cents

LOOKBACK_DAYS = 7
ORANGE_ABOVE = Decimal("0.9")
METHOD = (
    "month-to-date spend plus, for each day of the month not collected yet, "
    "the average daily spend of the last 7 settled days collected"
)


@dataclass(frozen=True)
class Estimate:
    spent: Decimal
    daily_average: Decimal
    days_to_come: int

    @property
    def projected(self) -> Decimal:
        return to_cents(self.spent + self.daily_average * self.days_to_come)


def estimate(
    month: Month, spent: Decimal, days: Mapping[str, Mapping[str, Any]]
) -> Estimate:
    """``days``: the read-model days of this month and the month before."""
    collected = sum(1 for day in days if day.startswith(month.key))
    recent = sorted(days, reverse=True)
    settled = [day for day in recent if not days[day]["provisional"]]
    basis = (settled or recent)[:LOOKBACK_DAYS]

    average = ZERO
    if basis:
        average = sum((day_total(days[day]) for day in basis), ZERO) / len(basis)
    return Estimate(spent, average, month.length - collected)


def day_total(day: Mapping[str, Any]) -> Decimal:
    return Decimal(day["total"])


def pace(projected: Decimal, budget: Decimal) -> str:
    if projected > budget:
        return "red"
    if projected > budget * ORANGE_ABOVE:
        return "orange"
    return "green"


def percent(part: Decimal, whole: Decimal) -> float | None:
    """``part`` as a percentage of ``whole``, one decimal; None when whole is 0."""
    if whole == 0:
        return None
    share = (part / whole * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(share)
