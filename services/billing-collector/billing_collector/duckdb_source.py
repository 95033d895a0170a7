"""The local export source: the production query, translated, on DuckDB.

The DuckDB file (written by ``python -m billing_collector.import_export`` or
the demo) holds one table shaped like the detailed export, with the
partition pseudo-column materialised as a real ``_PARTITIONTIME`` column.
sqlglot translates the BigQuery SQL text; nothing else about the query
differs from production.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import sqlglot

from billing_collector import export_table
from billing_collector.export_source import ExportUnavailable
from billing_collector.query import (
    CostRow,
    Window,
    bigquery_sql,
    cost_row,
    day_parameters,
)


@cache
def duckdb_sql() -> str:
    """The production SQL text in DuckDB's dialect, on the local table."""
    return sqlglot.transpile(
        bigquery_sql(export_table.TABLE), read="bigquery", write="duckdb"
    )[0]


class DuckDBSource:
    def __init__(self, path: Path) -> None:
        self.path = path

    def day_costs(
        self, table: tuple[str, str, str], project_id: str, day: date, window: Window
    ) -> list[CostRow]:
        # The local file holds whatever export was imported, so the
        # configured BigQuery table name has no meaning here.
        if not self.path.exists():
            raise ExportUnavailable(
                f"no local billing export at {self.path}: import one with "
                "`python -m billing_collector.import_export FILE` (or run "
                "`make run`, which generates a demo export)"
            )

        parameters = _naive_utc(day_parameters(day, project_id, window))
        try:
            with duckdb.connect(str(self.path), read_only=True) as connection:
                cursor = connection.execute(duckdb_sql(), parameters)
                columns = [column[0] for column in cursor.description]
                return [
                    cost_row(dict(zip(columns, row, strict=True)))
                    for row in cursor.fetchall()
                ]
        except duckdb.Error as error:
            raise ExportUnavailable(
                f"the local billing export {self.path} could not be read: {error}"
            ) from error


def _naive_utc(parameters: dict[str, Any]) -> dict[str, Any]:
    """DuckDB compares TIMESTAMP columns with naive values; ours are UTC."""
    return {
        name: value.astimezone(UTC).replace(tzinfo=None)
        if isinstance(value, datetime)
        else value
        for name, value in parameters.items()
    }
