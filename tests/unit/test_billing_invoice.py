"""The invoice's arithmetic: rows add up, VAT once, discount 0-100%."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from dashboard_api.billing import invoice
from dashboard_api.billing.responses import InvoiceRow
from recs_shared.categories import CATEGORIES
from recs_shared.money import to_cents

CENTS = Decimal("0.01")

# Unrounded display amounts as read models hold them: up to 8 decimals,
# credits may make a service negative.
amounts = st.decimals(
    min_value=Decimal("-50"), max_value=Decimal("100000"), places=8, allow_nan=False
)
services = st.dictionaries(
    st.tuples(st.sampled_from(CATEGORIES), st.sampled_from("ABCDEFG")),
    amounts,
    max_size=20,
).map(
    lambda d: [
        {"category": c, "service": s, "amount": str(a)} for (c, s), a in d.items()
    ]
)
fees = st.decimals(min_value=0, max_value=Decimal("10000"), places=2)
discounts = st.integers(min_value=0, max_value=100)
vat_rates = st.decimals(min_value=0, max_value=100, places=2)


def config(fee, discount, vat):
    return {"license_fee": fee, "license_discount_pct": discount, "vat_pct": vat}


@given(services, fees, discounts, vat_rates)
def test_every_shown_total_is_the_sum_of_the_rows_shown_above_it(
    items, fee, discount, vat
):
    bill = invoice.build(items, config(fee, discount, vat))
    rows = [InvoiceRow().dump(row) for row in invoice.rows(bill)]

    # Each service is its month amount rounded once, as the test computes it.
    expected = defaultdict(dict)
    for item in items:
        expected[item["category"]][item["service"]] = to_cents(Decimal(item["amount"]))
    shown = {
        row["label"]: {s["label"]: Decimal(s["total"]) for s in row["services"]}
        for row in rows[1:]
    }
    assert shown == expected

    # What the page shows (decimal strings) adds up, row by row.
    for row in rows[1:]:
        assert Decimal(row["total"]) == sum(
            Decimal(s["total"]) for s in row["services"]
        )
        assert row["costs"] == row["total"]
    usage = sum(Decimal(row["total"]) for row in rows[1:])
    assert bill.subtotal == Decimal(rows[0]["total"]) + usage
    assert bill.grand_total == bill.subtotal
    assert bill.total_due == bill.grand_total + bill.vat
    for figure in (bill.subtotal, bill.grand_total, bill.vat, bill.total_due):
        assert figure == figure.quantize(CENTS)


@given(services, fees, discounts, vat_rates)
def test_vat_is_computed_once_on_the_grand_total(items, fee, discount, vat):
    bill = invoice.build(items, config(fee, discount, vat))

    # From the displayed grand total, rounded half-up by hand (not through
    # the code's own helper): VAT is the rate of what is shown, once.
    shown = Decimal(str(bill.grand_total))
    exact = shown * Decimal(vat) / Decimal(100)
    assert bill.vat == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_vat_once_differs_from_adding_each_rows_vat():
    # Three rows of 0.05 at 10%: each row's VAT rounds to 0.01 (0.03 in all),
    # the VAT of 0.15 is 0.015, which rounds to 0.02.
    items = [{"category": "Data", "service": s, "amount": "0.05"} for s in "ABC"]
    bill = invoice.build(items, config(Decimal(0), 100, Decimal(10)))

    assert bill.vat == Decimal("0.02")


@given(fees, discounts)
def test_the_licence_discount_runs_from_none_to_all_of_the_fee(fee, discount):
    line = invoice.license_line(fee, discount)

    assert line.fee == to_cents(fee)
    assert line.total == to_cents(fee * (100 - discount) / 100)
    assert 0 <= line.total <= line.fee
    assert line.discounted == (discount > 0)


def test_the_licence_at_the_ends_of_the_discount_range():
    assert invoice.license_line(Decimal("1900"), 100).total == Decimal("0.00")
    assert invoice.license_line(Decimal("1900"), 0).total == Decimal("1900.00")
    assert invoice.license_line(Decimal("1900.00"), 33).total == Decimal("1273.00")


def test_categories_come_in_the_house_order_and_services_largest_first():
    items = [
        {"category": "System", "service": "Cloud Scheduler", "amount": "1"},
        {"category": "Data", "service": "BigQuery", "amount": "23"},
        {"category": "Data", "service": "Cloud SQL", "amount": "82.8"},
        {"category": "Data", "service": "Cloud Storage", "amount": "23"},
    ]

    lines = invoice.category_lines(items)

    assert [line.label for line in lines] == ["Data", "System"]
    assert [s.label for s in lines[0].services] == [
        "Cloud SQL",
        "BigQuery",
        "Cloud Storage",
    ]
