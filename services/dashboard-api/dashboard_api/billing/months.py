"""Each month's read model: what the billing APIs read, maintained on write.

One document per month (``billing_months``, id ``YYYY-MM``) is computed from
the month's stored snapshots (``billing_snapshots``, at most 31 documents)
whenever one of its days is stored or re-rated. It holds:

- ``days``: per collected day, its ``collected_at`` and ``provisional`` flag,
  the display ``rate`` and ``currency`` kept for it since it was first
  stored, and its ``total`` in the display currency (unrounded);
- ``daily``: the daily-spend chart, ready to send (cents per category);
- ``services``: each service's month total, rounded once, in invoice order,
  and ``category_totals``, their sums per category;
- ``runs``: the month's most recently billed training runs (unrounded).

It holds no internal cost structure (gcp_cost, margin, platform fee): that
stays in the snapshots. Page loads read a few of these small documents,
whatever the length of history.

Concurrency: the read model is written by compare-and-set. A writer that
read the snapshots before another writer stored a day (or a newer
collection of it) and projected it finds the read model ahead of what it
read; it reads the snapshots again and recomputes, so no delivery is lost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dashboard_api.billing.invoice import category_lines
from dashboard_api.billing.period import Month
from recs_shared.categories import CATEGORIES
from recs_shared.money import ZERO, decimal_string, to_cents
from recs_shared.store import DocumentStore, Mutation, StoreUnavailable, to_storable

SNAPSHOTS = "billing_snapshots"
MONTHS = "billing_months"
RUNS_KEPT = 10
_MAX_ATTEMPTS = 20


@dataclass(frozen=True)
class Rate:
    """1 USD = ``rate`` units of ``currency``."""

    currency: str
    rate: Decimal

    def fields(self) -> dict[str, str]:
        return {"currency": self.currency, "rate": decimal_string(self.rate)}


def project(
    store: DocumentStore,
    month: Month,
    new_days: Rate,
    rerated: Mapping[str, Rate] | None = None,
) -> Mutation:
    """Recompute ``month``'s read model from its stored snapshots.

    A day already in the read model keeps its rate, unless ``rerated`` gives
    it a new one; a day seen for the first time gets ``new_days``. Running
    this again changes nothing, so a redelivery completes a projection that
    an earlier delivery could not finish.
    """
    ids = [day.isoformat() for day in month.days()]
    gone: set[str] = set()

    for _ in range(_MAX_ATTEMPTS):
        snapshots = store.get_many(SNAPSHOTS, ids)
        mutation, behind = _write(
            store, month, snapshots, new_days, rerated or {}, gone
        )
        if not behind:
            return mutation

        # Days the read model holds but this read missed were stored after
        # it; read again. One still missing then (read after seeing the read
        # model) was deleted by hand, and is dropped.
        gone = {day for day in behind if day not in snapshots}

    raise StoreUnavailable(
        f"{MONTHS}/{month.key}: snapshots kept changing while projecting them"
    )


def _write(
    store: DocumentStore,
    month: Month,
    snapshots: Mapping[str, Mapping[str, Any]],
    new_days: Rate,
    rerated: Mapping[str, Rate],
    gone: set[str],
) -> tuple[Mutation, set[str]]:
    """One compare-and-set of the read model. Returns the days for which the
    snapshots read are behind the read model (another writer got there
    first); nothing is written then."""
    behind: set[str] = set()

    def change(current: dict[str, Any] | None) -> dict[str, Any] | None:
        nonlocal behind
        known = (current or {}).get("days", {})
        behind = {
            day
            for day, item in known.items()
            if day not in gone and _behind(snapshots.get(day), item)
        }
        if behind:
            return None

        rates = {
            day: Rate(item["currency"], Decimal(item["rate"]))
            for day, item in known.items()
        }
        model = summarise(month, snapshots, {**rates, **rerated}, new_days)
        return None if model == current else model

    mutation = store.mutate(MONTHS, month.key, change)
    return mutation, behind


def summarise(
    month: Month,
    snapshots: Mapping[str, Mapping[str, Any]],
    rates: Mapping[str, Rate],
    new_days: Rate,
) -> dict[str, Any]:
    """The read model of ``month`` from its snapshots (as stored) and rates."""
    services: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    by_day: dict[str, dict[str, Decimal]] = {}
    runs: dict[str, dict[str, Any]] = {}
    days = {}

    for day in sorted(snapshots):
        snapshot, rate = snapshots[day], rates.get(day, new_days)
        categories: dict[str, Decimal] = defaultdict(Decimal)

        for line in snapshot["lines"]:
            amount = Decimal(line["total_cost"]) * rate.rate
            categories[line["category"]] += amount
            services[line["category"], line["service"]] += amount

        # A run billed on several days adds up; it is dated by its last day.
        for run in snapshot["training_runs"]:
            before = runs.get(run["training_run_id"], {}).get("amount", ZERO)
            runs[run["training_run_id"]] = {
                "id": run["training_run_id"],
                "model_type": run["model_type"],
                "amount": before + Decimal(run["total_cost"]) * rate.rate,
                "last_day": day,
            }

        by_day[day] = categories
        days[day] = {
            "collected_at": snapshot["collected_at"],
            "provisional": snapshot["provisional"],
            **rate.fields(),
            "total": sum(categories.values(), ZERO),
        }

    lines = category_lines(
        {"category": category, "service": service, "amount": amount}
        for (category, service), amount in services.items()
    )
    latest_runs = sorted(runs.values(), key=lambda r: (r["last_day"], r["id"]))
    return to_storable(
        {
            "month": month.key,
            "days": days,
            "daily": _daily(month, by_day),
            "services": [
                {"category": line.label, "service": s.label, "amount": s.total}
                for line in lines
                for s in line.services
            ],
            "category_totals": {
                **dict.fromkeys(CATEGORIES, ZERO),
                **{line.label: line.total for line in lines},
            },
            "runs": latest_runs[-RUNS_KEPT:],
        }
    )


def _daily(month: Month, by_day: Mapping[str, Mapping[str, Decimal]]) -> dict:
    """The daily-spend chart: the 1st to the newest day, a gap where none."""
    if not by_day:
        return {"labels": [], "datasets": {c: [] for c in CATEGORIES}}

    newest = date.fromisoformat(max(by_day))
    labels = [day.isoformat() for day in month.days() if day <= newest]
    datasets = {
        category: [
            to_cents(by_day[label].get(category, ZERO)) if label in by_day else None
            for label in labels
        ]
        for category in CATEGORIES
    }
    return {"labels": labels, "datasets": datasets}


def _behind(snapshot: Mapping[str, Any] | None, known: Mapping[str, Any]) -> bool:
    """Whether the snapshot read is missing or older than the read model's."""
    if snapshot is None:
        return True
    stored = datetime.fromisoformat(snapshot["collected_at"])
    return stored < datetime.fromisoformat(known["collected_at"])
