"""Per month: each day's client lines with their kept rate, and the read model.

Two documents per month (id ``YYYY-MM``), both maintained on write:

- the **ledger** (``billing_ledgers``) holds, per day, the lines and training
  runs as the client pays for them (``total_cost``, USD) and the display rate
  and currency kept for that day. A newer collection of a day replaces the
  day's lines as a whole but keeps its rate; only a re-rate changes a rate.
  The ledger is the unit of compare-and-set (``store.mutate``), so
  concurrent deliveries of different days of a month never lose each other.
- the **read model** (``billing_months``) is computed from the ledger:
  amounts in the display currency (unrounded), summed per service, per day
  and category, and per training run. Page loads read only these, a handful
  of small documents whatever the length of history.

Neither holds the internal cost structure (gcp_cost, margin, platform fee);
that stays in the day's snapshot document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from recs_shared.money import ZERO, decimal_string
from recs_shared.store import DocumentStore, to_storable

LEDGERS = "billing_ledgers"
MONTHS = "billing_months"


@dataclass(frozen=True)
class Rate:
    """1 USD = ``rate`` units of ``currency``."""

    currency: str
    rate: Decimal

    def fields(self) -> dict[str, str]:
        return {"currency": self.currency, "rate": decimal_string(self.rate)}


def record(store: DocumentStore, snapshot: Mapping[str, Any], rate: Rate) -> None:
    """Put a stored snapshot's day into its month; a known day keeps its rate.

    ``snapshot`` is the day's document as stored (the latest collection).
    Running this again with the same document changes nothing, and it
    repairs a read model left behind by an interrupted earlier run.
    """
    day = snapshot["snapshot_date"]

    def change(ledger: dict[str, Any] | None) -> dict[str, Any] | None:
        ledger = ledger or _empty(day[:7])
        known = ledger["days"].get(day)
        if known is not None and _collected(known) >= _collected(snapshot):
            return None
        kept = Rate(known["currency"], Decimal(known["rate"])) if known else rate
        return _with_days(ledger, {day: entry(snapshot, kept)})

    ledger = store.mutate(LEDGERS, day[:7], change).data
    refresh(store, ledger)


def rerated_days(
    ledger: Mapping[str, Any] | None,
    snapshots: list[Mapping[str, Any]],
    rate: Rate,
) -> dict[str, dict[str, Any]]:
    """The ledger entries that change when these days are rated at ``rate``.

    A day missing from the ledger (or older there than its snapshot) is
    rebuilt from the snapshot, so a re-rate also repairs the projection.
    """
    days = ledger["days"] if ledger else {}
    changed = {}
    for snapshot in snapshots:
        day = snapshot["snapshot_date"]
        known = days.get(day)
        if known is not None and _collected(known) >= _collected(snapshot):
            new = {**known, **rate.fields()}
        else:
            new = entry(snapshot, rate)
        if new != known:
            changed[day] = new
    return changed


def rerate(
    store: DocumentStore, month: str, snapshots: list[Mapping[str, Any]], rate: Rate
) -> None:
    """Rate these stored days of one month at ``rate``, and refresh the month."""

    def change(ledger: dict[str, Any] | None) -> dict[str, Any] | None:
        changed = rerated_days(ledger, snapshots, rate)
        if not changed:
            return None
        return _with_days(ledger or _empty(month), changed)

    ledger = store.mutate(LEDGERS, month, change).data
    if ledger is not None:
        refresh(store, ledger)


def entry(snapshot: Mapping[str, Any], rate: Rate) -> dict[str, Any]:
    """A day of the ledger: what the client pays, in USD, and the day's rate."""
    return {
        "collected_at": snapshot["collected_at"],
        "provisional": snapshot["provisional"],
        **rate.fields(),
        "lines": [
            {
                "category": line["category"],
                "service": line["service"],
                "total_cost": line["total_cost"],
            }
            for line in snapshot["lines"]
        ],
        "runs": [
            {
                "id": run["training_run_id"],
                "model_type": run["model_type"],
                "total_cost": run["total_cost"],
            }
            for run in snapshot["training_runs"]
        ],
    }


def refresh(store: DocumentStore, ledger: Mapping[str, Any]) -> None:
    """Bring the month's read model up to this ledger's revision."""

    def change(current: dict[str, Any] | None) -> dict[str, Any] | None:
        if current is not None and current["revision"] >= ledger["revision"]:
            return None
        return summarise(ledger)

    store.mutate(MONTHS, ledger["month"], change)


def summarise(ledger: Mapping[str, Any]) -> dict[str, Any]:
    """The month's read model: display amounts, unrounded (rounding is for
    where an amount is shown)."""
    services: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    runs: dict[str, dict[str, Any]] = {}
    days = {}

    for day in sorted(ledger["days"]):
        item = ledger["days"][day]
        rate = Decimal(item["rate"])
        categories: dict[str, Decimal] = defaultdict(Decimal)

        for line in item["lines"]:
            amount = Decimal(line["total_cost"]) * rate
            categories[line["category"]] += amount
            services[line["category"], line["service"]] += amount

        # A run that spans days is billed on each; it is dated by its last.
        for run in item["runs"]:
            before = runs.get(run["id"], {}).get("amount", ZERO)
            runs[run["id"]] = {
                "id": run["id"],
                "model_type": run["model_type"],
                "amount": before + Decimal(run["total_cost"]) * rate,
                "last_day": day,
            }

        days[day] = {
            "collected_at": item["collected_at"],
            "provisional": item["provisional"],
            "currency": item["currency"],
            "categories": dict(categories),
        }

    return to_storable(
        {
            "month": ledger["month"],
            "revision": ledger["revision"],
            "days": days,
            "services": [
                {"category": category, "service": service, "amount": amount}
                for (category, service), amount in sorted(services.items())
            ],
            "runs": sorted(runs.values(), key=lambda r: (r["last_day"], r["id"])),
        }
    )


def _empty(month: str) -> dict[str, Any]:
    return {"month": month, "revision": 0, "days": {}}


def _with_days(
    ledger: Mapping[str, Any], changed: Mapping[str, dict[str, Any]]
) -> dict[str, Any]:
    return {
        **ledger,
        "revision": ledger["revision"] + 1,
        "days": {**ledger["days"], **changed},
    }


def _collected(document: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(document["collected_at"])
