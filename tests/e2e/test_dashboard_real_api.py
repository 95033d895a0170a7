"""The System Dashboard in headless Chromium against the real dashboard-api
with the demo data of ``make run``: every KPI, invoice figure and chart of a
chapter equals what its APIs answer. A chapter whose APIs dashboard-api does
not serve yet is skipped, naming them."""

from __future__ import annotations

import pytest

from tests.support import dashboard_page, real_stack, web

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_stack(tmp_path_factory):
    web.require_assets()
    missing = real_stack.missing_apis()
    if len(missing) == len(dashboard_page.API_PATHS):
        pytest.skip("dashboard-api serves none of the page's APIs yet")
    stack = real_stack.start(tmp_path_factory.mktemp("demo") / "data")
    yield stack, missing
    stack.stop()


@pytest.mark.parametrize("section", list(dashboard_page.SECTIONS))
def test_demo_data_chapter_equals_its_apis(demo_stack, browser_page, section):
    stack, missing = demo_stack
    paths = [dashboard_page.API_PATHS[key] for key in dashboard_page.SECTIONS[section]]
    absent = [path for path in paths if path in missing]
    if absent:
        pytest.skip(f"dashboard-api does not serve {', '.join(absent)} yet")

    web.open_dashboard(browser_page, stack.url)

    apis = dashboard_page.read_apis(stack.url)
    dashboard_page.check_section(browser_page.page, section, apis)
    # The demo must show something, or the comparison above proves little.
    if section == "projects":
        assert apis["projects"]["data"]["projects"], "the demo has no project"
    else:
        drawn = dashboard_page.drawn_charts(browser_page.page)
        charts = dashboard_page.SECTION_CHARTS[section]
        assert any(drawn[c] for c in charts), f"the demo drew no {section} chart"
    web.screenshot(browser_page, "dashboard-demo-real-api")
