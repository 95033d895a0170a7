"""The System Dashboard in headless Chromium, against the API stand-in.

The stand-in (tests/support/api_double.py) answers as docs/api.md says, with
payloads each test chooses; every expectation is computed from what the page's
APIs answer (tests/support/dashboard_page.py).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from recs_shared.money import format_eur
from tests.support import api_double, dashboard_page, web
from tests.support.servers import free_port

pytestmark = pytest.mark.browser

XSS_NAME = "<img src=x onerror=alert(1)>"
VECTORS = Path(__file__).resolve().parents[1] / "support" / "eur_format_vectors.json"


@pytest.fixture
def stack(tmp_path):
    """Start the stand-in with the given payloads and web in front of it."""
    web.require_assets()
    servers = []

    def start(payloads):
        double = api_double.ApiDouble(payloads)
        api = web.start(double.app)
        site = web.start(web.web_app(api.url, tmp_path / "data"))
        servers.extend([site, api])
        return double, site.url

    yield start
    for server in servers:
        server.stop()


def test_demo_data_every_figure_and_chart_equals_the_api(stack, browser_page):
    _, url = stack(api_double.demo_payloads())

    web.open_dashboard(browser_page, url)

    dashboard_page.check_page_matches_apis(
        browser_page.page, dashboard_page.read_apis(url)
    )
    assert browser_page.console_errors == []
    assert browser_page.page_errors == []
    web.screenshot(browser_page, "dashboard-demo")


def test_demo_data_shows_partial_collection_and_unmeasured_figures(stack, browser_page):
    _, url = stack(api_double.demo_payloads())

    web.open_dashboard(browser_page, url)

    page = browser_page.page
    system = page.locator("#systemFreshness").inner_text()
    assert "Resource metrics: collected 2026-12-03 02:00 UTC" in system
    assert (
        "Partial collection: cloud_storage failed (403 storage.buckets.list" in system
    )
    assert "Billing: collected 2026-12-03 02:00 UTC" in page.inner_text(
        "#billingFreshness"
    )
    assert "Platform data: collected" in page.inner_text("#projectsFreshness")
    assert page.inner_text("#kpiLatencyStatus") == "Latency is not measured yet"
    per_project = page.locator('.project-card [data-kpi="latency"]').all_inner_texts()
    assert per_project == ["--", "--", "--"]


def test_project_cards_colour_names_cut_descriptions_and_link_to_the_project(
    stack, browser_page
):
    double, url = stack(api_double.demo_payloads())
    projects = double.payloads["projects"]["data"]["projects"]

    web.open_dashboard(browser_page, url)

    page = browser_page.page
    colours = {
        "active": "rgb(22, 163, 74)",  # text-green-600
        "failed": "rgb(220, 38, 38)",  # text-red-600
        "idle": "rgb(37, 99, 235)",  # text-blue-600
    }
    for project in projects:
        card = page.locator(f'[data-project-id="{project["id"]}"]')
        name = card.locator(".project-name")
        assert (
            name.evaluate("e => getComputedStyle(e).color")
            == colours[project["status"]]
        )
        words = project["description"].split()
        description = card.locator(".project-description").inner_text()
        if not words:
            assert description == "No description"
        elif len(words) > 15:
            assert description == " ".join(words[:15]) + "…"
        else:
            assert description == project["description"]

    shop = projects[0]
    page.click(f'[data-project-id="{shop["id"]}"] .project-arrow')
    page.wait_for_url(f"{url}/projects/{shop['id']}")
    assert page.inner_text("h1") == shop["name"]
    assert page.locator("#modelsTable tbody tr").count() == 1
    assert "p-shop-serving" in page.inner_text("#endpointsTable")
    assert "recall_at_100 0,319" in page.inner_text("#runsTable")


def test_empty_store_shows_empty_state_no_data_and_zeros(stack, browser_page):
    _, url = stack(api_double.empty_payloads())

    web.open_dashboard(browser_page, url)

    page = browser_page.page
    dashboard_page.check_page_matches_apis(page, dashboard_page.read_apis(url))
    for chart_id in dashboard_page.CHART_IDS:
        assert page.locator(f"#{chart_id} ~ .chart-empty").is_visible(), chart_id
    assert (
        page.locator("#projectsEmpty").inner_text().startswith("No models created yet")
    )
    assert page.locator("#projectsEmpty button").inner_text().strip() == (
        "Create Your First Model"
    )
    counts = [
        "kpiActiveEndpoints", "kpiRequests", "kpiTrainingRuns", "kpiExperiments",
        "kpiEtlRuns", "kpiDataTables",
        "kpiProjects", "kpiModels", "kpiTrainings", "kpiTotalExperiments",
    ]  # fmt: skip
    assert dashboard_page.texts(page, counts) == dict.fromkeys(counts, "0")
    # No finished run has no success rate: "--", not a misleading "0%".
    assert page.inner_text("#kpiSuccessRate") == "--"
    assert page.inner_text("#kpiDataVolume") == "0,00 GB"
    assert "Resource metrics: not collected yet." in page.inner_text("#systemFreshness")
    assert browser_page.dialogs == []
    assert browser_page.console_errors == []
    web.screenshot(browser_page, "dashboard-empty")


def test_dashboard_api_down_page_renders_zero_kpis_and_logs_errors(
    tmp_path, browser_page
):
    web.require_assets()
    closed = f"http://127.0.0.1:{free_port()}"
    site = web.start(web.web_app(closed, tmp_path / "data"))
    try:
        web.open_dashboard(browser_page, site.url)
        page = browser_page.page

        kpi_ids = [
            "kpiActiveEndpoints", "kpiRequests", "kpiTrainingRuns", "kpiSuccessRate",
            "kpiExperiments", "kpiEtlRuns", "kpiDataTables", "kpiDataVolume",
            "kpiProjects", "kpiModels", "kpiTrainings", "kpiTotalExperiments",
        ]  # fmt: skip
        assert dashboard_page.texts(page, kpi_ids) == dict.fromkeys(kpi_ids, "0")
        assert "dashboard-api is unreachable" in page.inner_text("#projectsBody")
        errors = browser_page.console_errors
        logged = [
            "System Details KPIs could not be loaded",
            "System Details charts could not be loaded",
            "Billing summary could not be loaded",
            "Billing charts could not be loaded",
            "Invoice preview could not be loaded",
        ]
        for message in logged:
            assert any(message in error for error in errors), (message, errors)
        for chart_id in dashboard_page.CHART_IDS:
            assert page.locator(f"#{chart_id} ~ .chart-empty").is_visible()
        assert browser_page.dialogs == []
    finally:
        site.stop()


def test_chapters_toggle_by_click_and_keyboard_and_remember_it(stack, browser_page):
    _, url = stack(api_double.demo_payloads())
    web.open_dashboard(browser_page, url)
    page = browser_page.page
    system = page.locator('[data-chapter="system"]')
    button = system.locator(".chapter-title-wrapper")
    content = system.locator(".chapter-content")

    page.click('[data-chapter="system"] .chapter-toggle')
    assert button.get_attribute("aria-expanded") == "false"
    assert not content.is_visible()

    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert content.is_visible()

    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "false"

    page.reload()
    page.wait_for_selector("html[data-dashboard=ready]")
    assert button.get_attribute("aria-expanded") == "false"
    assert not content.is_visible()
    billing = page.locator('[data-chapter="billing"] .chapter-title-wrapper')
    assert billing.get_attribute("aria-expanded") == "true"

    # The header's own button opens its dialog, not the chapter.
    page.click("#newProjectButton")
    assert page.locator("#newProjectDialog").is_visible()
    projects = page.locator('[data-chapter="projects"] .chapter-title-wrapper')
    assert projects.get_attribute("aria-expanded") == "true"


def test_invoice_categories_expand_by_click_and_keyboard(stack, browser_page):
    double, url = stack(api_double.demo_payloads())
    web.open_dashboard(browser_page, url)
    page = browser_page.page
    data_services = [
        s["label"]
        for row in double.payloads["billing_invoice"]["data"]["rows"]
        if row.get("label") == "Data"
        for s in row["services"]
    ]
    rows = page.locator('#invoiceBody tr[data-category="Data"]')
    toggle = page.locator("#invoiceBody .invoice-toggle", has_text="Data")

    assert rows.count() == len(data_services)
    assert [r.is_visible() for r in rows.all()] == [False] * len(data_services)

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert [r.is_visible() for r in rows.all()] == [True] * len(data_services)
    shown = [r.locator("td").first.inner_text() for r in rows.all()]
    assert shown == data_services

    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert [r.is_visible() for r in rows.all()] == [False] * len(data_services)


def test_new_project_shows_field_errors_then_the_new_card(stack, browser_page):
    _, url = stack(api_double.demo_payloads())
    web.open_dashboard(browser_page, url)
    page = browser_page.page

    page.click("#newProjectButton")
    with page.expect_response("**/api/system/projects/") as answer:
        page.click("#newProjectSubmit")
    refused = answer.value.json()
    assert answer.value.status == 400
    assert page.inner_text("#projectNameError") == " ".join(refused["fields"]["name"])
    assert page.get_attribute("#projectName", "aria-invalid") == "true"

    page.fill("#projectName", "shop-recs")
    with page.expect_response("**/api/system/projects/") as answer:
        page.click("#newProjectSubmit")
    assert answer.value.status == 400
    duplicate = " ".join(answer.value.json()["fields"]["name"])
    assert page.inner_text("#projectNameError") == duplicate

    page.fill("#projectName", "  spring-sale  ")
    page.fill("#projectDescription", "Seasonal picks.")
    with page.expect_response("**/api/system/projects/") as answer:
        page.click("#newProjectSubmit")
    created = answer.value.json()["data"]
    card = page.locator(f'[data-project-id="{created["id"]}"]')
    card.wait_for()
    assert card.locator(".project-name").inner_text() == "spring-sale"
    assert card.locator(".project-description").inner_text() == "Seasonal picks."
    assert not page.locator("#newProjectDialog").is_visible()
    assert page.inner_text("#kpiProjects") == "4"


def test_a_typed_project_name_is_shown_as_text_never_as_html(stack, browser_page):
    _, url = stack(api_double.empty_payloads())
    web.open_dashboard(browser_page, url)
    page = browser_page.page

    page.click("#projectsEmpty button")
    page.fill("#projectName", XSS_NAME)
    page.fill("#projectDescription", "<b>bold?</b>")
    with page.expect_response("**/api/system/projects/") as answer:
        page.click("#newProjectSubmit")
    created = answer.value.json()["data"]
    card = page.locator(f'[data-project-id="{created["id"]}"]')
    card.wait_for()

    assert card.locator(".project-name").inner_text() == XSS_NAME
    assert card.locator(".project-description").inner_text() == "<b>bold?</b>"
    assert page.locator("#projectsBody img").count() == 0
    assert page.locator("#projectsBody b").count() == 0

    card.locator(".project-arrow").click()
    page.wait_for_url(f"**/projects/{created['id']}")
    assert page.inner_text("h1") == XSS_NAME
    assert page.locator("main img").count() == 0
    assert browser_page.dialogs == []


def _vectors() -> list[tuple[str, str]]:
    """(input, expected) pairs: the reference formatter on our edge cases,
    plus the billing engineer's shared vectors when that file exists."""
    inputs = [
        "0", "0.00", "0.004", "0.005", "-0.004", "-0.005", "1", "1900", "1900.00",
        "1234567.891", "-12.345", "999.995", "0.1", "-1900.5", "100000000.01",
        "12.3449", "2.675",
    ]  # fmt: skip
    pairs = [(text, format_eur(Decimal(text))) for text in inputs]
    pairs += [("1900.00", "€1.900,00"), ("0.00", "€0,00"), ("-12.34", "-€12,34")]
    if VECTORS.exists():
        shared = json.loads(VECTORS.read_text())
        for vector in shared["vectors"]:
            pairs.append((vector["amount"], vector["formatted"]))
    return pairs


