"""What one billing API call reads: BillingConfig and a few month read models.

A call reads the config and the read models of the months on screen (the
current month and the one before, or the six of the trend) with one
``get_many``: a fixed number of documents, whatever the length of history.
Only when neither the current nor the previous month holds a collected day
does ``freshness`` look further, with a query limited to one document.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dashboard_api.billing.months import MONTHS
from dashboard_api.billing.period import Month
from recs_shared import billing_config
from recs_shared.store import DocumentStore

log = logging.getLogger(__name__)

ReadModel = dict[str, Any]


@dataclass(frozen=True)
class BillingView:
    now: datetime
    month: Month
    config: dict[str, Any]
    read_models: dict[str, ReadModel]
    freshness: dict[str, Any]

    def read_model(self, month: Month) -> ReadModel | None:
        return self.read_models.get(month.key)

    def recent_days(self) -> dict[str, dict[str, Any]]:
        return recent_days(self.month, self.read_models)


def load(store: DocumentStore, now: datetime, months: int = 2) -> BillingView:
    """The config and the read models of the ``months`` months up to ``now``."""
    month = Month.of(now.date())
    config = billing_config.load(store)
    wanted = month.back(max(months, 2))
    read_models = store.get_many(MONTHS, [m.key for m in wanted])

    _warn_about_other_currencies(config["display_currency"], read_models)
    days = recent_days(month, read_models)
    return BillingView(now, month, config, read_models, _freshness(store, days))


def recent_days(
    month: Month, read_models: dict[str, ReadModel]
) -> dict[str, dict[str, Any]]:
    """The collected days of ``month`` and the month before."""
    days: dict[str, dict[str, Any]] = {}
    for key in (month.previous().key, month.key):
        days.update(read_models.get(key, {}).get("days", {}))
    return days


def _freshness(store: DocumentStore, days: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if not days:
        older = store.query(MONTHS, order_by=[("month", "desc")], limit=1)
        days = older[0].data["days"] if older else {}
    if not days:
        return freshness(None, None, [])

    newest = max(days)
    provisional = sorted(day for day, item in days.items() if item["provisional"])
    return freshness(newest, days[newest]["collected_at"], provisional)


def freshness(
    newest: str | None, collected_at: str | None, provisional: list[str]
) -> dict[str, Any]:
    """docs/api.md's freshness object for billing."""
    return {
        "source": "billing",
        "snapshot_date": date.fromisoformat(newest) if newest else None,
        "collected_at": datetime.fromisoformat(collected_at) if collected_at else None,
        "status": "success" if newest else "none",
        "failed_collectors": [],
        "provisional_days": [date.fromisoformat(day) for day in provisional],
    }


def _warn_about_other_currencies(
    wanted: str, read_models: dict[str, ReadModel]
) -> None:
    # A day keeps the currency it was rated in; mixing two in one sum would
    # be wrong, so say how to fix it rather than guess a conversion. Only
    # days stored while BillingConfig still took other display currencies
    # can differ now that it takes EUR alone.
    other = sorted(
        day
        for read_model in read_models.values()
        for day, item in read_model["days"].items()
        if item["currency"] != wanted
    )
    if other:
        log.warning(
            "billing days %s to %s were rated in another currency than the "
            "display currency %s; re-rate them: python -m "
            "dashboard_api.billing.rerate --from %s --to %s",
            other[0],
            other[-1],
            wanted,
            other[0],
            other[-1],
        )
