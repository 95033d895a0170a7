"""The local stand-in for the billing export: one DuckDB table, official shape.

The columns are those of the Cloud Billing *detailed* export (the standard
export is the same without resource, price, subscription and consumption
model, which simply stay NULL). BigQuery's ``_PARTITIONTIME`` pseudo-column
is a real column here, set at import to the UTC day of the row's
``export_time`` (the day the export wrote it), so the production query's
partition filter works unchanged.

Timestamps are stored as naive UTC (DuckDB's TIMESTAMP), FLOAT as DOUBLE and
NUMERIC as DECIMAL(38, 9), as BigQuery keeps them.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import duckdb

TABLE = "billing_export"
IMPORTS_TABLE = "billing_export_imports"
STAGING = "billing_export_staging"
PARTITION_COLUMN = "_PARTITIONTIME"


@dataclass(frozen=True)
class Field:
    """One column of the export, as BigQuery's table schema describes it."""

    name: str
    kind: str  # STRING, TIMESTAMP, FLOAT, NUMERIC, BOOLEAN or RECORD
    repeated: bool = False
    fields: tuple[Field, ...] = ()

    @property
    def duckdb_type(self) -> str:
        if self.kind == "RECORD":
            members = ", ".join(f'"{f.name}" {f.duckdb_type}' for f in self.fields)
            kind = f"STRUCT({members})"
        else:
            kind = DUCKDB_TYPES[self.kind]
        return kind + "[]" if self.repeated else kind


DUCKDB_TYPES = {
    "STRING": "VARCHAR",
    "TIMESTAMP": "TIMESTAMP",
    "FLOAT": "DOUBLE",
    "NUMERIC": "DECIMAL(38, 9)",
    "BOOLEAN": "BOOLEAN",
}


def _strings(*names: str) -> tuple[Field, ...]:
    return tuple(Field(name, "STRING") for name in names)


def _record(name: str, *fields: Field, repeated: bool = False) -> Field:
    return Field(name, "RECORD", repeated, fields)


_KEY_VALUE = _strings("key", "value")

# The detailed export's columns, in its order (SOURCES.md of the shared
# sample data lists them from live table schemas).
SCHEMA: tuple[Field, ...] = (
    Field("billing_account_id", "STRING"),
    _record("service", *_strings("id", "description")),
    _record("sku", *_strings("id", "description")),
    Field("usage_start_time", "TIMESTAMP"),
    Field("usage_end_time", "TIMESTAMP"),
    _record(
        "project",
        *_strings("id", "number", "name"),
        _record("labels", *_KEY_VALUE, repeated=True),
        Field("ancestry_numbers", "STRING"),
        _record("ancestors", *_strings("resource_name", "display_name"), repeated=True),
    ),
    _record("labels", *_KEY_VALUE, repeated=True),
    _record("system_labels", *_KEY_VALUE, repeated=True),
    _record("location", *_strings("location", "country", "region", "zone")),
    _record("resource", *_strings("name", "global_name")),
    _record(
        "tags",
        *_KEY_VALUE,
        Field("inherited", "BOOLEAN"),
        Field("namespace", "STRING"),
        repeated=True,
    ),
    _record(
        "price",
        Field("effective_price", "NUMERIC"),
        Field("tier_start_amount", "NUMERIC"),
        Field("unit", "STRING"),
        Field("pricing_unit_quantity", "NUMERIC"),
        Field("list_price", "NUMERIC"),
        Field("effective_price_default", "NUMERIC"),
        Field("list_price_consumption_model", "NUMERIC"),
    ),
    _record("subscription", Field("instance_id", "STRING")),
    Field("transaction_type", "STRING"),
    Field("seller_name", "STRING"),
    Field("export_time", "TIMESTAMP"),
    Field("cost", "FLOAT"),
    Field("currency", "STRING"),
    Field("currency_conversion_rate", "FLOAT"),
    _record(
        "usage",
        Field("amount", "FLOAT"),
        Field("unit", "STRING"),
        Field("amount_in_pricing_units", "FLOAT"),
        Field("pricing_unit", "STRING"),
    ),
    _record(
        "credits",
        Field("name", "STRING"),
        Field("amount", "FLOAT"),
        *_strings("full_name", "id", "type"),
        repeated=True,
    ),
    _record("invoice", *_strings("month", "publisher_type")),
    Field("cost_type", "STRING"),
    _record("adjustment_info", *_strings("id", "description", "mode", "type")),
    Field("cost_at_list", "FLOAT"),
    _record(
        "consumption_model",
        *_strings("id", "description", "applied_subscription_instance_id"),
    ),
    Field("cost_at_effective_price_default", "FLOAT"),
    Field("cost_at_list_consumption_model", "FLOAT"),
)

# Column name -> DuckDB type, the partition column last.
COLUMNS: dict[str, str] = {
    **{field.name: field.duckdb_type for field in SCHEMA},
    PARTITION_COLUMN: "TIMESTAMP",
}


class AlreadyImported(ValueError):
    """This batch (same content) is in the table already."""


class OverlapsEarlierImport(ValueError):
    """Rows of this batch are, column for column, in the table already."""

    def __init__(self, rows: int) -> None:
        super().__init__(f"{rows} of its rows are already in the local export")
        self.rows = rows


