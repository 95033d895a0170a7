"""The four billing charts' datasets, from month read models.

Amounts are rounded to cents per point shown. A day or month with no
collected snapshot holds None (drawn as a gap, not as a zero); a chart with
nothing at all to draw has empty ``labels``, so the page says "No data
available".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from dashboard_api.billing.invoice import category_totals
from dashboard_api.billing.period import Month
from recs_shared.categories import CATEGORIES
from recs_shared.money import ZERO, to_cents

TRAINING_RUNS_SHOWN = 10

ReadModel = Mapping[str, Any]


def daily_spend(month: Month, read_model: ReadModel | None) -> dict[str, Any]:
    """Each day of the month up to the newest collected, by category."""
    days = read_model["days"] if read_model else {}
    if not days:
        return _series([], {})

    newest = date.fromisoformat(max(days))
    labels = [day.isoformat() for day in month.days() if day <= newest]
    values = {
        category: [_day_amount(days.get(label), category) for label in labels]
        for category in CATEGORIES
    }
    return _series(labels, values)


def cost_breakdown(read_model: ReadModel | None) -> dict[str, Any]:
    """The month's total per category: the invoice's category rows."""
    if not read_model or not read_model["days"]:
        return {"labels": [], "values": [], "total": ZERO}

    totals = category_totals(read_model["services"])
    return {
        "labels": list(CATEGORIES),
        "values": [totals[category] for category in CATEGORIES],
        "total": sum(totals.values(), ZERO),
    }


def monthly_trend(
    months: list[Month], read_models: Mapping[str, ReadModel]
) -> dict[str, Any]:
    """Each month's category totals, as that month's invoice shows them."""
    if not any(read_models.get(month.key) for month in months):
        return _series([], {})

    values: dict[str, list[Decimal | None]] = {c: [] for c in CATEGORIES}
    for month in months:
        read_model = read_models.get(month.key)
        totals = category_totals(read_model["services"]) if read_model else {}
        for category in CATEGORIES:
            values[category].append(totals.get(category))
    return _series([month.key for month in months], values)


def cost_per_training(read_models: Iterable[ReadModel]) -> dict[str, Any]:
    """The last runs billed (oldest first), each summed over all its days."""
    runs: dict[str, dict[str, Any]] = {}
    for read_model in read_models:
        for run in read_model["runs"]:
            known = runs.get(run["id"])
            amount = Decimal(run["amount"]) + (known["amount"] if known else ZERO)
            latest = run if not known or run["last_day"] >= known["last_day"] else known
            runs[run["id"]] = {**latest, "amount": amount}

    shown = sorted(runs.values(), key=lambda r: (r["last_day"], r["id"]))
    shown = shown[-TRAINING_RUNS_SHOWN:]
    return {
        "labels": [run["id"] for run in shown],
        "values": [to_cents(run["amount"]) for run in shown],
        "model_types": [run["model_type"] for run in shown],
        "dates": [run["last_day"] for run in shown],
    }


def _day_amount(day: Mapping[str, Any] | None, category: str) -> Decimal | None:
    if day is None:
        return None
    return to_cents(Decimal(day["categories"].get(category, "0")))


def _series(
    labels: list[str], values: Mapping[str, list[Decimal | None]]
) -> dict[str, Any]:
    datasets = {category: values.get(category, []) for category in CATEGORIES}
    return {"labels": labels, "datasets": datasets}
