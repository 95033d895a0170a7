"""BillingConfig through the admin endpoint and the CLI: read, change, refuse."""

from __future__ import annotations

import json

import pytest

from dashboard_api.app import create_app
from dashboard_api.billing import config_cli
from recs_shared import billing_config
from web_app.proxy import is_forwarded

PATH = "/api/admin/billing-config/"
DEFAULTS = {
    "license_fee": "1900.00",
    "license_discount_pct": 100,
    "default_margin_pct": 100,
    "gpu_margin_pct": 100,
    "billing_export_project": "b2b-recs",
    "billing_export_dataset": "billing_export",
    "billing_export_table": "gcp_billing_export_resource_v1_0155F9_5165FE_BBC88A",
    "client_project_id": "b2b-recs",
    "display_currency": "EUR",
    "usd_to_display_rate": "0.92",
    "monthly_budget": "920.00",
    "vat_pct": "20",
    "updated_at": None,
}


@pytest.fixture
def client(api_settings, sqlite_store):
    return create_app(api_settings, sqlite_store).test_client()


def test_the_defaults_apply_until_a_config_is_saved(client):
    response = client.get(PATH)

    assert response.status_code == 200
    assert response.json == {"success": True, "data": DEFAULTS}


def test_a_change_replaces_the_fields_sent_and_keeps_the_others(client, sqlite_store):
    response = client.put(
        PATH, json={"usd_to_display_rate": "0.93", "license_discount_pct": 50}
    )

    assert response.status_code == 200
    saved = response.json["data"]
    assert saved["updated_at"] is not None
    expected = {
        **DEFAULTS,
        "usd_to_display_rate": "0.93",
        "license_discount_pct": 50,
        "updated_at": saved["updated_at"],
    }
    assert saved == expected
    assert client.get(PATH).json["data"] == expected
    assert str(billing_config.load(sqlite_store)["usd_to_display_rate"]) == "0.93"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"license_discount_pct": 101}, "license_discount_pct", "less than or equal"),
        ({"license_discount_pct": -1}, "license_discount_pct", "Must be 0 or more"),
        ({"vat_pct": "100.5"}, "vat_pct", "Must be between 0 and 100."),
        ({"vat_pct": "-1"}, "vat_pct", "Must be between 0 and 100."),
        ({"vat_pct": "20.125"}, "vat_pct", "At most 2 decimal places"),
        ({"default_margin_pct": -5}, "default_margin_pct", "Must be 0 or more"),
        ({"gpu_margin_pct": 1.5}, "gpu_margin_pct", "Not a valid integer."),
        ({"usd_to_display_rate": "0"}, "usd_to_display_rate", "must be more than 0"),
        ({"usd_to_display_rate": 0.93}, "usd_to_display_rate", "decimal string"),
        ({"monthly_budget": "-1"}, "monthly_budget", "Must be 0 or more."),
        ({"display_currency": "euro"}, "display_currency", "Only EUR"),
        ({"display_currency": "USD"}, "display_currency", "Only EUR"),
        ({"client_project_id": " "}, "client_project_id", "Must not be empty."),
        ({"client_project_id": "my project"}, "client_project_id", "project id"),
        ({"billing_export_table": "x`; DROP"}, "billing_export_table", "BigQuery"),
        ({"gpu_margin_pct": 5000}, "gpu_margin_pct", "less than or equal"),
        ({"default_margin_pct": 10**40}, "default_margin_pct", "64-bit"),
        ({"license_fee": "9" * 40}, "license_fee", "digits before the decimal point"),
        ({"colour": "blue"}, "colour", "Unknown field."),
        ({"updated_at": "2026-01-01T00:00:00+00:00"}, "updated_at", "Set by the"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_changes(
    client, sqlite_store, body, field, message
):
    client.put(PATH, json={"monthly_budget": "1000.00"})
    before = sqlite_store.get(billing_config.COLLECTION, billing_config.DOCUMENT)

    # A valid field beside the bad one is not saved either.
    response = client.put(PATH, json={"vat_pct": "19", **body})

    assert response.status_code == 400
    assert response.json["success"] is False
    assert response.json["error"].startswith("billing config not changed: ")
    assert field in response.json["error"]
    assert any(message in m for m in response.json["fields"][field])
    after = sqlite_store.get(billing_config.COLLECTION, billing_config.DOCUMENT)
    assert after == before


@pytest.mark.parametrize("body", ["not json", "[1, 2]", "{}"])
def test_a_body_that_is_not_an_object_of_changes_is_refused(client, body):
    response = client.put(PATH, data=body, content_type="application/json")

    assert response.status_code == 400
    assert "send a JSON object with the fields to change" in response.json["error"]
    assert client.get(PATH).json["data"] == DEFAULTS


def test_the_page_cannot_reach_the_admin_endpoint_through_web():
    assert not is_forwarded("GET", PATH)
    assert not is_forwarded("PUT", PATH)


def test_the_cli_shows_and_changes_the_config(sqlite_store, capsys):
    assert config_cli.main(["show"], sqlite_store) == 0
    assert json.loads(capsys.readouterr().out) == DEFAULTS

    argv = ["set", "vat_pct=21", "license_discount_pct=0", "license_fee=2000.00"]
    assert config_cli.main(argv, sqlite_store) == 0

    shown = json.loads(capsys.readouterr().out)
    assert (shown["vat_pct"], shown["license_discount_pct"]) == ("21", 0)
    assert shown["license_fee"] == "2000.00"
    saved = billing_config.load(sqlite_store)
    assert (str(saved["vat_pct"]), saved["license_discount_pct"]) == ("21", 0)


@pytest.mark.parametrize(
    ("argv", "fault"),
    [
        (["set", "vat_pct=120"], "vat_pct: Must be between 0 and 100."),
        (["set", "gpu_margin_pct=lots"], "gpu_margin_pct: Not a valid integer."),
        (["set", "vat_pct"], "'vat_pct': write name=value"),
        (["set", "vat_pct=19", "rate=1"], "rate: Unknown field."),
    ],
)
def test_the_cli_refuses_a_bad_change_and_saves_nothing(
    sqlite_store, capsys, argv, fault
):
    assert config_cli.main(argv, sqlite_store) == 2

    assert fault in capsys.readouterr().err
    assert sqlite_store.get(billing_config.COLLECTION, billing_config.DOCUMENT) is None


def test_an_older_saved_config_loads_and_meets_the_new_rules_at_its_next_change(
    client, sqlite_store
):
    # Saved by a version that took any display currency and any margin.
    saved = {
        **billing_config.StoredBillingConfig().dump(billing_config.DEFAULTS),
        "display_currency": "USD",
        "gpu_margin_pct": 5000,
    }
    sqlite_store.put(billing_config.COLLECTION, billing_config.DOCUMENT, saved)

    assert client.get(PATH).status_code == 200
    assert billing_config.load(sqlite_store)["display_currency"] == "USD"
    refused = client.put(PATH, json={"vat_pct": "19"})
    assert refused.status_code == 400
    assert set(refused.json["fields"]) == {"display_currency", "gpu_margin_pct"}
    fixed = client.put(
        PATH, json={"display_currency": "EUR", "gpu_margin_pct": 100, "vat_pct": "19"}
    )
    assert fixed.status_code == 200
