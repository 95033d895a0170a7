"""BillingConfig: the singleton that prices the platform for its client.

It lives in the store (collection ``billing_config``, document ``singleton``).
dashboard-api owns it (admin endpoint and CLI); the billing collector reads
it for the margins and the export table. Until someone saves one, the
defaults below apply.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from recs_shared.events.fields import Count, Money, StrictString, Timestamp
from recs_shared.store import DocumentStore

COLLECTION = "billing_config"
DOCUMENT = "singleton"

DEFAULTS: dict[str, Any] = {
    "license_fee": Decimal("1900.00"),
    "license_discount_pct": 100,
    "default_margin_pct": 100,
    "gpu_margin_pct": 100,
    "billing_export_project": "b2b-recs",
    "billing_export_dataset": "billing_export",
    "billing_export_table": "gcp_billing_export_resource_v1_0155F9_5165FE_BBC88A",
    "client_project_id": "b2b-recs",
    "display_currency": "EUR",
    "usd_to_display_rate": Decimal("0.92"),
    "monthly_budget": Decimal("920.00"),
    "vat_pct": Decimal("20"),
    "updated_at": None,
}


# Google Cloud project ids (optionally domain-scoped) and BigQuery dataset
# and table names: the query names them, so anything else is refused here
# rather than failing the next collection.
PROJECT_ID = validate.Regexp(
    r"^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$",
    error="Not a Google Cloud project id (6-30 lowercase letters, digits, -).",
)
BIGQUERY_NAME = validate.Regexp(
    r"^[A-Za-z0-9_]{1,1024}$",
    error="Not a BigQuery dataset or table name (letters, digits, _).",
)
# A margin above 1000% is a typing error, not a price.
MAX_MARGIN_PCT = 1000


class StoredBillingConfig(Schema):
    """Every field of the spec's BillingConfig, plus monthly budget and VAT,
    as a saved config may hold them: the rules of the first version, so a
    config saved then still loads (BillingConfigSchema checks changes)."""

    class Meta:
        unknown = RAISE

    # Monthly licence fee, already in the display currency.
    license_fee = Money(required=True)
    license_discount_pct = Count(required=True, validate=validate.Range(max=100))
    default_margin_pct = Count(required=True)
    gpu_margin_pct = Count(required=True)
    billing_export_project = StrictString(required=True)
    billing_export_dataset = StrictString(required=True)
    billing_export_table = StrictString(required=True)
    client_project_id = StrictString(required=True)
    display_currency = fields.String(
        required=True, validate=validate.Regexp(r"^[A-Z]{3}$", error="ISO 4217 code")
    )
    # 1 USD = usd_to_display_rate units of the display currency.
    usd_to_display_rate = Money(required=True)
    monthly_budget = Money(required=True)
    vat_pct = Money(required=True)
    updated_at = Timestamp(load_default=None, allow_none=True)

    @validates("license_fee", "monthly_budget")
    def not_negative(self, value: Decimal, data_key: str) -> None:
        if value < 0:
            raise ValidationError("Must be 0 or more.")

    @validates("usd_to_display_rate")
    def positive_rate(self, value: Decimal, data_key: str) -> None:
        if value <= 0:
            raise ValidationError("The exchange rate must be more than 0.")

    @validates("vat_pct")
    def percentage(self, value: Decimal, data_key: str) -> None:
        if not 0 <= value <= 100:
            raise ValidationError("Must be between 0 and 100.")


class BillingConfigSchema(StoredBillingConfig):
    """What a change must satisfy: the stored rules and the newer ones. A
    config saved before them loads, and is held to them at its next change
    (the refusal names the field to fix)."""

    default_margin_pct = Count(
        required=True, validate=validate.Range(max=MAX_MARGIN_PCT)
    )
    gpu_margin_pct = Count(required=True, validate=validate.Range(max=MAX_MARGIN_PCT))
    billing_export_project = StrictString(required=True, validate=PROJECT_ID)
    billing_export_dataset = StrictString(required=True, validate=BIGQUERY_NAME)
    billing_export_table = StrictString(required=True, validate=BIGQUERY_NAME)
    client_project_id = StrictString(required=True, validate=PROJECT_ID)
    # The page, the invoice and the house format are euro only: another code
    # would relabel the amounts while the page still showed "€".
    display_currency = fields.String(
        required=True,
        validate=validate.Equal(
            "EUR", error="Only EUR: the page and the invoice show euros only."
        ),
    )

    @validates("vat_pct")
    def two_places(self, value: Decimal, data_key: str) -> None:
        # Rates are set in law with a decimal or two (5.5, 8.1); more is a
        # typing error, and the invoice could not show it as entered.
        if -value.as_tuple().exponent > 2:
            raise ValidationError("At most 2 decimal places, such as 20 or 5.5.")


# Built once: every billing page load reads the config, and building the
# schema costs more than loading a document with it.
_SCHEMA = StoredBillingConfig()
_DUMPED_DEFAULTS = _SCHEMA.dump(DEFAULTS)


def load(store: DocumentStore) -> dict[str, Any]:
    """The saved config (Python values), or the defaults when none is saved."""
    stored = store.get(COLLECTION, DOCUMENT)
    if stored is None:
        return dict(DEFAULTS)
    return _SCHEMA.load({**_DUMPED_DEFAULTS, **stored})