def test_format_eur_in_the_browser_matches_the_house_formatter(stack, browser_page):
    _, url = stack(api_double.empty_payloads())
    web.open_dashboard(browser_page, url)
    vectors = _vectors()

    shown = browser_page.page.evaluate(
        "inputs => inputs.map(v => BillingDashboard.formatEUR(v))",
        [text for text, _ in vectors],
    )

    assert list(zip([t for t, _ in vectors], shown, strict=True)) == [
        (text, expected) for text, expected in vectors
    ]


def test_page_loads_nothing_from_outside_its_origin_and_no_inline_code(
    stack, browser_page
):
    _, url = stack(api_double.demo_payloads())
    requested = []
    browser_page.page.on("request", lambda r: requested.append(r.url))

    web.open_dashboard(browser_page, url)

    assert requested and all(u.startswith(url) for u in requested), requested
    inline = browser_page.page.evaluate(
        """() => ({
          scripts: [...document.scripts].filter(s => !s.src).length,
          styles: document.querySelectorAll('style').length,
        })"""
    )
    assert inline == {"scripts": 0, "styles": 0}


def test_charts_are_destroyed_before_they_are_drawn_again(stack, browser_page):
    _, url = stack(api_double.demo_payloads())
    web.open_dashboard(browser_page, url)
    page = browser_page.page
    count = "() => Object.keys(Chart.instances).length"
    first = page.evaluate(count)

    page.evaluate(
        """async () => {
             await SystemDashboard.loadCharts();
             await BillingDashboard.loadCharts();
           }"""
    )

    assert first == len(dashboard_page.CHART_IDS)
    assert page.evaluate(count) == first
    assert all(dashboard_page.drawn_charts(page).values())
    assert browser_page.console_errors == []


