"""The web service and a headless Chromium for the page's tests.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright's Python API;
no browser is ever downloaded. Its flags keep it off the network: the page
only reaches the loopback servers the test starts.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from recs_shared import settings
from tests.support.servers import LoopbackServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
DIST = REPO / "services" / "web" / "web_app" / "static" / "dist"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--mute-audio",
]


def web_app(api_url: str, data_dir: Path, **extra: str):
    from web_app.app import create_app

    environ = {
        "RECS_DASHBOARD_API_URL": api_url,
        "RECS_DATA_DIR": str(data_dir),
        "RECS_GCP_PROJECT": "b2b-recs",
        **extra,
    }
    return create_app(settings.load(settings.WebSettings, environ))


def require_assets() -> None:
    if not (DIST / "js" / "app.js").exists():
        pytest.fail(
            f"the page's assets are not built ({DIST} is missing): run `make install`"
        )


@dataclass
class BrowserPage:
    """A Playwright page with what it logged to the console and its errors."""

    page: object
    console: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    dialogs: list = field(default_factory=list)

    @property
    def console_errors(self) -> list[str]:
        return [m.text for m in self.console if m.type == "error"]


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    watched = BrowserPage(page)
    page.on("console", lambda message: watched.console.append(message))
    page.on("pageerror", lambda error: watched.page_errors.append(error))

    def _dialog(dialog):
        watched.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", _dialog)
    yield watched
    context.close()


def open_dashboard(watched: BrowserPage, base_url: str) -> None:
    watched.page.goto(base_url + "/")
    watched.page.wait_for_selector("html[data-dashboard=ready]", timeout=20_000)


def screenshot(watched: BrowserPage, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    watched.page.screenshot(path=str(path), full_page=True)
    return path


def start(app) -> LoopbackServer:
    return LoopbackServer(app).start()
