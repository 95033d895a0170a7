"""GET /api/system/billing/summary/, /charts/ and /invoice/ (docs/api.md).

Each reads BillingConfig and the read models of the months it shows (see
``reading``) and answers through a whitelist schema (``responses``). With
nothing stored, every dataset is empty and every amount zero.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, jsonify
from marshmallow import Schema

from dashboard_api.api_docs import documented, errors
from dashboard_api.billing import charts, estimate, invoice, reading, responses
from dashboard_api.billing.reading import BillingView
from dashboard_api.kept_answers import kept
from recs_shared.money import to_cents

TREND_MONTHS = 6

blueprint = Blueprint("billing", __name__, url_prefix="/api/system/billing")


@blueprint.record_once
def _install_clock(state) -> None:
    # Tests replace app.extensions["clock"] to pin "now".
    state.app.extensions.setdefault("clock", lambda: datetime.now(UTC))


@blueprint.get("/summary/")
@kept
@documented(
    "The month so far: spend, estimate, license, budget",
    {200: responses.SUMMARY, **errors(503)},
)
def summary():
    view = _load()
    bill = invoice.build(_services(view), view.config)
    guess = estimate.estimate(view.month, bill.usage, view.recent_days())
    budget = to_cents(view.config["monthly_budget"])

    data = {
        "currency": view.config["display_currency"],
        "period": _period(view),
        "period_elapsed_pct": view.month.elapsed_pct(view.now),
        "spent_to_date": bill.usage,
        "estimated_total": bill.license.total + guess.projected,
        "estimate_method": estimate.METHOD,
        "license": _license_badge(bill.license),
        "budget": {
            "amount": budget,
            "spent": bill.usage,
            "spent_pct": estimate.percent(bill.usage, budget),
            "projected": guess.projected,
            "projected_pct": estimate.percent(guess.projected, budget),
            "pace": estimate.pace(guess.projected, budget),
        },
    }
    return _answer(responses.SUMMARY, data, view)


@blueprint.get("/charts/")
@kept
@documented("The four billing charts", {200: responses.CHARTS, **errors(503)})
def chart_datasets():
    view = _load(TREND_MONTHS)
    months = view.month.back(TREND_MONTHS)

    data = {
        "currency": view.config["display_currency"],
        "daily_spend": charts.daily_spend(view.read_model(view.month)),
        "cost_breakdown": charts.cost_breakdown(view.read_model(view.month)),
        "monthly_trend": charts.monthly_trend(months, view.read_models),
        "cost_per_training": charts.cost_per_training(
            view.read_models[month.key]
            for month in months
            if month.key in view.read_models
        ),
    }
    return _answer(responses.CHARTS, data, view)


@blueprint.get("/invoice/")
@kept
@documented("The invoice preview of the month", {200: responses.INVOICE, **errors(503)})
def invoice_preview():
    view = _load()
    bill = invoice.build(_services(view), view.config)

    data = {
        "currency": view.config["display_currency"],
        "period": _period(view),
        "rows": invoice.rows(bill),
        "subtotal": bill.subtotal,
        "grand_total": bill.grand_total,
        "vat_pct": bill.vat_pct,
        "vat": bill.vat,
        "total_due": bill.total_due,
    }
    return _answer(responses.INVOICE, data, view)


def _load(months: int = 2) -> BillingView:
    now = current_app.extensions["clock"]()
    return reading.load(current_app.extensions["store"], now, months)


def _services(view: BillingView) -> list[dict[str, Any]]:
    return (view.read_model(view.month) or {}).get("services", [])


def _period(view: BillingView) -> dict[str, Any]:
    month = view.month
    return {"start": month.first, "end": month.last, "label": month.label()}


def _license_badge(line: invoice.LicenseLine) -> dict[str, Any]:
    return {
        "fee": line.fee,
        "discount_pct": line.discount_pct,
        "total": line.total,
        "discounted": line.discounted,
    }


def _answer(schema: Schema, data: dict[str, Any], view: BillingView):
    body = {"success": True, "data": data, "freshness": view.freshness}
    return jsonify(schema.dump(body))
