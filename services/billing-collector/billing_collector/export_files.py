"""Reading billing export dumps into canonical rows (see export_table.py).

Accepted: what BigQuery and its console write for an export table.

- NDJSON (``bq extract --destination_format NEWLINE_DELIMITED_JSON``) or a
  JSON array of rows (``bq query --format=json``), nested as the table is;
- CSV (console download, ``bq extract``, pandas) with nested columns
  flattened to dotted names (``service.description``) and repeated fields
  (credits, labels) written as JSON or as Python literals (single quotes,
  ``None``); numbers may be in scientific notation (``5e-06``).

Refused, naming why: the legacy 2014 JSON file export and the legacy file
export CSV (their line items are not export rows), rows in a currency other
than USD, and any value that does not fit its column. Every fault is
collected first, so one run names them all, and a file with any fault
imports nothing.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import math
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from billing_collector.export_table import PARTITION_COLUMN, SCHEMA, Field

REQUIRED = ("service.description", "usage_start_time", "export_time", "cost")
MAX_FAULTS = 20
CURRENCY = "USD"

_BY_NAME = {field.name: field for field in SCHEMA}
_TIMESTAMP = re.compile(
    r"(?P<day>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)"
    r"\s*(?P<zone>Z|UTC|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)


class ExportFileError(ValueError):
    """The file is not an importable export; the text names every fault."""


def read_rows(text: str, source: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Canonical rows of a dump, and the columns it had that were ignored."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise ExportFileError(f"{source} is empty")

    if stripped[0] == "[":
        records = _json_array(stripped, source)
        return _rows_from_records(records, source), []
    if stripped[0] == "{":
        return _rows_from_records(_ndjson(stripped, source), source), []
    return _rows_from_csv(stripped, source)


# --- JSON --------------------------------------------------------------------


def _json_array(text: str, source: str) -> list[tuple[int, Any]]:
    try:
        records = json.loads(text, parse_float=str, parse_int=str)
    except json.JSONDecodeError as error:
        raise ExportFileError(f"{source} is not valid JSON: {error}") from None
    except RecursionError:
        raise ExportFileError(f"{source} nests deeper than any export") from None
    if records and isinstance(records[0], dict) and "lineItemId" in records[0]:
        raise _legacy_json(source)
    return [(index + 1, record) for index, record in enumerate(records)]


def _ndjson(text: str, source: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line, parse_float=str, parse_int=str)
        except json.JSONDecodeError as error:
            raise ExportFileError(
                f"{source} line {number} is not JSON: {error.msg}"
            ) from None
        except RecursionError:
            raise ExportFileError(
                f"{source} line {number} nests deeper than any export"
            ) from None
        if isinstance(record, dict) and "lineItemId" in record:
            raise _legacy_json(source)
        yield number, record


def _legacy_json(source: str) -> ExportFileError:
    return ExportFileError(
        f"{source} is the legacy JSON file export (lineItemId, measurements; "
        "retired by Google in 2019), not the BigQuery billing export: its "
        "line items carry no service, SKU, project id or credits per row. "
        "Export the BigQuery table instead (bq extract or a console download)."
    )


def _rows_from_records(records, source: str) -> list[dict[str, Any]]:
    rows, faults = [], []
    for number, record in records:
        if not isinstance(record, dict):
            faults.append(f"row {number}: not a JSON object")
            continue
        rows.append(_canonical(record, f"row {number}", faults))
        if len(faults) >= MAX_FAULTS:
            break
    _raise_if_faulty(faults, source)
    return rows


# --- CSV ---------------------------------------------------------------------


def _rows_from_csv(text: str, source: str) -> tuple[list[dict[str, Any]], list[str]]:
    reader = csv.reader(io.StringIO(text))
    try:
        return _read_csv(reader, source)
    except csv.Error as error:  # a cell over the csv module's limit, a stray NUL
        raise ExportFileError(
            f"{source}, line {reader.line_num}: {error}; not a CSV the billing "
            "export writes"
        ) from None


def _read_csv(reader, source: str) -> tuple[list[dict[str, Any]], list[str]]:
    header = next(reader, [])
    if "Line Item" in header and "Account ID" in header:
        raise ExportFileError(
            f"{source} is the legacy file export CSV (Account ID, Line Item, "
            "Measurement1...; retired by Google in 2019), not the BigQuery "
            "billing export: its lines are per service id and Pacific-time "
            "period, with no SKU or per-row credits. Export the BigQuery table "
            "instead (bq extract or a console download)."
        )

    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ExportFileError(
            f"{source} is not a billing export CSV: no column "
            + ", ".join(missing)
            + f" (found: {', '.join(header[:8])}...)"
        )
    known = [name for name in header if _field_path(name) is not None]
    ignored = [name for name in header if _field_path(name) is None]

    rows, faults = [], []
    for number, cells in enumerate(reader, start=2):
        if not cells:
            continue
        if len(cells) != len(header):
            faults.append(
                f"line {number}: {len(cells)} cells for {len(header)} columns"
            )
            continue
        record = _nest({name: cells[header.index(name)] for name in known})
        rows.append(_canonical(record, f"line {number}", faults, from_csv=True))
        if len(faults) >= MAX_FAULTS:
            break
    _raise_if_faulty(faults, source)
    return rows, ignored


def _field_path(dotted: str) -> list[Field] | None:
    """The schema fields a dotted column name walks through, or None."""
    path, fields = [], _BY_NAME
    for part in dotted.split("."):
        field = fields.get(part)
        if field is None:
            return None
        path.append(field)
        fields = {f.name: f for f in field.fields}
    return path


def _nest(flat: Mapping[str, str]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for dotted, value in flat.items():
        *parents, leaf = dotted.split(".")
        target = nested
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return nested


# --- values ------------------------------------------------------------------


def _canonical(
    record: Mapping[str, Any], where: str, faults: list[str], from_csv: bool = False
) -> dict[str, Any]:
    row = {
        field.name: _value(field, record.get(field.name), field.name, from_csv)
        for field in SCHEMA
    }
    for name, fault in _take_faults(row):
        faults.append(f"{where}, {name}: {fault}")
    _check_row(row, where, faults)
    return row


class _Fault:
    def __init__(self, message: str) -> None:
        self.message = message


def _take_faults(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield (column, message) for every value that failed to parse."""
    if isinstance(value, _Fault):
        yield path, value.message
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _take_faults(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _take_faults(item, f"{path}[{index}]")


def _value(field: Field, raw: Any, path: str, from_csv: bool) -> Any:
    if raw is None or (isinstance(raw, str) and raw == "" and from_csv):
        return [] if field.repeated else None

    if field.repeated:
        items = _sequence(raw) if isinstance(raw, str) else raw
        if isinstance(items, _Fault):
            return items
        if not isinstance(items, list):
            return _Fault(f"expected a list, got {raw!r:.60}")
        return [_single(field, item, from_csv) for item in items]
    return _single(field, raw, from_csv)


def _single(field: Field, raw: Any, from_csv: bool) -> Any:
    if field.kind == "RECORD":
        if raw is None:
            return None
        if not isinstance(raw, dict):
            return _Fault(f"expected a record, got {raw!r:.60}")
        return {
            f.name: _value(f, raw.get(f.name), f.name, from_csv) for f in field.fields
        }
    if raw is None or (raw == "" and from_csv):
        return None
    return PARSERS[field.kind](raw)


def _sequence(text: str) -> Any:
    """A repeated field written in one CSV cell: JSON, or a Python literal."""
    try:
        return json.loads(text, parse_float=str, parse_int=str)
    except (json.JSONDecodeError, RecursionError):
        pass
    try:
        return _stringify_numbers(ast.literal_eval(text))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        # The last two: a cell nested thousands deep, which no export writes.
        return _Fault(f"neither JSON nor a Python literal: {text!r:.60}")


def _stringify_numbers(value: Any) -> Any:
    # literal_eval gives floats; their repr is the shortest exact text, which
    # the number parsers then read like JSON text.
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return {key: _stringify_numbers(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_stringify_numbers(item) for item in value]
    return value


def _string(raw: Any) -> Any:
    if isinstance(raw, (dict, list)):
        return _Fault(f"expected text, got {raw!r:.60}")
    return str(raw)


def _float(raw: Any) -> Any:
    try:
        number = float(Decimal(str(raw).strip()))
    except (InvalidOperation, ValueError):
        return _Fault(f"{raw!r:.40} is not a number")
    if not math.isfinite(number):
        return _Fault(f"{raw!r:.40} is not a finite number")
    return number


def _numeric(raw: Any) -> Any:
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        return _Fault(f"{raw!r:.40} is not a number")
    return number if number.is_finite() else _Fault(f"{raw!r:.40} is not finite")


def _boolean(raw: Any) -> Any:
    text = str(raw).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    return _Fault(f"{raw!r:.40} is not true or false")


def _timestamp(raw: Any) -> Any:
    text = str(raw).strip()
    match = _TIMESTAMP.fullmatch(text)
    if not match:
        return _Fault(f"{raw!r:.40} is not a timestamp (YYYY-MM-DD HH:MM:SS[+00:00])")
    zone = (match["zone"] or "UTC").upper()
    offset = "+00:00" if zone in ("Z", "UTC") else zone
    if len(offset) == 5:
        offset = offset[:3] + ":" + offset[3:]
    fraction_free = re.sub(r"(\.\d{6})\d+", r"\1", match["time"])
    try:
        moment = datetime.fromisoformat(f"{match['day']}T{fraction_free}{offset}")
    except ValueError:
        return _Fault(f"{raw!r:.40} is not a valid date and time")
    return moment.astimezone(UTC)


PARSERS = {
    "STRING": _string,
    "FLOAT": _float,
    "NUMERIC": _numeric,
    "BOOLEAN": _boolean,
    "TIMESTAMP": _timestamp,
}


def _check_row(row: dict[str, Any], where: str, faults: list[str]) -> None:
    for dotted in REQUIRED:
        value: Any = row
        for part in dotted.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            faults.append(f"{where}, {dotted}: missing (every export row has it)")

    currency = row.get("currency")
    if currency not in (None, CURRENCY):
        faults.append(
            f"{where}, currency: {currency!r}; the dashboard bills the "
            f"billing account's {CURRENCY} costs only"
        )
    row[PARTITION_COLUMN] = None  # set from export_time at insert


def _raise_if_faulty(faults: list[str], source: str) -> None:
    if not faults:
        return
    shown = "\n  ".join(faults[:MAX_FAULTS])
    more = " (and maybe more)" if len(faults) >= MAX_FAULTS else ""
    raise ExportFileError(
        f"{source} was not imported; {len(faults)} fault(s){more}:\n  {shown}"
    )
