"""Benchmark: collect one day of N billing export rows on the local stand-in.

    .venv/bin/python bench/billing_collect.py [--rows 10000 100000] [--markdown]

For each size it writes a DuckDB export holding one UTC day of N realistic
rows (demo SKUs, credits, labels, Cloud Run resources, tax rows), then runs
the collector's query and event building for that day in a fresh process,
and prints wall time, the process's peak memory (peak RSS), and how much the
peak rose above the memory the process held before collecting. The ratios
at the end say whether memory stays flat as rows grow tenfold: aggregation
happens in SQL, so only the few grouped rows reach Python.

Figures depend on the machine; nothing here asserts a threshold.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "services" / "billing-collector"), str(REPO)]

from bench._common import (  # noqa: E402
    MEMORY_HEADERS,
    Report,
    argument_parser,
    growth,
    memory_cells,
    wall_and_memory,
)

DAY = date(2026, 11, 30)
PROJECT = "b2b-recs"


def build_export(database: Path, rows: int) -> None:
    from billing_collector import demo_export

    bill = demo_export.Bill(seed=rows, project_id=PROJECT)
    rng = random.Random(rows)
    midnight = datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC)
    endpoints = [f"endpoint-{n}-serving" for n in range(8)]
    runs = [f"run-{n:03d}" for n in range(20)]

    def one_row(index: int) -> dict:
        start = midnight + timedelta(seconds=rng.randrange(86400))
        pick = index % 10
        if pick < 3:
            return bill.row(
                start,
                "Cloud Run",
                "CPU Allocation Time (tier 1)",
                rng.uniform(0, 0.01),
                resource=rng.choice(endpoints + list(demo_export.APP_SERVICES)),
                credits=[
                    bill.credit("FREE_TIER", 0.001),
                    bill.credit("PROMOTION", 0.0005),
                ],
            )
        if pick < 5:
            return bill.row(
                start,
                "Vertex AI",
                rng.choice(
                    [demo_export.CPU_SKU[0], demo_export.GPU_SKUS["nvidia-l4"][0]]
                ),
                rng.uniform(0, 0.5),
                labels={"training_run_id": rng.choice(runs), "model_type": "ranking"},
            )
        if pick == 9 and index % 100 == 99:
            return bill.row(start, "Cloud SQL", "Tax", 0.01, cost_type="tax")
        service = ("BigQuery", "Cloud SQL", "Cloud Storage", "Secret Manager")[pick % 4]
        return bill.row(
            start,
            service,
            "Analysis",
            rng.uniform(0, 0.02),
            credits=[bill.credit("FREE_TIER", 0.0001)] if pick % 2 else [],
        )

    demo_export.write(database, (one_row(i) for i in range(rows)), f"bench {rows}")


def collect_once(database: Path, data_dir: Path) -> dict:
    """Runs in its own process: the figures of one collection."""
    from billing_collector.collect import Request, collect
    from billing_collector.duckdb_source import DuckDBSource, duckdb_sql
    from recs_shared import settings
    from recs_shared.settings import BillingCollectorSettings
    from recs_shared.store.sqlite_store import SQLiteStore

    config = settings.load(BillingCollectorSettings, {"RECS_DATA_DIR": str(data_dir)})
    store = SQLiteStore(data_dir / "store.sqlite3")
    duckdb_sql()  # translate once, outside the measurement

    outcome, figures = wall_and_memory(
        lambda: collect(
            Request(day=DAY),
            config=config,
            store=store,
            source=DuckDBSource(database),
            publisher=None,
            now=datetime(2026, 12, 10, tzinfo=UTC),
        )
    )

    (event,) = outcome.events
    return {
        **figures,
        "lines": len(event["lines"]),
        "training_runs": len(event["training_runs"]),
    }


def measure(rows: int, folder: Path) -> dict:
    database = folder / f"export-{rows}.duckdb"
    started = time.perf_counter()
    build_export(database, rows)
    built = time.perf_counter() - started

    output = subprocess.run(
        [sys.executable, __file__, "--collect-only", str(database), str(folder)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {"rows": rows, "build_seconds": built, **json.loads(output)}


def row(result: dict) -> list[str]:
    return [f"{result['rows']:,}", *memory_cells(result), str(result["lines"])]


def main() -> None:
    parser = argument_parser(__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--collect-only", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.collect_only:
        print(json.dumps(collect_once(*args.collect_only)))
        return

    report = Report("Billing collection of one day (local stand-in)", args.markdown)
    with tempfile.TemporaryDirectory() as folder:
        results = [measure(rows, Path(folder)) for rows in args.rows]

    report.table(
        ["rows", *MEMORY_HEADERS, "lines"],
        [row(result) for result in results],
    )
    if len(results) >= 2:
        report.note(growth(results[0], results[-1], "rows", "rows"))
    report.end()


if __name__ == "__main__":
    main()
