"""The collectors' shared reading of a requested day (recs_shared.days)."""

from __future__ import annotations

from datetime import date

import pytest

from recs_shared.days import EARLIEST_DAY, check_collectable, parse_day


def test_a_yyyy_mm_dd_day_on_or_after_the_bound_is_read():
    assert parse_day("2026-11-30") == date(2026, 11, 30)
    assert parse_day("2017-01-01") == EARLIEST_DAY


@pytest.mark.parametrize(
    "text",
    [
        "20261130",
        "2026-W48-1",
        "2026-334",
        "2026-11-30T00:00",
        " 2026-11-30",
        "2026-11-30\n",
        "２０２６-11-30",  # full-width digits
        "2026-1-30",
        20261130,
        None,
    ],
)
def test_anything_but_yyyy_mm_dd_is_refused(text):
    with pytest.raises(ValueError, match="must be a YYYY-MM-DD day"):
        parse_day(text)


def test_an_impossible_day_is_refused_naming_it():
    with pytest.raises(ValueError, match="'2026-02-30' is not a calendar day"):
        parse_day("2026-02-30")


@pytest.mark.parametrize("text", ["0001-01-01", "2016-12-31"])
def test_days_before_the_bound_are_refused_naming_the_bound(text):
    with pytest.raises(ValueError, match=f"{text} is before 2017-01-01"):
        parse_day(text)


def test_the_bound_applies_to_a_parsed_day_too():
    assert check_collectable(date(2017, 1, 1)) == date(2017, 1, 1)
    with pytest.raises(ValueError, match="before 2017-01-01"):
        check_collectable(date(1, 1, 1))
