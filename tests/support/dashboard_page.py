"""What the System Dashboard page must show for given API answers.

Each expectation is computed here from the API's JSON (read through web's
/api forwarding, exactly as the page reads it) with the reference
formatters: recs_shared.money.format_eur for money and ``german`` below for
other figures. The same checks run against the API stand-in and against the
real dashboard-api with demo data.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import requests

from recs_shared.categories import CATEGORIES
from recs_shared.money import format_eur

API_PATHS = {
    "kpis": "/api/system/kpis/",
    "resource_charts": "/api/system/resource-charts/",
    "billing_summary": "/api/system/billing/summary/",
    "billing_charts": "/api/system/billing/charts/",
    "billing_invoice": "/api/system/billing/invoice/",
    "projects": "/api/system/projects/",
}
CHART_IDS = (
    "chartCombinedStorage",
    "chartBqJobs",
    "chartEtlHealth",
    "chartCloudRunRequests",
    "chartGpuHours",
    "chartGpuJobs",
    "chartDailySpend",
    "chartCostBreakdown",
    "chartMonthlyTrend",
    "chartCostPerTraining",
)
READ_CHART = """id => {
  const chart = Chart.getChart(id);
  if (!chart) return null;
  return {labels: chart.data.labels,
          datasets: chart.data.datasets.map(d => ({label: d.label, data: d.data}))};
}"""


def read_apis(web_url: str) -> dict[str, dict[str, Any]]:
    """What each API answers through web (an error body for a missing one)."""
    return {
        key: requests.get(web_url + path, timeout=10).json()
        for key, path in API_PATHS.items()
    }


def german(value: Any, places: int) -> str:
    """1234.5 with 2 places: ``1.234,50`` (grouping ".", decimal ",")."""
    if value is None:
        return "--"
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    english = f"{number:,.{places}f}"
    return english.translate(str.maketrans({",": ".", ".": ","}))


def as_given_percent(value: Any) -> str:
    """A percentage with the decimals the API gave: 20 → 20%, 20.5 → 20,5%."""
    exponent = Decimal(str(value)).as_tuple().exponent
    return german(value, max(0, -exponent)) + "%"


def expected_kpis(data: dict[str, Any]) -> dict[str, str]:
    rate = data["training_success_rate"]
    return {
        "kpiActiveEndpoints": german(data["live_endpoints"], 0),
        "kpiRequests": german(data["requests_30d"], 0),
        "kpiTrainingRuns": german(data["training_runs_30d"], 0),
        "kpiSuccessRate": "--" if rate is None else german(rate, 1) + "%",
        "kpiExperiments": german(data["experiments_30d"], 0),
        "kpiEtlRuns": german(data["etl_runs_24h"], 0),
        "kpiDataTables": german(data["data_tables"], 0),
        "kpiDataVolume": german(data["data_volume_gb"], 2) + " GB",
        "kpiLatency": (
            "Not measured"
            if data["avg_latency_ms"] is None
            else german(data["avg_latency_ms"], 0) + " ms"
        ),
    }


def expected_billing_summary(data: dict[str, Any]) -> dict[str, str]:
    license = data["license"]
    badge = (
        f"License: -{license['discount_pct']}%"
        if license["discounted"]
        else f"License: {format_eur(Decimal(license['fee']))}"
    )
    return {
        "billingPeriod": data["period"]["label"],
        "billingEstimated": format_eur(Decimal(data["estimated_total"])),
        "billingSpent": format_eur(Decimal(data["spent_to_date"])),
        "billingLicense": badge,
    }


def expected_invoice_rows(data: dict[str, Any]) -> list[list[str]]:
    """Every row of the invoice table, as its four cells' text."""
    eur = lambda text: format_eur(Decimal(text))  # noqa: E731
    rows = []
    for line in data["rows"]:
        if line["kind"] == "category":
            rows.append([line["label"], eur(line["costs"]), "", eur(line["total"])])
            for service in line["services"]:
                rows.append(
                    [service["label"], eur(service["costs"]), "", eur(service["total"])]
                )
        else:
            discount = f"-{line['discount_pct']}%" if line.get("discount_pct") else ""
            rows.append(
                [line["label"], eur(line["costs"]), discount, eur(line["total"])]
            )
    rows += [
        [""],
        ["Subtotal", "", "", eur(data["subtotal"])],
        ["Grand Total", "", "", eur(data["grand_total"])],
        ["VAT", "", as_given_percent(data["vat_pct"]), eur(data["vat"])],
        ["Total Due", "", "", eur(data["total_due"])],
    ]
    return rows


def _numbers(values: list) -> list:
    return [None if v is None else float(Decimal(str(v))) for v in values]


def _chart(labels, *series) -> tuple | None:
    """(labels, [data of each dataset]), or None for "No data available"."""
    drawn = any(v is not None for values in series for v in values)
    if not labels or not drawn:
        return None
    return (labels, [_numbers(values) for values in series])


