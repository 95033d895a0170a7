"""Growth-curve estimates of stock figures for days nobody measured.

Between two known readings a figure is taken to grow at a constant daily
rate (geometric interpolation; linear when either reading is zero, where a
rate means nothing). Before the first reading and after the last, the
nearest reading is held: nothing is extrapolated. With a single known
reading, which is all a backfill has for sources that keep no history, the
curve is flat. Every estimate is flagged in the snapshot's
estimated_fields, so the page draws it differently.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any


def curve(known: Mapping[date, float], day: date) -> float:
    if not known:
        raise ValueError("a curve needs at least one known reading")
    days = sorted(known)
    if day <= days[0]:
        return known[days[0]]
    if day >= days[-1]:
        return known[days[-1]]

    after = bisect.bisect_right(days, day)
    first, last = days[after - 1], days[after]
    if first == day:
        return known[day]
    share = (day - first).days / (last - first).days
    low, high = known[first], known[last]
    if low > 0 and high > 0:
        return low * (high / low) ** share
    return low + (high - low) * share


def nearest(known: Mapping[date, Any], day: date) -> Any:
    """The reading closest in time; the earlier one on a tie."""
    return known[min(sorted(known), key=lambda known_day: abs((known_day - day).days))]


def estimate_count(known: Mapping[date, int], day: date) -> int:
    return round(curve(known, day))


def estimate_items(
    known: Mapping[date, Sequence[Mapping[str, Any]]],
    day: date,
    numbers: Sequence[str],
) -> list[dict[str, Any]]:
    """Estimate each named item's numbers on its own curve.

    An item missing from a known reading had zero then (a reading lists
    everything that existed); items estimated at zero are left out.
    """
    names = sorted({item["name"] for items in known.values() for item in items})
    by_day = {
        known_day: {item["name"]: item for item in items}
        for known_day, items in known.items()
    }

    estimated = []
    for name in names:
        item = {"name": name}
        for number in numbers:
            readings = {
                known_day: int(items.get(name, {}).get(number, 0))
                for known_day, items in by_day.items()
            }
            item[number] = estimate_count(readings, day)
        if any(item[number] for number in numbers):
            estimated.append(item)
    return sorted(estimated, key=lambda item: (-item[numbers[0]], item["name"]))
