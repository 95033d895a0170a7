"""Ingest: push deliveries per second into dashboard-api under gunicorn.

    .venv/bin/python -m bench.ingest [--deliveries 1000]
        [--firestore-deliveries 300] [--concurrency 8] [--markdown]

dashboard-api runs under a real gunicorn (``--workers 2``, and the
production command's ``--threads 8 --timeout 60``: bench/floor_app.py) on
a free loopback port. ``--concurrency`` threads, each on a keep-alive
connection as Pub/Sub keeps one, post Pub/Sub push envelopes
(tests/support/push.py) of valid snapshot events as fast as they are
acknowledged. Every event is of a distinct day, ending yesterday, so each
delivery is a real write, never a duplicate acknowledged as stored:

- resource_metrics.snapshot to /push/resource-metrics: one document a day;
- billing.snapshot to /push/billing: the day, then its month's read model
  recomputed from the month's stored days (days in order, as a backfill
  delivers them, so concurrent deliveries contend on their month).

A few deliveries of older days warm the workers up first. Every answer must
be 204, and the days stored are counted afterwards. Stores: the local
profile's SQLite in a temporary RECS_DATA_DIR, and the emulators profile's
Firestore on gcloud's emulator (devtools/emulators.py) when gcloud and its
cloud-firestore-emulator component are installed; otherwise that row says
why it was skipped. Target (printed, not asserted): at least 200
deliveries/s on SQLite. Figures depend on the machine.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bench._common import (
    Call,
    Load,
    Report,
    add_concurrency,
    argument_parser,
    figure,
    gunicorn,
    run_load,
)
from bench._seed import (
    PUSH_PATHS,
    api_environ,
    billing_event,
    days_before,
    envelope,
    metrics_event,
)
from dashboard_api.snapshots import BILLING_COLLECTION, RESOURCE_METRICS_COLLECTION
from devtools import emulators
from recs_shared import settings
from recs_shared.store import make_store

SQLITE_TARGET = 200  # deliveries per second, at least
WARMUP = 20
EVENTS = {"metrics": metrics_event, "billing": billing_event}
COLLECTIONS = {"metrics": RESOURCE_METRICS_COLLECTION, "billing": BILLING_COLLECTION}
EMULATOR_PROJECT = "demo-recs-bench"


@dataclass(frozen=True)
class Backend:
    name: str
    environ: dict[str, str]
    deliveries: int


@dataclass
class Row:
    backend: str
    kind: str
    load: Load | None = None
    stored: int = 0
    skipped: str = ""


def deliveries(kind: str, days: list, now: datetime) -> list[Call]:
    """The push requests of ``days``, encoded before any is timed."""
    return [("POST", PUSH_PATHS[kind], push_body(kind, day, now)) for day in days]


def push_body(kind: str, day: date, now: datetime) -> bytes:
    event = EVENTS[kind](day, now)
    return json.dumps(envelope(kind, event, day.toordinal())).encode()


def measure(backend: Backend, folder: Path, args) -> list[Row]:
    now = datetime.now(UTC)
    days = list(days_before(now.date(), backend.deliveries + WARMUP))
    warmup, measured = days[:WARMUP], days[WARMUP:]
    server = gunicorn("dashboard-api", backend.environ, folder)
    try:
        rows = []
        for kind in EVENTS:
            run_load(server.port, deliveries(kind, warmup, now), args.concurrency)
            calls = deliveries(kind, measured, now)
            load = run_load(server.port, calls, args.concurrency)
            rows.append(Row(backend.name, kind, load, stored(backend, kind)))
        return rows
    finally:
        server.kill()


def stored(backend: Backend, kind: str) -> int:
    config = settings.load(settings.CommonSettings, backend.environ)
    return make_store(config).count(COLLECTIONS[kind])


@contextmanager
def firestore(folder: Path, count: int) -> Iterator[Backend]:
    """The emulators profile on a Firestore emulator of our own."""
    emulator = emulators.start("firestore", folder)
    # This process counts the stored days too; the variable is the client's.
    os.environ["FIRESTORE_EMULATOR_HOST"] = emulator.host
    environ = api_environ(
        folder,
        RECS_PROFILE="emulators",
        RECS_GCP_PROJECT=EMULATOR_PROJECT,
        RECS_COLLECTION_PREFIX=f"bench{uuid.uuid4().hex[:8]}_",
        FIRESTORE_EMULATOR_HOST=emulator.host,
    )
    try:
        yield Backend("Firestore emulator", environ, count)
    finally:
        emulator.stop()


def measure_firestore(folder: Path, args) -> list[Row]:
    try:
        with firestore(folder, args.firestore_deliveries) as backend:
            return measure(backend, folder, args)
    except emulators.EmulatorUnavailable as reason:
        return [Row("Firestore emulator", kind, skipped=str(reason)) for kind in EVENTS]


def cells(row: Row) -> list[str]:
    if row.load is None:
        return [row.backend, row.kind, "skipped"] + [""] * 7
    load = row.load
    target = "no target"
    if row.backend == "SQLite":
        target = f"≥ {SQLITE_TARGET}: " + (
            "met" if load.per_second >= SQLITE_TARGET else "MISSED"
        )
    return [
        row.backend,
        row.kind,
        f"{load.answered:,}",
        f"{row.stored:,}",
        figure(load.seconds, 2),
        figure(load.per_second),
        figure(load.ms(50), 2),
        figure(load.ms(95), 2),
        figure(load.ms(99), 2),
        target,
    ]


def notes(rows: list[Row]) -> list[str]:
    found = []
    for row in rows:
        if row.skipped:
            found.append(f"{row.backend}, {row.kind} skipped: {row.skipped}")
        elif trouble := row.load.problems(204):
            found.append(f"{row.backend}, {row.kind}: {trouble}")
    return found


HEADERS = [
    "store",
    "event",
    "delivered",
    "days stored",
    "seconds",
    "deliveries/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "target",
]


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__)
    parser.add_argument("--deliveries", type=int, default=1000, help="on SQLite")
    parser.add_argument("--firestore-deliveries", type=int, default=300)
    add_concurrency(parser)
    args = parser.parse_args(argv)

    report = Report("Ingest: push deliveries per second", args.markdown)
    report.note(
        f"{args.concurrency} keep-alive connections; {WARMUP} warm-up deliveries "
        "(counted in the days stored) before each measured series"
    )
    with tempfile.TemporaryDirectory() as folder:
        sqlite = Backend("SQLite", api_environ(Path(folder)), args.deliveries)
        rows = measure(sqlite, Path(folder), args)
        rows += measure_firestore(Path(folder), args)

    report.table(HEADERS, [cells(row) for row in rows])
    for note in notes(rows) or ["every delivery answered 204"]:
        report.note(note)
    report.end()


if __name__ == "__main__":
    main()
