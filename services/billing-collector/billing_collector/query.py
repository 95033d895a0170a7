"""The billing query: its one SQL text, its parameters and the rows it gives.

Both export sources (BigQuery in production, DuckDB locally) run
``day_costs.sql`` with the parameters of ``day_parameters``; they differ only
in how they send them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from recs_shared.categories import RESOURCE_SERVICES, SKU_SERVICES

SQL_PATH = Path(__file__).with_name("day_costs.sql")
RUN_LABEL = "training_run_id"
MODEL_TYPE_LABEL = "model_type"

# project.dataset.table, as BigQuery spells them; anything else is refused
# before it could be put into SQL text.
_PROJECT = r"[a-z][a-z0-9-]{4,28}[a-z0-9]|[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9]"
_NAME = r"[A-Za-z0-9_]{1,1024}"
_TABLE = re.compile(
    rf"(?P<project>{_PROJECT})\.(?P<dataset>{_NAME})\.(?P<table>{_NAME})"
)


class QueryError(ValueError):
    """The query cannot be built (a bad table name in BillingConfig)."""


@dataclass(frozen=True)
class Window:
    """Which export partitions one usage day is read from."""

    lookback_days: int
    late_row_days: int


@dataclass(frozen=True)
class CostRow:
    """One group of the query's result (one service, resource, run, cost type)."""

    service_name: str | None
    resource_name: str | None
    sku_description: str | None
    training_run_id: str | None
    model_type: str | None
    cost_type: str | None
    net_cost: Decimal
    export_time_max: datetime | None
    export_rows: int


def sql_text() -> str:
    return SQL_PATH.read_text()


def table_reference(project: str, dataset: str, table: str) -> str:
    """The quoted table name for BigQuery, or QueryError naming the fault."""
    full = f"{project}.{dataset}.{table}"
    if not _TABLE.fullmatch(full):
        raise QueryError(
            f"billing export table {full!r} is not a valid BigQuery "
            "project.dataset.table name; fix billing_export_project, "
            "billing_export_dataset or billing_export_table in BillingConfig"
        )
    return f"`{full}`"


def bigquery_sql(table: str) -> str:
    return sql_text().replace("{table}", table)


def day_parameters(day: date, project_id: str, window: Window) -> dict[str, Any]:
    """The query's parameters for one UTC usage day (aware UTC datetimes)."""
    usage_start = datetime.combine(day, time(), tzinfo=UTC)
    return {
        "resource_services": list(RESOURCE_SERVICES),
        "sku_services": list(SKU_SERVICES),
        "run_label": RUN_LABEL,
        "model_type_label": MODEL_TYPE_LABEL,
        "partition_start": usage_start - timedelta(days=window.lookback_days),
        "partition_end": usage_start + timedelta(days=1 + window.late_row_days),
        "usage_start": usage_start,
        "usage_end": usage_start + timedelta(days=1),
        "project_id": project_id,
    }


def cost_row(values: dict[str, Any]) -> CostRow:
    """A result row from a mapping of column name to value, money as Decimal."""
    net_cost = values["net_cost"]
    if not isinstance(net_cost, Decimal):
        raise TypeError(f"net_cost must arrive as Decimal, got {type(net_cost)}")
    export_time = values["export_time_max"]
    if export_time is not None and export_time.tzinfo is None:
        # DuckDB's TIMESTAMP is naive; the export's times are UTC.
        export_time = export_time.replace(tzinfo=UTC)
    return CostRow(
        service_name=values["service_name"],
        resource_name=values["resource_name"],
        sku_description=values["sku_description"],
        training_run_id=values["training_run_id"],
        model_type=values["model_type"],
        cost_type=values["cost_type"],
        net_cost=net_cost,
        export_time_max=export_time,
        export_rows=int(values["export_rows"]),
    )
