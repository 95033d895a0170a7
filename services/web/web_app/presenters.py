"""How the server-rendered parts of the page show figures and text.

The same rules as the page's scripts (assets/js/format.js): German digit
grouping and decimal comma, as in the house money format ``€1.900,00``, so
one page never uses "." both ways; rounding half away from zero on the
decimal text, never through binary floating point; "--" for a figure that
is missing or not measured.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

MISSING = "--"
DESCRIPTION_WORDS = 15
NAME_CLASSES = {
    "active": "text-green-600",
    "failed": "text-red-600",
}
IDLE_NAME_CLASS = "text-blue-600"


def decimal(value: Any, places: int) -> str:
    """``1234.5`` with 2 places gives ``1.234,50``; None gives ``--``."""
    number = _as_decimal(value)
    if number is None:
        return MISSING

    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if places else f"{sign}{grouped}"


def count(value: Any) -> str:
    return decimal(value, 0)


def percent(value: Any, places: int = 1) -> str:
    text = decimal(value, places)
    return text if text == MISSING else f"{text}%"


def first_words(text: str | None, limit: int = DESCRIPTION_WORDS) -> str:
    """The description cut to ``limit`` words, with an ellipsis when cut."""
    words = (text or "").split()
    if len(words) <= limit:
        return " ".join(words)
    return " ".join(words[:limit]) + "…"


def utc_time(value: str | None) -> str:
    """An RFC 3339 timestamp as ``2026-12-03 02:00 UTC``; ``--`` when absent."""
    if not value:
        return MISSING
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def project_card(project: dict[str, Any]) -> dict[str, Any]:
    """A project of the API with what its card shows."""
    return {
        **project,
        "name_class": NAME_CLASSES.get(project.get("status"), IDLE_NAME_CLASS),
        "short_description": first_words(project.get("description")),
    }


def assets(data: dict[str, Any] | None) -> dict[str, str]:
    data = data or {}
    return {
        key: count(data.get(key, 0))
        for key in ("projects", "models", "trainings", "experiments")
    }


def accuracy(data: dict[str, Any] | None) -> dict[str, str]:
    data = data or {}
    return {
        "retrieval": percent(data.get("retrieval_recall_pct")),
        "ranking": decimal(data.get("ranking_rmse"), 2),
        "hybrid": percent(data.get("hybrid_recall_pct")),
    }


def _as_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        # str() first: a float's shortest repr is what the API meant.
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
