"""Load a billing export dump into the local export table (DuckDB).

    python -m billing_collector.import_export FILE [FILE ...] [--replace]

Each file is read whole and checked before anything is written (formats:
export_files.py); then all its rows go in within one transaction, so a bad
file imports nothing. A file already imported (same bytes), or one holding
any row already in the table (another dump of overlapping days), is
refused, since loading it would double those costs; ``--replace`` empties
the table first, to load a fresh dump of the whole export.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

from billing_collector import export_table
from billing_collector.export_files import ExportFileError, read_rows
from recs_shared import settings
from recs_shared.settings import BillingCollectorSettings


@dataclass(frozen=True)
class Imported:
    source: str
    rows: int
    ignored_columns: list[str]


def import_file(database: Path, path: Path, *, replace: bool = False) -> Imported:
    """Import one dump; ExportFileError (nothing written) when it is refused."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise ExportFileError(f"cannot read {path}: {error.strerror}") from None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise ExportFileError(f"{path} is not UTF-8 text") from None

    rows, ignored = read_rows(text, str(path))
    digest = hashlib.sha256(content).hexdigest()

    try:
        count = export_table.load_batch(
            database, rows, key=digest, source=str(path), replace=replace
        )
    except export_table.AlreadyImported as error:
        raise ExportFileError(
            f"{path} was {error}; importing it again would count its costs "
            "twice. Use --replace to start the local export afresh."
        ) from None
    except export_table.OverlapsEarlierImport as error:
        raise ExportFileError(
            f"{path}: {error} (from an earlier import); importing them again "
            "would count their costs twice, so nothing was imported. Import "
            "dumps that do not overlap, or --replace with one dump of the "
            "whole export."
        ) from None
    return Imported(str(path), count, ignored)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m billing_collector.import_export",
        description="Load billing export dumps (NDJSON, JSON or CSV) into the "
        "local export table.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="empty the local export table before importing",
    )
    args = parser.parse_args(argv)

    config = settings.load(BillingCollectorSettings)
    database = config.export_duckdb_path
    for index, path in enumerate(args.files):
        try:
            result = import_file(database, path, replace=args.replace and index == 0)
        except ExportFileError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        note = (
            f" (ignored columns: {', '.join(result.ignored_columns)})"
            if result.ignored_columns
            else ""
        )
        print(f"imported {result.rows} rows from {path} into {database}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
