"""From one day's cost groups to its billing.snapshot event.

Everything here is pure: the rows come from the query, the margins from
BillingConfig and the platform's endpoints and training runs from the store
(``Platform``), so the arithmetic is tested without any source.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from billing_collector.query import CostRow
from recs_shared.categories import CATEGORIES, TRAINING, VERTEX_AI, classify
from recs_shared.events import BILLING

log = logging.getLogger(__name__)

TAX = "tax"
CURRENCY = "USD"
UNKNOWN_MODEL_TYPE = "unknown"
LABELLED_MODEL_TYPES = ("retrieval", "ranking", "multitask")


@dataclass(frozen=True)
class Platform:
    """What the collector needs of the ML platform's own collections."""

    endpoint_services: frozenset[str] = frozenset()
    run_model_types: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Margins:
    default_pct: int
    gpu_pct: int

    def for_line(self, category: str) -> int:
        # The spec's gpu_margin_pct prices "Vertex AI / GPU costs": every
        # Vertex AI line (the Training category), GPU and CPU alike.
        return self.gpu_pct if category == TRAINING else self.default_pct


@dataclass
class UnknownServices:
    """Services the category map does not know, logged once per run."""

    seen: set[str] = field(default_factory=set)

    def note(self, service: str, day: date) -> None:
        if service in self.seen:
            return
        self.seen.add(service)
        log.warning(
            "billing service %r is not in the category map; its costs are "
            "filed under System (first seen on %s). Add it to CATEGORY_MAP in "
            "recs_shared/categories.py if it belongs elsewhere.",
            service,
            day,
        )


def build_event(
    day: date,
    rows: Iterable[CostRow],
    *,
    client_project_id: str,
    margins: Margins,
    platform: Platform,
    collected_at: datetime,
    settle: timedelta,
    unknown: UnknownServices,
) -> dict[str, Any]:
    """The day's billing.snapshot (Python values, as events.encode takes them)."""
    rows = list(rows)
    services: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    tax = Decimal(0)

    for row in rows:
        if row.cost_type == TAX:
            tax += row.net_cost
            continue
        service = row.service_name or "(no service)"
        classified = classify(
            service,
            sku_description=row.sku_description,
            resource_name=row.resource_name,
            endpoint_services=platform.endpoint_services,
        )
        if not classified.known:
            unknown.note(service, day)
        services[(classified.category, classified.service)] += row.net_cost

    lines = [
        {"category": category, "service": service, **_figures(cost, margins, category)}
        for (category, service), cost in sorted(
            services.items(), key=lambda item: (CATEGORIES.index(item[0][0]), item[0])
        )
    ]
    return {
        "event_type": BILLING,
        "schema_version": 1,
        "snapshot_date": day,
        "collected_at": collected_at,
        "client_project_id": client_project_id,
        "currency": CURRENCY,
        "export_time_max": max(
            (row.export_time_max for row in rows if row.export_time_max),
            default=None,
        ),
        "provisional": is_provisional(day, collected_at, settle),
        "lines": lines,
        "tax_cost": _plain(tax),
        "training_runs": _training_runs(rows, margins, platform),
    }


def is_provisional(day: date, collected_at: datetime, settle: timedelta) -> bool:
    """A day is provisional until the settle window after its end has passed."""
    day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
    return collected_at < day_end + settle


def _training_runs(
    rows: list[CostRow], margins: Margins, platform: Platform
) -> list[dict[str, Any]]:
    costs: dict[str, Decimal] = defaultdict(Decimal)
    labelled_types: dict[str, str] = {}

    for row in rows:
        if row.cost_type == TAX or row.service_name != VERTEX_AI:
            continue
        if not row.training_run_id:
            continue
        costs[row.training_run_id] += row.net_cost
        if row.model_type in LABELLED_MODEL_TYPES:
            labelled_types.setdefault(row.training_run_id, row.model_type)

    return [
        {
            "training_run_id": run_id,
            "model_type": labelled_types.get(run_id)
            or platform.run_model_types.get(run_id)
            or UNKNOWN_MODEL_TYPE,
            **_figures(cost, margins, TRAINING),
        }
        for run_id, cost in sorted(costs.items())
    ]


def _figures(gcp_cost: Decimal, margins: Margins, category: str) -> dict[str, Any]:
    """gcp_cost, margin_pct (frozen now), platform_fee and total_cost, exact."""
    cost = _plain(gcp_cost)
    margin = margins.for_line(category)
    fee = _plain(cost * margin / 100)
    return {
        "gcp_cost": cost,
        "margin_pct": margin,
        "platform_fee": fee,
        "total_cost": _plain(cost + fee),
    }


def _plain(amount: Decimal) -> Decimal:
    """Without trailing zeros (NUMERIC comes back with nine decimals)."""
    normalized = amount.normalize()
    return normalized if normalized != 0 else Decimal(0)
