"""The BigQuery export source, through google-cloud-bigquery, against a
loopback server answering in BigQuery's REST shapes (tests/support)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

from billing_collector.bigquery_source import BigQuerySource
from billing_collector.export_source import ExportUnavailable
from billing_collector.query import CostRow, QueryError, Window, sql_text
from tests.support.bigquery_rest import FakeBigQuery
from tests.support.servers import LoopbackServer

TABLE = ("b2b-recs", "billing_export", "gcp_billing_export_resource_v1_0155F9")
DAY = date(2026, 11, 30)
EXPORTED = datetime(2026, 12, 1, 3, 12, 9, 431000, tzinfo=UTC)


@pytest.fixture
def fake():
    fake = FakeBigQuery(project="recs-platform")
    with LoopbackServer(fake.app) as server:
        fake.url = server.url
        yield fake


def _source(fake, page_size=None, maximum_bytes_billed=5_000_000_000):
    client = bigquery.Client(
        project="recs-platform",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": fake.url},
    )
    return BigQuerySource(client, maximum_bytes_billed, page_size=page_size)


def test_the_query_is_the_one_sql_text_with_named_typed_parameters(fake):
    _source(fake, maximum_bytes_billed=123_456).day_costs(
        TABLE, "client-proj", DAY, Window(lookback_days=1, late_row_days=7)
    )

    (body,) = fake.query_bodies()
    assert body["query"] == sql_text().replace(
        "{table}", "`b2b-recs.billing_export.gcp_billing_export_resource_v1_0155F9`"
    )
    assert body["useLegacySql"] is False
    assert body["parameterMode"] == "NAMED"
    assert body["maximumBytesBilled"] == "123456"
    parameters = {p["name"]: p for p in body["queryParameters"]}
    assert parameters["project_id"]["parameterValue"] == {"value": "client-proj"}
    assert parameters["usage_start"] == {
        "name": "usage_start",
        "parameterType": {"type": "TIMESTAMP"},
        "parameterValue": {"value": "2026-11-30 00:00:00+00:00"},
    }
    assert parameters["usage_end"]["parameterValue"]["value"] == (
        "2026-12-01 00:00:00+00:00"
    )
    # One day before the usage day to seven after it: nine partitions.
    assert parameters["partition_start"]["parameterValue"]["value"] == (
        "2026-11-29 00:00:00+00:00"
    )
    assert parameters["partition_end"]["parameterValue"]["value"] == (
        "2026-12-08 00:00:00+00:00"
    )
    assert parameters["resource_services"]["parameterType"] == {
        "type": "ARRAY",
        "arrayType": {"type": "STRING"},
    }
    assert "client-proj" not in body["query"]


def test_numeric_comes_back_as_decimal_and_pages_are_followed(fake):
    fake.page_size = 2
    fake.rows = [
        ("BigQuery", None, None, None, None, "regular", "1.000000001", EXPORTED, 30),
        ("Cloud SQL", None, None, None, None, "regular", "82.8", EXPORTED, 6),
        ("Cloud Run", "shop-serving", None, None, None, "regular", "-0.5", None, 4),
        (
            "Vertex AI",
            None,
            "T4 GPU",
            "run-1",
            "ranking",
            "regular",
            "3.5",
            EXPORTED,
            9,
        ),
        ("Cloud SQL", None, None, None, None, "tax", "12.123456789", EXPORTED, 1),
    ]

    rows = _source(fake, page_size=2).day_costs(TABLE, "b2b-recs", DAY, Window(1, 7))

    assert rows == [
        CostRow(
            service_name=row[0],
            resource_name=row[1],
            sku_description=row[2],
            training_run_id=row[3],
            model_type=row[4],
            cost_type=row[5],
            net_cost=Decimal(row[6]),
            export_time_max=row[7],
            export_rows=row[8],
        )
        for row in fake.rows
    ]
    pages = [r for r in fake.requests if "/queries/" in r["path"]]
    assert [p["args"]["pageToken"] for p in pages] == ["2", "4"]


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        (400, "bytesBilledLimitExceeded", "Query exceeded limit for bytes billed: 5."),
        (403, "accessDenied", "Access Denied: Table b2b-recs:billing_export.x"),
        (404, "notFound", "Not found: Dataset b2b-recs:billing_export"),
    ],
)
def test_a_bigquery_error_becomes_export_unavailable_with_the_reason(
    fake, status, reason, message
):
    fake.fail_with(status, reason, message)

    with pytest.raises(ExportUnavailable) as error:
        _source(fake).day_costs(TABLE, "b2b-recs", DAY, Window(1, 7))

    assert message in str(error.value)
    assert "2026-11-30" in str(error.value)


def test_a_table_name_that_could_inject_sql_is_refused_before_any_request(fake):
    bad = ("b2b-recs", "billing_export", "t` WHERE 1=1 --")

    with pytest.raises(QueryError, match="not a valid BigQuery"):
        _source(fake).day_costs(bad, "b2b-recs", DAY, Window(1, 7))

    assert fake.requests == []