SPEC_STYLES = [
    # (selector, CSS property, value) from the spec's Chapter Styling,
    # Chapter Icons and Header tables.
    (".chapter-container", "border-top-width", "2px"),
    (".chapter-container", "border-top-style", "solid"),
    (".chapter-container", "border-top-color", "rgb(31, 41, 55)"),
    (".chapter-container", "border-top-left-radius", "16px"),
    (".chapter-header", "padding", "24px 28px"),
    (".chapter-icon", "width", "48px"),
    (".chapter-icon", "height", "48px"),
    (".chapter-icon", "border-top-left-radius", "12px"),
    (".chapter-title", "font-size", "24px"),
    (".chapter-title", "font-weight", "700"),
    (".chapter-subtitle", "font-size", "14px"),
    (".chapter-subtitle", "color", "rgb(107, 114, 128)"),
    (
        ".chapter-icon.system",
        "background-image",
        "linear-gradient(135deg, rgb(59, 130, 246), rgb(96, 165, 250))",
    ),
    (
        ".chapter-icon.projects",
        "background-image",
        "linear-gradient(135deg, rgb(139, 92, 246), rgb(167, 139, 250))",
    ),
    (
        ".chapter-icon.billing",
        "background-image",
        "linear-gradient(135deg, rgb(245, 158, 11), rgb(251, 191, 36))",
    ),
    ("body", "background-color", "rgb(255, 255, 255)"),
    ("header img", "height", "70px"),
    ("#projectId", "font-size", "48px"),
    ("#projectId", "font-weight", "700"),
    ("#projectId", "color", "rgb(30, 58, 138)"),
    (".user-icon", "width", "44px"),
    (".user-icon", "height", "44px"),
    (".user-icon", "border-top-left-radius", "9999px"),
    (".chapter-kpi-grid", "display", "grid"),
]


def test_page_follows_the_spec_styling(stack, browser_page):
    _, url = stack(api_double.demo_payloads())
    web.open_dashboard(browser_page, url)
    page = browser_page.page

    shown = [
        (selector, prop, page.eval_on_selector(
            selector, "(e, p) => getComputedStyle(e).getPropertyValue(p)", prop
        ))
        for selector, prop, _ in SPEC_STYLES
    ]  # fmt: skip

    assert shown == SPEC_STYLES
    icons = page.locator(".chapter-icon i").evaluate_all(
        "icons => icons.map(i => i.className)"
    )
    assert icons == ["fas fa-server", "fas fa-cube", "fas fa-credit-card"]
    columns = page.eval_on_selector(
        ".chapter-kpi-grid", "e => getComputedStyle(e).gridTemplateColumns"
    )
    widths = [float(w.removesuffix("px")) for w in columns.split()]
    assert round(widths[0] / widths[1], 2) == round(4 / 3, 2)
