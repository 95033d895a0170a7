"""The production export source: the billing query on BigQuery.

Runs ``day_costs.sql`` through google-cloud-bigquery with named query
parameters (never values formatted into SQL) and ``maximum_bytes_billed``,
so a query that would scan more than expected is refused by BigQuery rather
than billed. NUMERIC comes back as Decimal and TIMESTAMP as aware UTC
datetimes; pagination is the client's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import google.auth.exceptions
import requests
from google.api_core import exceptions as api_exceptions
from google.cloud import bigquery

from billing_collector.export_source import ExportUnavailable
from billing_collector.query import (
    CostRow,
    Window,
    bigquery_sql,
    cost_row,
    day_parameters,
    table_reference,
)

JOB_LABELS = {"service": "billing-collector"}
_FAILURES = (
    api_exceptions.GoogleAPIError,
    google.auth.exceptions.GoogleAuthError,
    requests.RequestException,
)


class BigQuerySource:
    def __init__(
        self,
        client: bigquery.Client,
        maximum_bytes_billed: int,
        page_size: int | None = None,
    ) -> None:
        self.client = client
        self.maximum_bytes_billed = maximum_bytes_billed
        self.page_size = page_size

    @classmethod
    def for_project(cls, project: str, maximum_bytes_billed: int) -> BigQuerySource:
        """Jobs run (and are paid for) in the platform's own project."""
        return cls(bigquery.Client(project=project), maximum_bytes_billed)

    def day_costs(
        self, table: tuple[str, str, str], project_id: str, day: date, window: Window
    ) -> list[CostRow]:
        sql = bigquery_sql(table_reference(*table))
        job_config = bigquery.QueryJobConfig(
            query_parameters=query_parameters(day_parameters(day, project_id, window)),
            maximum_bytes_billed=self.maximum_bytes_billed,
            use_legacy_sql=False,
            labels=JOB_LABELS,
        )
        try:
            rows = self.client.query_and_wait(
                sql, job_config=job_config, page_size=self.page_size
            )
            return [cost_row(dict(row.items())) for row in rows]
        except _FAILURES as error:
            raise ExportUnavailable(
                f"the BigQuery billing export query for {day} failed: {error}"
            ) from error


def query_parameters(values: dict[str, Any]) -> list[Any]:
    """Typed BigQuery parameters: STRING, ARRAY<STRING> or TIMESTAMP."""
    parameters: list[Any] = []
    for name, value in values.items():
        if isinstance(value, list):
            parameters.append(bigquery.ArrayQueryParameter(name, "STRING", value))
        elif isinstance(value, datetime):
            parameters.append(bigquery.ScalarQueryParameter(name, "TIMESTAMP", value))
        else:
            parameters.append(bigquery.ScalarQueryParameter(name, "STRING", value))
    return parameters
