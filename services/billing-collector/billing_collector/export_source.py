"""The export source port: where the billing query runs.

Production reads the Cloud Billing export in BigQuery; every other profile
reads the local DuckDB stand-in. Both run the same SQL text (query.py) and
give the same rows, so everything after the query is shared.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from billing_collector.query import CostRow, Window
from recs_shared.settings import BillingCollectorSettings


class ExportUnavailable(RuntimeError):
    """The export could not be read; nothing may be published for the run."""


class ExportSource(Protocol):
    def day_costs(
        self, table: tuple[str, str, str], project_id: str, day: date, window: Window
    ) -> list[CostRow]:
        """The day's cost groups of ``project_id`` in the export ``table``."""
        ...


def make_source(settings: BillingCollectorSettings) -> ExportSource:
    """The adapter the profile asks for (imports BigQuery only when used)."""
    if settings.reads_bigquery:
        from billing_collector.bigquery_source import BigQuerySource

        return BigQuerySource.for_project(
            settings.gcp_project, settings.billing_maximum_bytes_billed
        )

    from billing_collector.duckdb_source import DuckDBSource

    return DuckDBSource(settings.export_duckdb_path)
