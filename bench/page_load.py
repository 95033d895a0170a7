"""First load of the System Dashboard in headless Chromium, on loopback.

Prints, as the median of several cold loads (a new browser context each, so
nothing is cached):

- bytes transferred (compressed, as on the wire, headers included) and the
  number of requests, against the budget of 350 KB and 15 requests;
- the time until every chart is drawn (the page's "dashboard-ready" mark)
  beside the time to load an empty page from the same server (/healthz, the
  floor), and their ratio;
- how far apart the page's API requests start (a small spread means one
  round of parallel calls, not a waterfall).

Data: the real dashboard-api with the demo data of ``make run`` when it
serves the page's APIs, otherwise the API stand-in of the tests with its demo
payloads (the script says which).

Known shortcoming: web and dashboard-api run in this process on Werkzeug's
threaded server (as in the tests), sharing the GIL and the machine's two
cores with Chromium, so the times are pessimistic next to gunicorn on Cloud
Run; bytes and requests do not depend on it.

    .venv/bin/python -m bench.page_load [--runs 5] [--markdown]
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The services are not installed packages; pytest finds them the same way.
sys.path[:0] = [
    str(REPO / "services" / "dashboard-api"),
    str(REPO / "services" / "web"),
]

from playwright.sync_api import sync_playwright  # noqa: E402

from bench._common import Report, argument_parser  # noqa: E402
from tests.support import api_double, real_stack, web  # noqa: E402

BUDGET_BYTES = 350 * 1024
BUDGET_REQUESTS = 15


def start_stack(data_dir: Path):
    missing = real_stack.missing_apis()
    if not missing:
        stack = real_stack.start(data_dir)
        return "dashboard-api with the demo data", stack.url, stack.stop

    double = api_double.ApiDouble(api_double.demo_payloads())
    api = web.start(double.app)
    site = web.start(web.web_app(api.url, data_dir))

    def stop():
        site.stop()
        api.stop()

    reason = "dashboard-api lacks " + ", ".join(missing)
    return f"the API stand-in's demo payloads ({reason})", site.url, stop


def measure_dashboard(browser, url: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, float] = {}
    starts: dict[str, float] = {}
    urls: dict[str, str] = {}

    def sent(event):
        urls[event["requestId"]] = event["request"]["url"]
        starts[event["requestId"]] = event["timestamp"]

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )

    page.goto(url + "/")
    page.wait_for_selector("html[data-dashboard=ready]", timeout=30_000)
    ready = page.evaluate(
        "performance.getEntriesByName('dashboard-ready')[0].startTime"
    )
    api_starts = [starts[i] for i, u in urls.items() if "/api/" in u]
    context.close()
    return {
        "bytes": sum(sizes.values()),
        "requests": len(urls),
        "ready_ms": ready,
        "api_spread_ms": (max(api_starts) - min(api_starts)) * 1000
        if api_starts
        else 0.0,
    }


def measure_floor(browser, url: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/healthz")
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    context.close()
    return loaded


def measure_all(url: str, runs: int) -> tuple[list[dict], list[float]]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=web.CHROMIUM, args=web.CHROMIUM_FLAGS
        )
        measure_dashboard(browser, url)  # warm the servers up
        loads = [measure_dashboard(browser, url) for _ in range(runs)]
        floors = [measure_floor(browser, url) for _ in range(runs)]
        browser.close()
    return loads, floors


def rows(median: dict[str, float], floor: float) -> list[list[str]]:
    return [
        [
            "transferred",
            f"{median['bytes'] / 1024:.1f} KB",
            f"budget {BUDGET_BYTES / 1024:.0f} KB",
            f"{median['bytes'] / BUDGET_BYTES:.0%}",
        ],
        [
            "requests",
            f"{median['requests']:.0f}",
            f"budget {BUDGET_REQUESTS}",
            f"{median['requests'] / BUDGET_REQUESTS:.0%}",
        ],
        [
            "all charts drawn",
            f"{median['ready_ms']:.0f} ms",
            f"empty page (floor) {floor:.0f} ms",
            f"{median['ready_ms'] / floor:.1f}x",
        ],
        ["API requests' start spread", f"{median['api_spread_ms']:.0f} ms", "", ""],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argument_parser(__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    web.require_assets()

    report = Report("First page load in headless Chromium", args.markdown)
    # The stack logs every push of its demo data to stdout: kept out of the
    # tables (in memory: the log handler keeps writing there to the end).
    with tempfile.TemporaryDirectory() as data_dir, redirect_stdout(io.StringIO()):
        source, url, stop = start_stack(Path(data_dir))
        try:
            loads, floors = measure_all(url, args.runs)
        finally:
            stop()

    median = {key: statistics.median(run[key] for run in loads) for key in loads[0]}
    floor = statistics.median(floors)
    report.note(f"data: {source}; {args.runs} cold loads, medians")
    report.table(["figure", "median", "against", "ratio"], rows(median, floor))
    within = median["bytes"] <= BUDGET_BYTES and median["requests"] <= BUDGET_REQUESTS
    report.note("within budget" if within else "OVER BUDGET")
    report.end()
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
