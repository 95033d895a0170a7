"""Billing demo steps of ``make run``: a demo export, then a billing backfill.

Both run the billing collector's own commands (in its service folder, with
the stack's environment), exactly as a person would:

1. ``billing_export``: ``python -m billing_collector.demo_export`` writes six
   months of a believable export into the local DuckDB export, following the
   platform's endpoints and training runs that the platform seeding step put
   in the store. Skipped when a local export exists (an imported real one is
   never overwritten).
2. ``billing_backfill``: ``python -m billing_collector --backfill --days N``
   collects those months and publishes one billing.snapshot per day through
   the embedded publisher. dashboard-api is not up yet, so the events wait in
   the durable outbox and the relay delivers them once it is. Skipped when
   done before (a marker file in the local data folder; never on the
   emulators, which keep nothing between starts).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from devtools import markers
from recs_shared import settings
from recs_shared.settings import BillingCollectorSettings, LocalStackSettings

log = logging.getLogger(__name__)

SERVICE = Path(__file__).resolve().parents[1] / "services" / "billing-collector"
BACKFILL_MARKER = "billing-backfill.done"
MONTHS = 6


def billing_export(config: LocalStackSettings, env: dict[str, str]) -> None:
    collector = settings.load(BillingCollectorSettings, env)
    if collector.export_duckdb_path.exists():
        print(f"billing export: using {collector.export_duckdb_path}")
        return

    print(f"billing export: generating {MONTHS} months of demo export rows")
    _run(["-m", "billing_collector.demo_export", "--months", str(MONTHS)], env)


def billing_backfill(config: LocalStackSettings, env: dict[str, str]) -> None:
    if markers.done(config, BACKFILL_MARKER):
        return

    days = _days_since_period_start()
    print(f"billing backfill: collecting and publishing {days} days")
    _run(["-m", "billing_collector", "--backfill", "--days", str(days)], env)
    markers.mark(config, BACKFILL_MARKER, f"backfilled {days} days")


def _days_since_period_start() -> int:
    # The demo's period is defined once, beside its generator; the service
    # folder is not on the path of the local runner (it runs from the root).
    sys.path.insert(0, str(SERVICE))
    from billing_collector.demo_export import period

    first, last = period(datetime.now(UTC).date(), MONTHS)
    return (last - first).days + 1


def _run(arguments: list[str], env: dict[str, str]) -> None:
    # Output goes to a log file: a backfill logs one line per day.
    log_path = Path(env["RECS_DATA_DIR"]) / "billing-demo.log"
    with log_path.open("a") as log_file:
        completed = subprocess.run(
            [sys.executable, *arguments],
            cwd=SERVICE,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if completed.returncode != 0:
        raise SystemExit(
            f"billing demo step `python {' '.join(arguments)}` failed; see {log_path}"
        )
