"""The BigQuery adapter through google-cloud-bigquery against loopback JSON.

Responses have the jobs.query shape BigQuery sends: every INT64 cell is a
string, and the schema says how to read it.
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime

import duckdb
import pytest
import sqlglot
from google.api_core import exceptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

from metrics_collector.sources.bigquery_source import (
    JOBS_SQL,
    TABLE_STORAGE_SQL,
    BigQueryInformationSchema,
)
from metrics_collector.sources.ports import JobCounts, TableStorage
from tests.support.google_apis import RECORDED, FakeGoogleApi, google_error

PROJECT = "b2b-recs"


@pytest.fixture
def api():
    fake = FakeGoogleApi().start()
    yield fake
    fake.stop()


@pytest.fixture
def adapter(api):
    client = bigquery.Client(
        project=PROJECT,
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": api.url},
    )
    return BigQueryInformationSchema(client, PROJECT, "europe-central2", 5.0)


def query_response(columns: list[tuple[str, str]], rows: list[list[str | None]]):
    return {
        "kind": "bigquery#queryResponse",
        "schema": {
            "fields": [
                {"name": name, "type": kind, "mode": "NULLABLE"}
                for name, kind in columns
            ]
        },
        "jobReference": {
            "projectId": PROJECT,
            "jobId": "job_metrics_1",
            "location": "europe-central2",
        },
        "totalRows": str(len(rows)),
        "rows": [{"f": [{"v": value} for value in row]} for row in rows],
        "totalBytesProcessed": "10485760",
        "jobComplete": True,
        "cacheHit": False,
    }


STORAGE_COLUMNS = [
    ("table_schema", "STRING"),
    ("table_name", "STRING"),
    ("logical_bytes", "INTEGER"),
    ("row_count", "INTEGER"),
]


def test_table_storage_reads_each_table_with_string_counts(api, adapter):
    api.answer(
        query_response(
            STORAGE_COLUMNS,
            [
                ["raw", "orders", "5110000000", "90210"],
                ["features", "users", "1024", "3"],
            ],
        )
    )

    tables = adapter.table_storage()

    assert tables == [
        TableStorage("raw.orders", 5_110_000_000, 90_210),
        TableStorage("features.users", 1024, 3),
    ]
    sent = api.seen[0]
    assert (sent.method, sent.path) == (
        "POST",
        f"/bigquery/v2/projects/{PROJECT}/queries",
    )
    assert (
        f"`{PROJECT}`.`region-europe-central2`.INFORMATION_SCHEMA.TABLE_STORAGE"
        in (sent.body["query"])
    )
    assert sent.body["location"] == "europe-central2"
    assert sent.body["useLegacySql"] is False


def test_no_tables_is_an_empty_list_not_an_error(api, adapter):
    response = query_response(STORAGE_COLUMNS, [])
    del response["rows"]  # BigQuery leaves "rows" out of an empty result
    api.answer(response)

    assert adapter.table_storage() == []


def test_jobs_of_a_day_are_asked_for_with_its_utc_bounds(api, adapter):
    api.answer(
        query_response(
            [
                ("completed", "INTEGER"),
                ("failed", "INTEGER"),
                ("bytes_billed", "INTEGER"),
            ],
            [["8", "1", "800000000"]],
        )
    )
    start = datetime(2026, 11, 30, tzinfo=UTC)
    end = datetime(2026, 12, 1, tzinfo=UTC)

    counts = adapter.jobs(start, end)

    assert counts == JobCounts(completed=8, failed=1, bytes_billed=800_000_000)
    body = api.seen[0].body
    assert body["parameterMode"] == "NAMED"
    parameters = {
        p["name"]: (p["parameterType"]["type"], p["parameterValue"]["value"])
        for p in body["queryParameters"]
    }
    assert parameters["start"][0] == parameters["end"][0] == "TIMESTAMP"
    assert datetime.fromisoformat(parameters["start"][1]) == start
    assert datetime.fromisoformat(parameters["end"][1]) == end


def test_a_day_without_jobs_gives_zeros_even_when_sums_are_null(api, adapter):
    api.answer(
        query_response(
            [
                ("completed", "INTEGER"),
                ("failed", "INTEGER"),
                ("bytes_billed", "INTEGER"),
            ],
            [["0", "0", None]],
        )
    )

    assert adapter.jobs(
        datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    ) == JobCounts(0, 0, 0)


def test_permission_denied_raises_the_apis_own_message(api, adapter):
    api.answer(
        google_error(
            403,
            "Access Denied: Project b2b-recs: User does not have "
            "bigquery.jobs.create permission",
            "PERMISSION_DENIED",
        ),
        status=403,
    )

    with pytest.raises(exceptions.Forbidden, match=r"bigquery\.jobs\.create"):
        adapter.table_storage()


def documented_columns(file_name: str) -> set[str]:
    with (RECORDED / file_name).open() as columns:
        return {row["column_name"] for row in csv.DictReader(columns)}


def referenced_columns(sql: str) -> set[str]:
    body = re.sub(r"`[^`]*`", "", sql)  # the view's name
    aliases = set(re.findall(r"\bAS\s+([a-z_]+)", body))
    parameters = set(re.findall(r"@([a-z_]+)", body))
    return set(re.findall(r"\b[a-z_]+\b", body)) - aliases - parameters


@pytest.mark.parametrize(
    ("sql", "columns_file"),
    [
        (TABLE_STORAGE_SQL, "bq_information_schema_TABLE_STORAGE_columns__docs.csv"),
        (JOBS_SQL, "bq_information_schema_JOBS_columns__docs.csv"),
    ],
)
def test_the_queries_use_only_columns_the_views_document(sql, columns_file):
    used = referenced_columns(sql)

    assert used  # the check below is about something
    assert used <= documented_columns(columns_file), used - documented_columns(
        columns_file
    )


def run_on_duckdb(connection, sql_template: str, table: str, parameters: dict):
    """The production query, translated by sqlglot, on a local table."""
    statement = sqlglot.parse_one(
        sql_template.format(project=PROJECT, region="eu"), read="bigquery"
    )
    for view in statement.find_all(sqlglot.exp.Table):
        view.replace(sqlglot.exp.to_table(table))
    return connection.execute(statement.sql("duckdb"), parameters).fetchall()


def test_a_script_counts_once_with_its_childrens_bytes_and_nothing_else_counts():
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE jobs (creation_time TIMESTAMPTZ, job_id VARCHAR, "
        "parent_job_id VARCHAR, job_type VARCHAR, statement_type VARCHAR, "
        "state VARCHAR, error_result VARCHAR, total_bytes_billed BIGINT)"
    )
    day = "2026-11-30"
    rows = [
        # (time, id, parent, type, statement, state, error, bytes)
        (f"{day} 08:00:00+00:00", "q1", None, "QUERY", "SELECT", "DONE", None, 100),
        (f"{day} 09:00:00+00:00", "q2", None, "QUERY", "SELECT", "DONE", "boom", 0),
        (f"{day} 10:00:00+00:00", "s1", None, "QUERY", "SCRIPT", "DONE", None, 300),
        (f"{day} 10:00:00+00:00", "s1c1", "s1", "QUERY", "INSERT", "DONE", None, 100),
        (f"{day} 10:01:00+00:00", "s1c2", "s1", "QUERY", "SELECT", "DONE", None, 200),
        (f"{day} 11:00:00+00:00", "bg", None, None, None, "DONE", None, 50),
        (f"{day} 23:59:00+00:00", "run", None, "QUERY", "SELECT", "RUNNING", None, 70),
        ("2026-11-29 23:59:59+00:00", "old", None, "LOAD", None, "DONE", None, 9),
        ("2026-12-01 00:00:00+00:00", "new", None, "LOAD", None, "DONE", None, 9),
    ]
    connection.executemany("INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    [(completed, failed, bytes_billed)] = run_on_duckdb(
        connection,
        JOBS_SQL,
        "jobs",
        {
            "start": datetime(2026, 11, 30, tzinfo=UTC),
            "end": datetime(2026, 12, 1, tzinfo=UTC),
        },
    )

    # q1 and the script s1 completed, q2 failed; the children are inside s1,
    # bg is BigQuery's own, run has not finished, old and new are other days.
    assert (completed, failed, bytes_billed) == (2, 1, 100 + 300)
