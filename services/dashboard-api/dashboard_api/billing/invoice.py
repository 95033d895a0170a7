"""The invoice: rows, subtotal, VAT and total due, in the display currency.

Each service's month total is rounded half-up to cents once; every other
figure is a sum of rounded figures shown above it, so the rows always add
up to the totals. VAT is computed once, on the grand total (never summed
from per-row VAT, which could differ by a cent).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from recs_shared.categories import CATEGORIES
from recs_shared.money import ZERO, to_cents


@dataclass(frozen=True)
class ServiceLine:
    label: str
    total: Decimal


@dataclass(frozen=True)
class CategoryLine:
    label: str
    services: tuple[ServiceLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((service.total for service in self.services), ZERO)


@dataclass(frozen=True)
class LicenseLine:
    fee: Decimal
    discount_pct: int
    total: Decimal

    @property
    def discounted(self) -> bool:
        return self.discount_pct > 0


@dataclass(frozen=True)
class Invoice:
    license: LicenseLine
    categories: tuple[CategoryLine, ...]
    vat_pct: Decimal

    @property
    def usage(self) -> Decimal:
        """What the month's services cost, before the licence and VAT."""
        return sum((category.total for category in self.categories), ZERO)

    @property
    def subtotal(self) -> Decimal:
        return self.license.total + self.usage

    @property
    def grand_total(self) -> Decimal:
        # The spec shows both rows; nothing is charged between them today.
        return self.subtotal

    @property
    def vat(self) -> Decimal:
        return to_cents(self.grand_total * self.vat_pct / 100)

    @property
    def total_due(self) -> Decimal:
        return self.grand_total + self.vat


def license_line(fee: Decimal, discount_pct: int) -> LicenseLine:
    fee = to_cents(fee)
    total = to_cents(fee * (100 - discount_pct) / 100)
    return LicenseLine(fee, discount_pct, total)


def category_lines(services: Iterable[Mapping[str, Any]]) -> tuple[CategoryLine, ...]:
    """Rows from a read model's ``services``: categories in the house order,
    their services by total (largest first), each total rounded once."""
    grouped: dict[str, list[ServiceLine]] = defaultdict(list)
    for item in services:
        total = to_cents(Decimal(item["amount"]))
        grouped[item["category"]].append(ServiceLine(item["service"], total))

    return tuple(
        CategoryLine(
            category,
            tuple(sorted(grouped[category], key=lambda s: (-s.total, s.label))),
        )
        for category in CATEGORIES
        if category in grouped
    )


def category_totals(services: Iterable[Mapping[str, Any]]) -> dict[str, Decimal]:
    """Each category's total as the invoice shows it (0 when it has none)."""
    totals = {category: ZERO for category in CATEGORIES}
    for line in category_lines(services):
        totals[line.label] = line.total
    return totals


def rows(bill: Invoice) -> list[dict[str, Any]]:
    """The invoice table's rows as docs/api.md shows them: the licence, then
    each category with its services."""
    license_row = {
        "kind": "license",
        "label": "License",
        "costs": bill.license.fee,
        "discount_pct": bill.license.discount_pct,
        "total": bill.license.total,
    }
    category_rows = [
        {
            "kind": "category",
            "label": category.label,
            "costs": category.total,
            "total": category.total,
            "services": [
                {"label": s.label, "costs": s.total, "total": s.total}
                for s in category.services
            ],
        }
        for category in bill.categories
    ]
    return [license_row, *category_rows]


def build(services: Iterable[Mapping[str, Any]], config: Mapping[str, Any]) -> Invoice:
    """The month's invoice from its read model's services and BillingConfig."""
    return Invoice(
        license_line(config["license_fee"], config["license_discount_pct"]),
        category_lines(services),
        Decimal(config["vat_pct"]),
    )
