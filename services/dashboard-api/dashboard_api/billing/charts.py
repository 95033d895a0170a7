"""The four billing charts' datasets, from month read models.

The read models hold each figure already rounded as shown (see ``months``):
a day or month with no collected snapshot is None (drawn as a gap, not as a
zero), and a chart with nothing at all to draw has empty ``labels``, so the
page says "No data available".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from dashboard_api.billing.period import Month
from recs_shared.categories import CATEGORIES
from recs_shared.money import ZERO

TRAINING_RUNS_SHOWN = 10

ReadModel = Mapping[str, Any]


def daily_spend(read_model: ReadModel | None) -> dict[str, Any]:
    """Each day of the month up to the newest collected, by category."""
    return read_model["daily"] if read_model else _series([], {})


def cost_breakdown(read_model: ReadModel | None) -> dict[str, Any]:
    """The month's total per category: the invoice's category rows."""
    if not read_model:
        return {"labels": [], "values": [], "total": ZERO}

    values = [Decimal(read_model["category_totals"][c]) for c in CATEGORIES]
    return {"labels": list(CATEGORIES), "values": values, "total": sum(values, ZERO)}


def monthly_trend(
    months: list[Month], read_models: Mapping[str, ReadModel]
) -> dict[str, Any]:
    """Each month's category totals, as that month's invoice shows them."""
    if not any(month.key in read_models for month in months):
        return _series([], {})

    values = {
        category: [
            read_models[month.key]["category_totals"][category]
            if month.key in read_models
            else None
            for month in months
        ]
        for category in CATEGORIES
    }
    return _series([month.key for month in months], values)


def cost_per_training(read_models: Iterable[ReadModel]) -> dict[str, Any]:
    """The last runs billed (oldest first), each summed over all its days."""
    runs: dict[str, dict[str, Any]] = {}
    for read_model in read_models:
        for run in read_model["runs"]:
            known = runs.get(run["id"])
            amount = Decimal(run["amount"]) + (known["amount"] if known else ZERO)
            latest = known if known and known["last_day"] > run["last_day"] else run
            runs[run["id"]] = {**latest, "amount": amount}

    shown = sorted(runs.values(), key=lambda r: (r["last_day"], r["id"]))
    shown = shown[-TRAINING_RUNS_SHOWN:]
    return {
        "labels": [run["id"] for run in shown],
        "values": [run["amount"] for run in shown],
        "model_types": [run["model_type"] for run in shown],
        "dates": [run["last_day"] for run in shown],
    }


def _series(labels: list[str], values: Mapping[str, list[Any]]) -> dict[str, Any]:
    datasets = {category: values.get(category, []) for category in CATEGORIES}
    return {"labels": labels, "datasets": datasets}
