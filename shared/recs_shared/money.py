"""Money: Decimal end to end, rounded half-up to cents only where shown.

The house format for amounts shown to clients is the euro sign first, then
German grouping and a decimal comma: ``€1.900,00``, ``€0,00``, ``-€12,34``.
The page's ``formatEUR`` produces the same characters (a test pins both).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
# ASCII digits only: \d alone would take "١٢" or "１２" for 12.
_DECIMAL_STRING = re.compile(r"-?\d+(\.\d+)?", re.ASCII)


def to_cents(amount: Decimal) -> Decimal:
    """Round to cents, half away from zero (the invoicing convention)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal_string(text: str) -> Decimal:
    """A plain decimal string such as ``-12.5``; no exponent, no float."""
    if not isinstance(text, str) or not _DECIMAL_STRING.fullmatch(text):
        raise ValueError(f"not a decimal string: {text!r}")
    return Decimal(text)


def decimal_string(amount: Decimal) -> str:
    """Plain notation, never scientific: Decimal('1E-7') gives '0.0000001'."""
    text = format(amount, "f")
    return "0" if text in ("-0", "-0.0") else text


def format_eur(amount: Decimal) -> str:
    cents = to_cents(amount)
    sign = "-" if cents < 0 else ""
    whole, fraction = f"{abs(cents):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}€{grouped},{fraction}"


def format_percent(value: Decimal | int) -> str:
    """Whole or decimal percentages the way the invoice shows them: ``20%``."""
    text = decimal_string(Decimal(value).normalize())
    return f"{text}%"
