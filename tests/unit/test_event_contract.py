"""The published event contract: JSON Schemas in step with the marshmallow ones."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from recs_shared.events import SCHEMAS, EventError, decode, encode
from recs_shared.events.jsonschema import file_name, render
from tests.support import events

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events"


@pytest.mark.parametrize(("event_type", "version"), sorted(SCHEMAS))
def test_the_committed_json_schema_is_what_the_code_generates(event_type, version):
    committed = (DOCS / file_name(event_type, version)).read_text()

    assert committed == render(event_type, version), (
        "docs/events is stale: run python -m recs_shared.events.jsonschema docs/events"
    )


@pytest.mark.parametrize("event", [events.billing(), events.resource_metrics()])
def test_a_valid_event_passes_both_schemas(event):
    data, _ = encode(event)
    payload = json.loads(data)
    schema = json.loads((DOCS / file_name(event["event_type"], 1)).read_text())

    jsonschema.validate(payload, schema)
    assert decode(data) == event


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        (lambda p: p.update(extra=1), "extra: Unknown field"),
        (
            lambda p: p["lines"][0].update(gcp_cost=1.5),
            "Money must be a decimal string",
        ),
        (lambda p: p["lines"][0].update(gcp_cost="1e3"), "Not a decimal string"),
        (lambda p: p["lines"][0].update(gcp_cost="١٢"), "Not a decimal string"),
        (
            lambda p: p.update(tax_cost="1" + "0" * 30),
            "digits before the decimal point",
        ),
        (lambda p: p.update(tax_cost="0." + "1" * 19), "decimal places"),
        (lambda p: p["lines"][0].update(margin_pct=2**64), "64-bit"),
        (lambda p: p["lines"][0].update(margin_pct=-5), "Must be 0 or more"),
        (lambda p: p.update(provisional="false"), "Not a boolean"),
        (lambda p: p.update(collected_at="2026-12-01T05:00:00"), "with offset"),
        (lambda p: p.update(currency="EUR"), "currency"),
        (lambda p: p["lines"][0].update(category="Misc"), "lines.0.category"),
        (lambda p: p.pop("lines"), "lines: Missing data"),
    ],
)
def test_both_schemas_refuse_the_same_bad_billing_events(change, fault):
    payload = json.loads(encode(events.billing())[0])
    change(payload)
    schema = json.loads((DOCS / file_name("billing.snapshot", 1)).read_text())

    with pytest.raises(EventError, match=fault):
        decode(json.dumps(payload).encode())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(payload, schema, format_checker=jsonschema.FormatChecker())


def test_a_repeated_billing_line_is_refused():
    line = events.billing_line("Data", "BigQuery", "1")

    with pytest.raises(EventError, match="repeated line"):
        encode(events.billing(lines=[line, line]))


def test_fees_that_do_not_follow_from_the_margin_are_refused():
    line = events.billing_line("Data", "BigQuery", "10", margin_pct=50)
    line["platform_fee"] = line["platform_fee"] + 1

    with pytest.raises(EventError, match="platform_fee 6 is not gcp_cost"):
        encode(events.billing(lines=[line]))


def test_partial_status_needs_the_failed_collectors():
    with pytest.raises(EventError, match="needs at least one collection_errors"):
        encode(events.resource_metrics(status="partial"))


def test_a_failed_collector_leaves_its_fields_null():
    event = events.resource_metrics(
        status="partial",
        collection_errors=[{"collector": "cloud_storage", "error": "403 Forbidden"}],
        gcs_total_bytes=None,
        gcs_bucket_details=None,
    )

    assert decode(encode(event)[0]) == event


def test_estimated_fields_must_name_real_fields():
    for name in ("gcs", "status", "snapshot_date"):
        with pytest.raises(EventError, match=f"can be estimated, not: {name}"):
            encode(events.resource_metrics(estimated_fields=[name]))


def test_the_example_message_of_the_subscribers_document_decodes():
    # docs/events.md is what other teams copy: its example must stay valid.
    text = (DOCS.parent / "events.md").read_text()
    example = text.split("## Example message", 1)[1]
    attributes_json, data_json = re.findall(r"```json\n(.*?)```", example, re.S)[:2]

    event = decode(data_json.encode(), json.loads(attributes_json))

    assert event["snapshot_date"] == date(2026, 12, 2)
    assert [line["total_cost"] for line in event["lines"]] == [
        Decimal("2.469134"),
        Decimal("8.75"),
    ]


def test_a_day_cannot_be_collected_before_it_begins():
    event = events.billing(
        day=date(2026, 12, 25), collected_at=datetime(2026, 12, 3, 5, tzinfo=UTC)
    )

    with pytest.raises(EventError, match="later than the day it was collected"):
        encode(event)


@pytest.mark.parametrize(
    ("changes", "fault"),
    [
        ({"bq_total_bytes": None}, "bq_total_bytes is null but bigquery_storage"),
        (
            {
                "status": "partial",
                "collection_errors": [{"collector": "bigquery_jobs", "error": "x"}],
            },
            "bigquery_jobs is listed as failed but bq_jobs_completed has a value",
        ),
    ],
)
def test_figures_and_collection_errors_must_agree(changes, fault):
    with pytest.raises(EventError, match=fault):
        encode(events.resource_metrics(**changes))


def test_many_billing_lines_validate_in_linear_time():
    lines = [events.billing_line("Data", f"service {n}", "1") for n in range(20_000)]
    lines.append(lines[7])

    # Quadratic repeat checks took minutes here and tied up a worker.
    with pytest.raises(EventError, match=r"repeated line.*Data/service 7"):
        encode(events.billing(lines=lines))