def expected_system_charts(resource: dict) -> dict[str, tuple | None]:
    chart = _chart
    storage = resource["combined_storage"]
    jobs = resource["bq_jobs"]
    etl = resource["etl_health"]
    gpu = resource["gpu_hours"]
    return {
        "chartCombinedStorage": chart(
            storage["labels"],
            storage["bigquery_gb"],
            storage["sql_gb"],
            storage["buckets_gb"],
        ),
        "chartBqJobs": chart(
            jobs["labels"], jobs["completed"], jobs["failed"], jobs["bytes_billed_gb"]
        ),
        "chartEtlHealth": chart(etl["labels"], etl["completed"], etl["failed"]),
        "chartCloudRunRequests": chart(
            resource["cloud_run_requests"]["labels"],
            resource["cloud_run_requests"]["requests"],
        ),
        "chartGpuHours": chart(gpu["labels"], gpu["hours"]),
        "chartGpuJobs": chart(gpu["labels"], gpu["completed"], gpu["failed"]),
    }


def expected_billing_charts(billing: dict) -> dict[str, tuple | None]:
    chart = _chart
    daily = billing["daily_spend"]
    monthly = billing["monthly_trend"]
    breakdown = billing["cost_breakdown"]
    per_run = billing["cost_per_training"]
    breakdown_chart = chart(breakdown["labels"], breakdown["values"])
    # A donut of zeros draws nothing: the page says "No data available".
    if breakdown_chart and not any(Decimal(v or 0) for v in breakdown["values"]):
        breakdown_chart = None
    return {
        "chartDailySpend": chart(
            daily["labels"], *[daily["datasets"].get(c, []) for c in CATEGORIES]
        ),
        "chartCostBreakdown": breakdown_chart,
        "chartMonthlyTrend": chart(
            monthly["labels"], *[monthly["datasets"].get(c, []) for c in CATEGORIES]
        ),
        "chartCostPerTraining": chart(per_run["labels"], per_run["values"]),
    }


def expected_accuracy(accuracy: dict[str, Any]) -> dict[str, str]:
    pct = lambda v: "--" if v is None else german(v, 1) + "%"  # noqa: E731
    return {
        "kpiRetrieval": pct(accuracy["retrieval_recall_pct"]),
        "kpiRanking": german(accuracy["ranking_rmse"], 2),
        "kpiHybrid": pct(accuracy["hybrid_recall_pct"]),
    }


def expected_assets(assets: dict[str, Any]) -> dict[str, str]:
    return {
        "kpiProjects": german(assets["projects"], 0),
        "kpiModels": german(assets["models"], 0),
        "kpiTrainings": german(assets["trainings"], 0),
        "kpiTotalExperiments": german(assets["experiments"], 0),
    }


def texts(page, ids) -> dict[str, str]:
    return {i: page.locator(f"#{i}").inner_text().strip() for i in ids}


def invoice_cells(page) -> list[list[str]]:
    """The invoice rows' cell texts, hidden service rows included."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#invoiceBody tr')].map(
             tr => [...tr.cells].map(td => td.textContent.trim()))"""
    )


def drawn_charts(page) -> dict[str, Any]:
    return {i: page.evaluate(READ_CHART, i) for i in CHART_IDS}


SECTIONS = {
    "system": ("kpis", "resource_charts"),
    "projects": ("projects",),
    "billing": ("billing_summary", "billing_charts", "billing_invoice"),
}

SECTION_CHARTS = {"system": CHART_IDS[:6], "billing": CHART_IDS[6:]}


def check_page_matches_apis(page, apis: dict[str, dict[str, Any]]) -> None:
    """Every KPI, invoice figure and chart on the page equals its API value."""
    for section in SECTIONS:
        check_section(page, section, apis)


def check_section(page, section: str, apis: dict[str, dict[str, Any]]) -> None:
    if section == "system":
        kpis = expected_kpis(apis["kpis"]["data"])
        assert texts(page, kpis) == kpis
        charts = expected_system_charts(apis["resource_charts"]["data"])
    elif section == "billing":
        summary = expected_billing_summary(apis["billing_summary"]["data"])
        assert texts(page, summary) == summary
        invoice = expected_invoice_rows(apis["billing_invoice"]["data"])
        assert invoice_cells(page) == invoice
        charts = expected_billing_charts(apis["billing_charts"]["data"])
    else:
        check_projects(page, apis["projects"]["data"])
        charts = {}
    check_charts(page, charts)


def check_projects(page, projects: dict[str, Any]) -> None:
    expected = {
        **expected_assets(projects["assets"]),
        **expected_accuracy(projects["accuracy"]),
    }
    assert texts(page, expected) == expected
    names = page.locator(".project-card .project-name").all_inner_texts()
    assert names == [p["name"] for p in projects["projects"]]


def check_charts(page, charts: dict[str, tuple | None]) -> None:
    drawn = drawn_charts(page)
    for chart_id, want in charts.items():
        got = drawn[chart_id]
        empty_note = page.locator(f"#{chart_id} ~ .chart-empty")
        if want is None:
            assert got is None, chart_id
            assert empty_note.is_visible(), chart_id
            assert empty_note.inner_text() == "No data available"
        else:
            assert got is not None, f"{chart_id} was not drawn"
            assert (got["labels"], [d["data"] for d in got["datasets"]]) == (
                want[0],
                want[1],
            ), chart_id
            assert not empty_note.is_visible(), chart_id
