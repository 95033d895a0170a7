"""Rounding of the figures the page shows (not money: see recs_shared.money).

Rounding goes through Decimal, half-up, so a test computing the same
figure from the same inputs gets the same digits.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

BYTES_PER_GB = Decimal(10) ** 9


def rounded(value: float | int | Decimal, places: int = 2) -> float:
    step = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


def gb(byte_count: int | None) -> float | None:
    """Bytes as GB (1e9 bytes), two decimals; None stays None (not measured)."""
    if byte_count is None:
        return None
    return rounded(Decimal(byte_count) / BYTES_PER_GB)


def percent(part: int, whole: int) -> float | None:
    """part / whole × 100, one decimal; None when there is no whole."""
    if whole == 0:
        return None
    return rounded(Decimal(part) * 100 / Decimal(whole), 1)
