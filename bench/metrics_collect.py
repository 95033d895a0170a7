"""Metrics collection of one day on the local profile: wall time and memory.

    .venv/bin/python -m bench.metrics_collect [--history-days 90 3650] [--markdown]

For each length of platform history, a temporary RECS_DATA_DIR gets the
platform's collections (devtools/platform_seed.py, through bench/_seed.py)
in the local SQLite store, and dashboard-api starts under gunicorn on it.
Then a fresh process runs the collector's command line, ``python -m
metrics_collector collect`` (yesterday, UTC), through its ``main``: it
collects the day (platform runs, the store file's size; what the local
profile cannot measure is recorded as not measured) and publishes the
snapshot through the embedded bridge, which delivers it to dashboard-api.

Printed: wall time of the command, the process's peak memory (VmHWM, as
bench/billing_collect.py reads it), how far the peak rose above the memory
held once the command's modules were imported, the snapshot's status, and
whether the day reached the store. The ratios say whether time and memory
stay flat as history grows: the day's reads are bounded by its dates.
Figures depend on the machine; nothing here asserts a threshold.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import REPO
from bench._common import (
    MEMORY_HEADERS,
    Report,
    argument_parser,
    growth,
    gunicorn,
    memory_cells,
    wall_and_memory,
)


def collect_once() -> dict:
    """Runs in its own process: the figures of one collection by the CLI."""
    from metrics_collector.__main__ import main as command_line

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exit_status, figures = wall_and_memory(lambda: command_line(["collect"]))

    summary = json.loads(output.getvalue().strip().splitlines()[-1])
    return {
        **figures,
        "exit_status": exit_status,
        "status": summary["status"],
        "not_measured": [e["collector"] for e in summary["collection_errors"]],
    }


def measure(days: int, folder: Path) -> dict:
    # Imported here, not at the top: the measured process imports this
    # module, and its peak memory must not include dashboard-api's modules.
    from bench._seed import api_environ, platform_history
    from dashboard_api.snapshots import RESOURCE_METRICS_COLLECTION
    from devtools import platform_seed
    from recs_shared import settings
    from recs_shared.store import make_store

    environ = api_environ(folder)
    seeded = platform_history(datetime.now(UTC), days)
    store = make_store(settings.load(settings.CommonSettings, environ))
    platform_seed.write(store, seeded)

    server = gunicorn("dashboard-api", environ, folder)
    try:
        figures = run_collection({**environ, "RECS_DASHBOARD_API_URL": server.url})
    finally:
        server.kill()
    return {
        "days": days,
        "documents": sum(map(len, seeded.documents.values())),
        "stored": store.count(RESOURCE_METRICS_COLLECTION),
        **figures,
    }


def run_collection(environ: dict[str, str]) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.metrics_collect", "--collect-only"],
        cwd=REPO,
        env={**os.environ, **environ},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)


def row(result: dict) -> list[str]:
    return [
        f"{result['days']:,}",
        f"{result['documents']:,}",
        *memory_cells(result),
        f"{result['status']} (exit {result['exit_status']})",
        "yes" if result["stored"] == 1 else "NO",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__)
    parser.add_argument("--history-days", type=int, nargs="+", default=[90, 3650])
    parser.add_argument("--collect-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.collect_only:
        print(json.dumps(collect_once()))
        return

    report = Report("Metrics collection of one day (local profile)", args.markdown)
    results = []
    for days in args.history_days:
        with tempfile.TemporaryDirectory() as folder:
            results.append(measure(days, Path(folder)))

    report.table(
        ["history days", "platform docs", *MEMORY_HEADERS, "snapshot", "day stored"],
        [row(result) for result in results],
    )
    not_measured = ", ".join(results[0]["not_measured"]) or "none"
    report.note(f"not measured on the local profile: {not_measured}")
    if len(results) >= 2:
        report.note(growth(results[0], results[-1], "days", "history"))
    report.end()


if __name__ == "__main__":
    main()
