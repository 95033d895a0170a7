"""The one way a collector reads a day it is asked for, HTTP or CLI alike.

Strictly ``YYYY-MM-DD`` (``date.fromisoformat`` alone also takes ``20261130``
and ``2026-W48-1``), and not before ``EARLIEST_DAY``: no Cloud Billing export
or Cloud Monitoring series can hold data before it, and days near year 1
overflow the date arithmetic of the collection windows.
"""

from __future__ import annotations

import re
from datetime import date

EARLIEST_DAY = date(2017, 1, 1)

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: object) -> date:
    """A YYYY-MM-DD day on or after EARLIEST_DAY; ValueError naming the fault."""
    if not isinstance(text, str) or not _DAY.fullmatch(text):
        raise ValueError(f"date must be a YYYY-MM-DD day, got {text!r}")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date {text!r} is not a calendar day") from None
    return check_collectable(day)


def check_collectable(day: date) -> date:
    """The day itself when data can exist for it; ValueError otherwise."""
    if day < EARLIEST_DAY:
        raise ValueError(
            f"date {day.isoformat()} is before {EARLIEST_DAY.isoformat()}, the "
            "earliest day a collector can have data for; ask for a later day"
        )
    return day
