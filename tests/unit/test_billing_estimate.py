"""The estimate, the budget pace and the billing period."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dashboard_api.billing import estimate
from dashboard_api.billing.period import Month

MARCH = Month(2026, 3)


def day(total: str, provisional: bool = False) -> dict:
    return {"provisional": provisional, "total": total}


@pytest.mark.parametrize(
    ("projected", "budget", "pace"),
    [
        ("828.00", "920.00", "green"),
        ("828.01", "920.00", "orange"),
        ("920.00", "920.00", "orange"),
        ("920.01", "920.00", "red"),
        ("-3.00", "920.00", "green"),
        ("0.00", "0.00", "green"),
        ("0.01", "0.00", "red"),
    ],
)
def test_pace_is_judged_on_the_estimate_against_the_budget(projected, budget, pace):
    assert estimate.pace(Decimal(projected), Decimal(budget)) == pace


def test_the_average_uses_the_last_seven_settled_days():
    days = {f"2026-03-{d:02d}": day(str(d)) for d in range(1, 11)}
    days["2026-03-11"] = day("500", provisional=True)

    guess = estimate.estimate(MARCH, Decimal("100.00"), days)

    assert guess.daily_average == Decimal(4 + 5 + 6 + 7 + 8 + 9 + 10) / 7
    assert guess.days_to_come == 31 - 11
    assert guess.projected == Decimal("100.00") + Decimal("140.00")


def test_the_average_reaches_into_the_previous_month_early_in_a_month():
    days = {f"2026-02-{d:02d}": day("2") for d in range(20, 29)}
    days["2026-03-01"] = day("9")

    guess = estimate.estimate(MARCH, Decimal("9.00"), days)

    assert guess.daily_average == Decimal(9 + 6 * 2) / 7
    assert guess.projected == Decimal("9.00") + Decimal(30 * 21) / 7


def test_provisional_days_are_used_when_no_day_is_settled():
    days = {"2026-03-01": day("3", True), "2026-03-02": day("5", True)}

    assert estimate.estimate(MARCH, Decimal("8"), days).daily_average == 4


def test_a_missing_day_is_estimated_like_a_day_to_come():
    days = {"2026-03-01": day("1"), "2026-03-03": day("1")}

    assert estimate.estimate(MARCH, Decimal("2"), days).days_to_come == 29


def test_with_nothing_collected_the_estimate_is_zero():
    guess = estimate.estimate(MARCH, Decimal("0"), {})

    assert (guess.daily_average, guess.projected) == (0, Decimal("0.00"))


@pytest.mark.parametrize(
    ("part", "whole", "share"),
    [("40.12", "920.00", 4.4), ("0.00", "920.00", 0.0), ("1", "0", None)],
)
def test_percentages_have_one_decimal(part, whole, share):
    assert estimate.percent(Decimal(part), Decimal(whole)) == share


def test_months_know_their_length_label_and_neighbours():
    assert Month(2028, 2).label() == "Feb 1 - Feb 29, 2028"
    assert Month(2026, 12).label() == "Dec 1 - Dec 31, 2026"
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert [m.key for m in Month(2026, 2).back(3)] == ["2025-12", "2026-01", "2026-02"]
    assert Month.of(date(2026, 7, 9)).last == date(2026, 7, 31)


@pytest.mark.parametrize(
    ("now", "elapsed"),
    [
        (datetime(2026, 3, 1, tzinfo=UTC), 0.0),
        (datetime(2026, 3, 16, 12, tzinfo=UTC), 50.0),
        (datetime(2026, 3, 4, 0, tzinfo=UTC), 9.7),  # 3 / 31 = 9.677
        (datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC), 100.0),
    ],
)
def test_the_elapsed_share_of_the_period_is_measured_in_utc(now, elapsed):
    assert MARCH.elapsed_pct(now) == elapsed
