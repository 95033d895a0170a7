"""The System Dashboard in headless Chromium against the real dashboard-api
with the demo data of ``make run``: every KPI, invoice figure and chart on
the page equals what the APIs answer."""

from __future__ import annotations

import pytest

from tests.support import dashboard_page, real_stack, web

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_stack(tmp_path):
    web.require_assets()
    missing = real_stack.missing_apis()
    if missing:
        pytest.skip(
            "dashboard-api does not serve these APIs of the page yet: "
            + ", ".join(missing)
        )
    stack = real_stack.start(tmp_path / "data")
    yield stack
    stack.stop()


def test_demo_data_page_equals_the_apis(demo_stack, browser_page):
    web.open_dashboard(browser_page, demo_stack.url)

    apis = dashboard_page.read_apis(demo_stack.url)
    dashboard_page.check_page_matches_apis(browser_page.page, apis)
    drawn = dashboard_page.drawn_charts(browser_page.page)
    assert any(drawn.values()), "the demo data drew no chart at all"
    assert browser_page.console_errors == []
    web.screenshot(browser_page, "dashboard-demo-real-api")
