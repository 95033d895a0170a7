"""The billing responses' shapes: explicit whitelists, one schema per object.

Every client response is dumped through these schemas, so only the fields
declared here can leave the service; an internal figure (gcp_cost, margin,
platform fee) passed by mistake is dropped, never sent. docs/api.md shows
the same shapes; /openapi.json is generated from these classes.
"""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, fields

from recs_shared.billing_config import BillingConfigSchema
from recs_shared.events.fields import Timestamp, UTCDay
from recs_shared.money import decimal_string, to_cents


class Cents(fields.Field):
    """An amount shown to the client: a decimal string of cents, ``"1900.00"``."""

    def __init__(self, **kwargs) -> None:
        # Described for the OpenAPI document (apispec reads this metadata).
        metadata = {
            "type": "string",
            "pattern": r"^-?\d+\.\d{2}$",
            "example": "1900.00",
        }
        metadata.update(kwargs.pop("metadata", {}))
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return cents(value)


class Percent(fields.Field):
    """A percentage as a JSON number: ``20`` or ``20.5``."""

    def __init__(self, **kwargs) -> None:
        metadata = {"type": "number", "example": 20}
        metadata.update(kwargs.pop("metadata", {}))
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)


class Amounts(fields.List):
    """A chart series of amounts (cents strings), None where nothing was
    collected. Serialised in one pass: series are the bulk of a response."""

    def __init__(self, **kwargs) -> None:
        super().__init__(Cents(allow_none=True), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else [cents(item) for item in value]


def cents(value) -> str | None:
    if value is None:
        return None
    return decimal_string(to_cents(Decimal(value)))


class FailedCollector(Schema):
    collector = fields.String()
    error = fields.String()


class Freshness(Schema):
    source = fields.String()
    snapshot_date = UTCDay(allow_none=True)
    collected_at = Timestamp(allow_none=True)
    status = fields.String()
    failed_collectors = fields.List(fields.Nested(FailedCollector))
    provisional_days = fields.List(UTCDay())


class Period(Schema):
    start = UTCDay()
    end = UTCDay()
    label = fields.String()


# --- summary ----------------------------------------------------------------


class License(Schema):
    fee = Cents()
    discount_pct = fields.Integer()
    total = Cents()
    discounted = fields.Boolean()


class Budget(Schema):
    amount = Cents()
    spent = Cents()
    spent_pct = fields.Float(allow_none=True)
    projected = Cents()
    projected_pct = fields.Float(allow_none=True)
    pace = fields.String()


class SummaryData(Schema):
    currency = fields.String()
    period = fields.Nested(Period)
    period_elapsed_pct = fields.Float()
    spent_to_date = Cents()
    estimated_total = Cents()
    estimate_method = fields.String()
    license = fields.Nested(License)
    budget = fields.Nested(Budget)


class SummaryResponse(Schema):
    success = fields.Boolean()
    data = fields.Nested(SummaryData)
    freshness = fields.Nested(Freshness)


# --- charts -----------------------------------------------------------------


class CategorySeries(Schema):
    Data = Amounts()
    Training = Amounts()
    Inference = Amounts()
    System = Amounts()


class CategoryChart(Schema):
    labels = fields.List(fields.String())
    datasets = fields.Nested(CategorySeries)


class CostBreakdown(Schema):
    labels = fields.List(fields.String())
    values = Amounts()
    total = Cents()


class CostPerTraining(Schema):
    labels = fields.List(fields.String())
    values = Amounts()
    model_types = fields.List(fields.String())
    dates = fields.List(fields.String())


class ChartsData(Schema):
    currency = fields.String()
    daily_spend = fields.Nested(CategoryChart)
    cost_breakdown = fields.Nested(CostBreakdown)
    monthly_trend = fields.Nested(CategoryChart)
    cost_per_training = fields.Nested(CostPerTraining)


class ChartsResponse(Schema):
    success = fields.Boolean()
    data = fields.Nested(ChartsData)
    freshness = fields.Nested(Freshness)


# --- invoice ----------------------------------------------------------------


class ServiceRow(Schema):
    label = fields.String()
    costs = Cents()
    total = Cents()


class InvoiceRow(Schema):
    """``kind`` license (with ``discount_pct``) or category (with ``services``)."""

    kind = fields.String()
    label = fields.String()
    costs = Cents()
    discount_pct = fields.Integer()
    total = Cents()
    services = fields.List(fields.Nested(ServiceRow))


class InvoiceData(Schema):
    currency = fields.String()
    period = fields.Nested(Period)
    rows = fields.List(fields.Nested(InvoiceRow))
    subtotal = Cents()
    grand_total = Cents()
    vat_pct = Percent()
    vat = Cents()
    total_due = Cents()


class InvoiceResponse(Schema):
    success = fields.Boolean()
    data = fields.Nested(InvoiceData)
    freshness = fields.Nested(Freshness)


# Instances are reused: building a schema (and its nested ones) costs more
# than dumping a response with it, and dumping keeps no state.
SUMMARY = SummaryResponse()
CHARTS = ChartsResponse()
INVOICE = InvoiceResponse()


# --- admin ------------------------------------------------------------------


class BillingConfigResponse(Schema):
    success = fields.Boolean()
    data = fields.Nested(BillingConfigSchema)


BILLING_CONFIG = BillingConfigResponse()
