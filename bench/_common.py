"""Helpers shared by the benchmark scripts: servers, load, figures, output.

- ``gunicorn``: a service under a real gunicorn on a free loopback port,
  with the production command's flags and the floor (bench/floor_app.py);
- ``run_load``: a bounded loopback load from threads, each keeping its own
  ``http.client`` connection alive, with every answer's latency;
- ``memory_kib``: this process's memory now or at its peak, from /proc;
- ``Report``: the run's conditions (date, machine, load, command) and its
  tables, printed for reading or as Markdown for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import platform
import shlex
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from bench import REPO

FLOOR_CONFIG = REPO / "bench" / "floor_app.py"

T = TypeVar("T")
Call = tuple[str, str, bytes | None]  # method, path, body
JSON = {"Content-Type": "application/json"}


# --- memory -------------------------------------------------------------------


def memory_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process, from /proc.

    Not getrusage's ru_maxrss: Linux carries it across fork and exec, so a
    child started by a parent that held the generated rows would report the
    parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status (Linux only)")


def wall_and_memory(work: Callable[[], T]) -> tuple[T, dict[str, float]]:
    """``work()``'s result, its wall time, this process's peak memory, and how
    far the peak rose above the memory held before ``work`` started."""
    baseline = memory_kib("VmRSS")
    started = time.perf_counter()
    result = work()
    wall = time.perf_counter() - started
    peak = memory_kib("VmHWM")
    return result, {
        "wall_seconds": wall,
        "peak_rss_mib": peak / 1024,
        "rise_mib": (peak - baseline) / 1024,
    }


MEMORY_HEADERS = ["wall s", "peak RSS MiB", "rise MiB"]


def memory_cells(figures: dict[str, float]) -> list[str]:
    return [
        figure(figures["wall_seconds"], 2),
        figure(figures["peak_rss_mib"]),
        figure(figures["rise_mib"]),
    ]


def growth(small: dict, large: dict, size: str, noun: str) -> str:
    """How wall time and memory grew from the ``size`` of ``small`` to ``large``'s."""
    return (
        f"{large[size] / small[size]:.0f}x the {noun}: wall time x"
        f"{large['wall_seconds'] / small['wall_seconds']:.2f}, peak RSS x"
        f"{large['peak_rss_mib'] / small['peak_rss_mib']:.2f}, memory rise "
        f"{small['rise_mib']:.1f} -> {large['rise_mib']:.1f} MiB"
    )


# --- gunicorn -----------------------------------------------------------------


def gunicorn(service: str, env: dict[str, str], log_dir: Path):
    """``service`` started under gunicorn (2 workers of 8 threads), answering.

    The tests' ServiceProcess runs ``gunicorn --workers 2 main:app``; the
    config file adds the production threads and timeout, and the floor.
    """
    # Imported here: processes measured for memory import this module, and
    # must not pay for requests and the tests' helpers.
    from tests.support.processes import ServiceProcess

    process = ServiceProcess(
        service,
        {**env, "GUNICORN_CMD_ARGS": "--config " + shlex.quote(str(FLOOR_CONFIG))},
        log_dir / f"{service}.log",
    )
    process.start(timeout=60)
    return process


# --- load ---------------------------------------------------------------------


