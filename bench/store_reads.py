"""Store reads of one page load: 30 days of history against 10 years.

    .venv/bin/python -m bench.store_reads [--years 10] [--projects 500] [--markdown]

One page load is one GET of each API the page calls
(tests/support/dashboard_page.py), sent to dashboard-api in this process
(Flask's test client) on the local profile's SQLite store. The store object
is wrapped with counters on every read method of the port
(shared/recs_shared/store/port.py: get, get_many, query, count), using the
tests' counting stores (tests/support/billing.py, platform_docs.py):

- calls: store calls made;
- documents: documents the calls returned;
- counted: index entries the ``count`` aggregations matched;
- billed reads: what Firestore would bill: a read per document fetched or
  asked for by id, at least one per query, and one per 1,000 entries a
  count matches.

The load measured is the second of the day: the first also counts, once,
the runs and experiments that started before today (its billed reads are
printed apart; dashboard_api/platform_totals.py).

Histories (bench/_seed.py): 30 days and 10 years, both with the demo's 4
projects; the target is an equal count (ratio 1.00). A third load, 10 years
with 500 projects, is shown apart: Your Projects lists every project, so
its reads grow with the number of projects by design.
"""

from __future__ import annotations

import math
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench._common import Report, argument_parser, ratio
from bench._seed import History, api_settings, seed, years
from dashboard_api.app import create_app
from recs_shared.store import make_store
from tests.support import billing, platform_docs
from tests.support.dashboard_page import API_PATHS

# Firestore bills a count aggregation one read per batch of index entries.
COUNT_BATCH = 1000


class BilledReads(billing.CountingStore):
    """The tests' Firestore-billed counter, which leaves count() out, with it."""

    def __init__(self, store) -> None:
        super().__init__(store)
        self.counted = 0

    def count(self, collection, where=()):
        found = self.store.count(collection, where)
        self.counted += found
        self.reads += max(1, math.ceil(found / COUNT_BATCH))
        return found


def page_load(data_dir: Path) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Each API's store figures, one GET each, and the day's first page load's
    whole figures."""
    # Every answer computed, as on Firestore, the store whose reads are
    # billed: a kept answer reads nothing (dashboard_api/kept_answers.py).
    config = api_settings(data_dir, RECS_LOG_LEVEL="WARNING", RECS_KEEP_ANSWERS="false")
    calls = platform_docs.CountingStore(make_store(config))
    store = BilledReads(calls)
    client = create_app(config, store).test_client()

    # The day's first page load also counts the runs and experiments that
    # started before today, once (dashboard_api/platform_totals.py); the
    # figures are those of every page load after it.
    first = totals(_each_api(client, calls, store))
    return _each_api(client, calls, store), first


def _each_api(client, calls, store) -> dict[str, dict[str, int]]:
    figures = {}
    for name, path in API_PATHS.items():
        calls.reset()
        store.reads = store.counted = 0
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status_code}")
        figures[name] = {
            "calls": sum(calls.queries.values()),
            "documents": sum(calls.documents.values()),
            "counted": store.counted,
            "billed reads": store.reads,
        }
    return figures


def measure(history: History, now: datetime) -> tuple[dict, dict, dict]:
    with tempfile.TemporaryDirectory() as folder:
        seeded = seed(Path(folder), history, now)
        return seeded, *page_load(Path(folder))


def totals(figures: dict[str, dict[str, int]]) -> dict[str, int]:
    keys = next(iter(figures.values()))
    return {key: sum(f[key] for f in figures.values()) for key in keys}


def endpoint_rows(results: dict[str, tuple[dict, dict, dict]]) -> list[list[str]]:
    rows = []
    for name in API_PATHS:
        cells = [
            " / ".join(f"{figures[name][key]:,}" for key in FIGURES)
            for _, figures, _ in results.values()
        ]
        rows.append([name, *cells])
    return rows


FIGURES = ("calls", "documents", "counted", "billed reads")


def total_rows(
    results: dict[str, tuple[dict, dict, dict]], base: str
) -> list[list[str]]:
    first = totals(results[base][1])
    rows = []
    for name, (seeded, figures, _) in results.items():
        summed = totals(figures)
        rows.append(
            [
                name,
                f"{seeded['platform documents']:,}",
                *(f"{summed[key]:,}" for key in FIGURES),
                ratio(summed["documents"], first["documents"]),
                ratio(summed["billed reads"], first["billed reads"]),
            ]
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--projects", type=int, default=500)
    args = parser.parse_args(argv)

    report = Report("Store reads of one page load", args.markdown)
    long = years(args.years)
    histories = [
        History("30 days", 30),
        History(long, args.years * 365),
        History(f"{long}, {args.projects} projects", args.years * 365, args.projects),
    ]
    now = datetime.now(UTC)
    results = {h.name: measure(h, now) for h in histories}

    report.note("Per API (calls / documents / counted / billed reads):")
    report.table(
        ["endpoint", *results],
        endpoint_rows(results),
    )
    report.note(
        f"Whole page load; the target is {long} = 30 days (ratio 1.00). The "
        "last row grows with the projects listed, by design:"
    )
    report.table(
        [
            "history",
            "platform docs",
            *FIGURES,
            "documents ÷ 30 days",
            "billed ÷ 30 days",
        ],
        total_rows(results, "30 days"),
    )
    report.note(
        "The day's first page load also counts, once, the runs and experiments "
        "that started before today (dashboard_api/platform_totals.py): billed "
        "reads of that load "
        + "; ".join(
            f"{name}: {first['billed reads']:,}"
            for name, (_, _, first) in results.items()
        )
    )
    report.note(
        "billed reads count a document asked for by id and missing (Firestore "
        "bills it); documents count only those found, so a history shorter than "
        "the six months billing_charts asks for returns fewer"
    )
    report.end()


if __name__ == "__main__":
    main()
