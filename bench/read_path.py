"""Read path: the page's APIs under gunicorn, against a floor, 30 days vs 10 years.

    .venv/bin/python -m bench.read_path [--duration 5] [--concurrency 8]
        [--years 10] [--projects 500] [--markdown]

dashboard-api runs under a real gunicorn (``--workers 2``, and the
production command's ``--threads 8 --timeout 60``: bench/floor_app.py) on a
free loopback port, on the local profile's SQLite store in a temporary
RECS_DATA_DIR, for two histories, each with a data folder of its own: (a)
30 days of history and the demo's 4 projects; (b) 10 years of history and
500 projects. bench/_seed.py writes them (the platform seeder, and one
resource and one billing snapshot per day through the push endpoint). Each
history has two servers on its store: one keeps its answers while the store
is unchanged (the default, dashboard_api/kept_answers.py), the other
computes every answer (RECS_KEEP_ANSWERS=false), which is what Firestore
gets and what shows that a computed answer reads the days on screen, not
the history. All servers stay up, and each endpoint is measured on one
after the other, so every history and mode sees the same machine.

For each GET endpoint the page calls (tests/support/dashboard_page.py), a
bounded load: ``--concurrency`` threads, each on its own keep-alive
connection, for ``--duration`` seconds after a short warm-up. Then the same
load on the endpoint's floor: a static JSON body of the same size as the
endpoint's answer, served by the same gunicorn server and workers as the
kept answers (bench/floor_app.py), so the ratio is what the endpoint's
work costs beyond serving its bytes. Printed: req/s, p50, p95, p99, and beside them the
targets (not asserted): each endpoint at least 50% of its floor's req/s;
p95 at most 2x the floor's; the 10-year figures within 20% of the 30-day
ones.

Known shortcoming: the load generator is Python threads in one process, on
the same cores as the server, so the floor's figure is partly the client's
own limit; wrk (absent here) would push the floor higher and the ratios
lower. Figures depend on the machine; nothing here asserts a threshold.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench._common import (
    Load,
    Report,
    add_concurrency,
    argument_parser,
    fetch,
    figure,
    gunicorn,
    repeat_get,
    run_load,
)
from bench._seed import History, api_environ, seed, years
from tests.support.dashboard_page import API_PATHS

THROUGHPUT_TARGET = 0.5  # of the floor's req/s, at least
P95_TARGET = 2.0  # times the floor's p95, at most
HISTORY_TOLERANCE = 0.2  # 10 years against 30 days


# The two ways dashboard-api answers: each worker keeping its answers while
# the store is unchanged (the default; dashboard_api/kept_answers.py), and
# computing every one, as it does on Firestore.
MODES = {"kept": "true", "computed": "false"}
MODE_TITLES = {
    "kept": "answers kept (the default on SQLite)",
    "computed": "every answer computed (RECS_KEEP_ANSWERS=false, as on Firestore)",
}


@dataclass
class Endpoint:
    path: str
    size: int
    api: dict[str, Load]  # by mode
    floor: Load


@dataclass
class Measured:
    history: History
    seeded: dict
    ports: dict[str, int]  # by mode
    endpoints: dict[str, Endpoint] = field(default_factory=dict)


@contextmanager
def serving(history: History, now: datetime) -> Iterator[Measured]:
    """dashboard-api under gunicorn on ``history``, in a data folder of its own:
    one server per mode, both on the same store."""
    with tempfile.TemporaryDirectory() as folder, ExitStack() as servers:
        data_dir = Path(folder)
        seeded = seed(data_dir, history, now)
        ports = {}
        for mode, keep in MODES.items():
            logs = data_dir / mode
            logs.mkdir()
            environ = api_environ(data_dir, RECS_KEEP_ANSWERS=keep)
            server = gunicorn("dashboard-api", environ, logs)
            servers.callback(server.kill)
            ports[mode] = server.port
        yield Measured(history, seeded, ports)


def measure_all(servers: list[Measured], args) -> None:
    # Endpoint by endpoint, each history in turn (all servers stay up), so
    # a change of the machine's load mid-run hits both histories alike.
    for name, path in API_PATHS.items():
        for measured in servers:
            measured.endpoints[name] = measure_endpoint(measured.ports, path, args)


def measure_endpoint(ports: dict[str, int], path: str, args) -> Endpoint:
    size = len(fetch(ports["kept"], path))

    api = {mode: bounded_load(port, path, args) for mode, port in ports.items()}
    # Right after the endpoint, so both run under the same conditions.
    floor = bounded_load(ports["kept"], f"/__floor__/{size}", args)
    return Endpoint(path, size, api, floor)


def bounded_load(port: int, path: str, args) -> Load:
    run_load(port, repeat_get(path), args.concurrency, args.warmup)
    return run_load(port, repeat_get(path), args.concurrency, args.duration)


def floor_rows(measured: Measured, mode: str) -> list[list[str]]:
    rows = []
    for name, e in measured.endpoints.items():
        api = e.api[mode]
        throughput = api.per_second / e.floor.per_second
        p95 = api.ms(95) / e.floor.ms(95)
        rows.append(
            [
                name,
                f"{e.size:,}",
                figure(api.per_second),
                figure(api.ms(50), 2),
                figure(api.ms(95), 2),
                figure(api.ms(99), 2),
                figure(e.floor.per_second),
                figure(e.floor.ms(95), 2),
                f"{throughput:.2f}",
                f"{p95:.2f}",
                met(throughput >= THROUGHPUT_TARGET and p95 <= P95_TARGET),
            ]
        )
    return rows


FLOOR_HEADERS = [
    "endpoint",
    "bytes",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "floor req/s",
    "floor p95 ms",
    f"req/s ÷ floor (≥ {THROUGHPUT_TARGET:.2f})",
    f"p95 ÷ floor (≤ {P95_TARGET:.2f})",
    "targets",
]


def history_rows(short: Measured, long: Measured, mode: str) -> list[list[str]]:
    rows = []
    for name, recent_endpoint in short.endpoints.items():
        recent = recent_endpoint.api[mode]
        old = long.endpoints[name].api[mode]
        throughput = old.per_second / recent.per_second
        p95 = old.ms(95) / recent.ms(95)
        rows.append(
            [
                name,
                figure(recent.per_second),
                figure(old.per_second),
                f"{throughput:.2f}",
                figure(recent.ms(95), 2),
                figure(old.ms(95), 2),
                f"{p95:.2f}",
                met(
                    throughput >= 1 - HISTORY_TOLERANCE and p95 <= 1 + HISTORY_TOLERANCE
                ),
            ]
        )
    return rows


def met(condition: bool) -> str:
    return "met" if condition else "MISSED"


def describe(measured: Measured) -> str:
    seeded = measured.seeded
    return (
        f"{measured.history.name}: {seeded['days of snapshots']:,} days of "
        f"resource and billing snapshots, {seeded['projects']} projects, "
        f"{seeded['platform documents']:,} platform documents "
        f"(seeded in {seeded['seconds']:.0f} s)"
    )


def problems(measured: Measured) -> list[str]:
    found = []
    for name, e in measured.endpoints.items():
        loads = [(f" ({mode})", load) for mode, load in e.api.items()]
        for what, load in [*loads, (" floor", e.floor)]:
            if trouble := load.problems(200):
                found.append(f"{measured.history.name}, {name}{what}: {trouble}")
    return found


def print_results(report: Report, results: list[Measured]) -> None:
    for measured in results:
        report.note(describe(measured))
    print()

    for mode, title in MODE_TITLES.items():
        for measured in results:
            report.note(f"{measured.history.name}, {title}, against the floor:")
            report.table(FLOOR_HEADERS, floor_rows(measured, mode))

    short, long = results
    for mode, title in MODE_TITLES.items():
        report.note(
            f"{long.history.name} against {short.history.name}, {title} (targets: "
            f"req/s ratio ≥ {1 - HISTORY_TOLERANCE:.2f}, p95 ratio ≤ "
            f"{1 + HISTORY_TOLERANCE:.2f}):"
        )
        report.table(
            [
                "endpoint",
                f"req/s {short.history.name}",
                f"req/s {long.history.name}",
                "ratio",
                f"p95 ms {short.history.name}",
                f"p95 ms {long.history.name}",
                "ratio",
                "targets",
            ],
            history_rows(short, long, mode),
        )
    for trouble in [p for m in results for p in problems(m)] or ["every answer 200"]:
        report.note(trouble)
    report.end()


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds")
    add_concurrency(parser)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--projects", type=int, default=500)
    args = parser.parse_args(argv)

    report = Report("Read path: the page's APIs against a floor", args.markdown)
    report.note(
        f"{args.concurrency} keep-alive connections, {args.duration:g} s per "
        f"endpoint and per floor, after {args.warmup:g} s of warm-up"
    )
    histories = [
        History("30 days", 30),
        History(years(args.years), args.years * 365, args.projects),
    ]
    now = datetime.now(UTC)
    with ExitStack() as stack:
        results = [stack.enter_context(serving(h, now)) for h in histories]
        measure_all(results, args)
    print_results(report, results)


if __name__ == "__main__":
    main()