@dataclass
class Load:
    """What one bounded load got back."""

    seconds: float
    latencies: list[float] = field(default_factory=list)  # of answered calls
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # connection errors
    lost: int = 0  # calls that failed twice: never answered

    @property
    def answered(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds

    def ms(self, percent: int) -> float:
        return percentile(self.latencies, percent) * 1000

    def problems(self, expected: int) -> str:
        """Answers other than ``expected``, lost calls and reconnections, or ''."""
        wrong = {s: n for s, n in self.statuses.items() if s != expected}
        parts = [f"{n}x HTTP {s}" for s, n in sorted(wrong.items())]
        parts += [f"{self.lost} lost"] if self.lost else []
        parts += [f"{n}x {kind}, sent again" for kind, n in self.failures.items()]
        return ", ".join(parts)


def percentile(values: Sequence[float], percent: int) -> float:
    """The ``percent``-th percentile, interpolated between the two nearest."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def repeat_get(path: str) -> Iterator[Call]:
    return itertools.repeat(("GET", path, None))


def run_load(
    port: int,
    calls: Iterable[Call],
    concurrency: int,
    seconds: float | None = None,
) -> Load:
    """Send ``calls`` from ``concurrency`` threads until they run out or
    ``seconds`` have passed, whichever comes first."""
    source = iter(calls)
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds if seconds else float("inf")
    load = Load(seconds=0.0)

    def next_call() -> Call | None:
        with lock:
            if time.perf_counter() >= deadline:
                return None
            return next(source, None)

    threads = [
        threading.Thread(target=_client, args=(port, next_call, load, lock))
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - started
    return load


def _client(port: int, next_call, load: Load, lock: threading.Lock) -> None:
    # One keep-alive connection per thread, as a browser or Pub/Sub keeps.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while (call := next_call()) is not None:
        sent = time.perf_counter()
        status = _send(connection, call, load, lock)
        if status is None:
            # The server may close a kept-alive connection at any time (as
            # HTTP allows); a client then sends again, on a new one.
            status = _send(connection, call, load, lock)
        with lock:
            if status is None:
                load.lost += 1
            else:
                load.latencies.append(time.perf_counter() - sent)
                load.statuses[status] += 1
    connection.close()


def _send(connection, call: Call, load: Load, lock: threading.Lock) -> int | None:
    """The answer's status, or None (counted) when the connection failed."""
    method, path, body = call
    try:
        connection.request(method, path, body=body, headers=JSON)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        with lock:
            load.failures[type(error).__name__] += 1
        return None
    return response.status


def fetch(port: int, path: str) -> bytes:
    """One GET on a fresh connection; the body (raises unless 200)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}: {body[:300]!r}")
    return body


# --- the run's conditions and output --------------------------------------------


def argument_parser(doc: str) -> argparse.ArgumentParser:
    """A script's parser: its docstring's first line, and ``--markdown``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the tables as Markdown, to paste into bench/RESULTS.md",
    )
    return parser


def add_concurrency(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--concurrency", type=int, default=8, help="client threads, one connection each"
    )


def command() -> str:
    """The command that reproduces this run (from the repository root)."""
    module = Path(sys.argv[0]).stem
    return shlex.join([".venv/bin/python", "-m", f"bench.{module}", *sys.argv[1:]])


def machine() -> str:
    cpu = _proc_field("/proc/cpuinfo", "model name") or platform.processor()
    ram_kib = int((_proc_field("/proc/meminfo", "MemTotal") or "0 kB").split()[0])
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram_kib / 1024**2:.1f} GiB RAM, "
        f"Python {platform.python_version()}, Linux {platform.release()}"
    )


def cpu_busy(seconds: float = 2.0) -> str:
    """How busy the CPUs were over the next ``seconds``, from /proc/stat.

    Sampled before a benchmark starts anything, so it is what other
    processes use; the load average lags by minutes and would still count
    the previous benchmark.
    """
    before = _cpu_times()
    time.sleep(seconds)
    after = _cpu_times()
    busy, total = (a - b for a, b in zip(after, before, strict=True))
    return f"{busy / total:.0%} over {seconds:g} s" if total else "unknown"


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs; idle and iowait are not busy."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])  # guest time is counted in user time already
    return total - idle, total


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def _proc_field(path: str, name: str) -> str | None:
    for line in Path(path).read_text().splitlines():
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return None


class Report:
    """Tables and notes, as aligned text or as Markdown."""

    def __init__(self, title: str, markdown: bool) -> None:
        self.markdown = markdown
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        conditions = f"CPU busy before: {cpu_busy()}; load average {load_average()}"
        if markdown:
            print(f"### {title}\n")
            print(f"- command: `{command()}`")
            print(f"- run: {started}; {machine()}")
            print(f"- {conditions}")
        else:
            print(f"{title}\n{started}; {machine()}")
            print(conditions)
            print(f"command: {command()}\n")

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        if self.markdown:
            print("\n" + "\n".join(markdown_table(headers, rows)) + "\n")
        else:
            print("\n".join(text_table(headers, rows)) + "\n")

    def note(self, text: str) -> None:
        print(f"- {text}" if self.markdown else text)

    def end(self) -> None:
        self.note(f"load average after: {load_average()}")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list:
    return [
        "| " + " | ".join(headers) + " |",
        "|:---|" + "---:|" * (len(headers) - 1),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list:
    """Columns aligned: the first to the left, figures to the right."""
    widths = [max(map(len, column)) for column in zip(headers, *rows, strict=True)]
    return [
        "  ".join(
            [first.ljust(widths[0])]
            + [cell.rjust(w) for cell, w in zip(cells, widths[1:], strict=True)]
        )
        for first, *cells in (headers, *rows)
    ]


def figure(value: float, places: int = 1) -> str:
    return f"{value:,.{places}f}"


def ratio(value: float, against: float) -> str:
    return f"{value / against:.2f}" if against else "n/a"