def load_batch(
    database: Path,
    rows: Iterable[Mapping[str, Any]],
    *,
    key: str,
    source: str,
    replace: bool = False,
) -> int:
    """Insert one batch of rows in one transaction, recorded under ``key``.

    Either every row goes in, or (on any error, including a repeated key)
    none does. ``replace`` empties the table first, in the same transaction.
    """
    database.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database)) as connection:
        create_tables(connection)
        connection.execute("BEGIN TRANSACTION")
        try:
            if replace:
                connection.execute(f"DELETE FROM {TABLE}")
                connection.execute(f"DELETE FROM {IMPORTS_TABLE}")
            earlier = connection.execute(
                f"SELECT source, imported_at FROM {IMPORTS_TABLE} WHERE sha256 = ?",
                [key],
            ).fetchone()
            if earlier:
                raise AlreadyImported(
                    f"already imported (as {earlier[0]} at {earlier[1]} UTC)"
                )
            count = _insert_new(connection, rows)
            connection.execute(
                f"INSERT INTO {IMPORTS_TABLE} VALUES (?, ?, ?, ?)",
                [key, source, count, datetime.now(UTC).replace(tzinfo=None)],
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return count


def partition_time(export_time: datetime) -> datetime:
    """The partition a row lands in: the UTC day the export wrote it.

    Known shortcoming: Google does not document how the export cuts its
    partitions; a UTC day of export_time is our reading. The query's one-day
    lookback (RECS_BILLING_PARTITION_LOOKBACK_DAYS) covers partitions cut on
    Pacific days as well.
    """
    return datetime.combine(export_time.astimezone(UTC).date(), time(), tzinfo=UTC)


def create_tables(connection: duckdb.DuckDBPyConnection) -> None:
    columns = ", ".join(f'"{name}" {kind}' for name, kind in COLUMNS.items())
    connection.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({columns})")
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {IMPORTS_TABLE} ("
        "sha256 VARCHAR PRIMARY KEY, source VARCHAR, row_count BIGINT, "
        "imported_at TIMESTAMP)"
    )


def _insert_new(
    connection: duckdb.DuckDBPyConnection, rows: Iterable[Mapping[str, Any]]
) -> int:
    """Insert rows none of which is in the table yet (OverlapsEarlierImport).

    Two dumps can hold the same rows (an export downloaded twice over
    overlapping days, the same rows saved as CSV and as JSON): their bytes
    differ, so only comparing rows keeps such a row from counting twice.
    """
    # Made in the caller's transaction: a refusal's ROLLBACK removes it too.
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGING} AS SELECT * FROM {TABLE} LIMIT 0"
    )
    count = insert_rows(connection, rows, table=STAGING)
    # A row equal to the batch's has its partition: only those are compared.
    overlap = connection.execute(
        f"SELECT count(*) FROM (SELECT * FROM {STAGING} INTERSECT ALL "
        f"SELECT * FROM {TABLE} WHERE {PARTITION_COLUMN} BETWEEN "
        f"(SELECT min({PARTITION_COLUMN}) FROM {STAGING}) "
        f"AND (SELECT max({PARTITION_COLUMN}) FROM {STAGING}))"
    ).fetchone()[0]
    if overlap:
        raise OverlapsEarlierImport(overlap)
    connection.execute(f"INSERT INTO {TABLE} SELECT * FROM {STAGING}")
    connection.execute(f"DROP TABLE {STAGING}")
    return count


def insert_rows(
    connection: duckdb.DuckDBPyConnection,
    rows: Iterable[Mapping[str, Any]],
    table: str = TABLE,
) -> int:
    """Insert canonical rows (see ``to_json_row``) in the caller's transaction.

    The rows go through a temporary NDJSON file read by DuckDB's read_json
    with the table's own column types: far faster than one INSERT per row,
    and the types are checked by DuckDB exactly as the table declares them.
    """
    with tempfile.NamedTemporaryFile(
        "w", suffix=".ndjson", encoding="utf-8", delete=False
    ) as spool:
        count = 0
        for row in rows:
            spool.write(json.dumps(to_json_row(row), separators=(",", ":")) + "\n")
            count += 1
    path = Path(spool.name)

    try:
        if count:
            types = ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS.items())
            names = ", ".join(f'"{name}"' for name in COLUMNS)
            connection.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM read_json(?, "
                f"format = 'newline_delimited', columns = {{{types}}})",
                [str(path)],
            )
    finally:
        path.unlink(missing_ok=True)
    return count


def to_json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A canonical row as JSON values: timestamps as naive UTC text.

    A canonical row is a mapping of the export's column names to Python
    values (aware datetimes, floats, Decimal for NUMERIC, dicts, lists); its
    partition is derived from export_time when it does not carry one.
    """
    values = dict(row)
    if values.get(PARTITION_COLUMN) is None and values.get("export_time"):
        values[PARTITION_COLUMN] = partition_time(values["export_time"])
    return {name: _json_value(values.get(name)) for name in COLUMNS}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, Mapping):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if value is not None and not isinstance(value, (str, int, float, bool)):
        # Decimal (NUMERIC): as text, so no digit is lost on the way.
        return str(value)
    return value
