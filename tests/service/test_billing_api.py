"""The billing APIs over HTTP: figures, empty store, whitelist, freshness."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from dashboard_api.billing import config_changes
from recs_shared.money import format_eur, to_cents
from recs_shared.store import StoreUnavailable
from tests.support import billing
from tests.support.billing import RATE, get, line, push, run, snapshot
from tests.support.events import billing_line

ENDPOINTS = ("summary", "charts", "invoice")


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def test_the_spec_invoice_example_is_reproduced_exactly(api_settings, sqlite_store):
    # USD totals chosen so that, at the default 0.92, each service's month
    # gives the spec's figures; spread over days so rounding happens on sums.
    february = days(date(2026, 2, 1), date(2026, 2, 18))
    plan = {
        ("Data", "Cloud SQL"): (february, "5.00"),  # 18 x 5.00 x 0.92 = 82.80
        ("Data", "BigQuery"): (february[:10], "2.50"),  # 23.00
        ("Data", "Cloud Storage"): (february[:4], "2.75"),  # 10.12
        ("Training", "Vertex AI (GPU)"): (february[2:5], "14.00"),  # 38.64
        ("System", "Cloud Scheduler"): (february[:16], "0.20"),  # 2.944
    }
    client = billing.api(api_settings, sqlite_store, datetime(2026, 2, 20, tzinfo=UTC))
    push(
        client,
        *(
            snapshot(
                day,
                [
                    line(category, service, amount)
                    for (category, service), (billed, amount) in plan.items()
                    if day in billed
                ],
            )
            for day in february
        ),
    )

    invoice = get(client, "invoice")["data"]

    assert invoice["rows"] == [
        {
            "kind": "license",
            "label": "License",
            "costs": "1900.00",
            "discount_pct": 100,
            "total": "0.00",
        },
        category_row(
            "Data",
            "115.92",
            [("Cloud SQL", "82.80"), ("BigQuery", "23.00"), ("Cloud Storage", "10.12")],
        ),
        category_row("Training", "38.64", [("Vertex AI (GPU)", "38.64")]),
        category_row("System", "2.94", [("Cloud Scheduler", "2.94")]),
    ]
    shown = {
        name: format_eur(Decimal(invoice[name]))
        for name in ("subtotal", "grand_total", "vat", "total_due")
    }
    assert shown == {
        "subtotal": "€157,50",
        "grand_total": "€157,50",
        "vat": "€31,50",
        "total_due": "€189,00",
    }
    assert invoice["vat_pct"] == 20
    assert format_eur(Decimal(invoice["rows"][0]["costs"])) == "€1.900,00"
    assert invoice["period"] == {
        "start": "2026-02-01",
        "end": "2026-02-28",
        "label": "Feb 1 - Feb 28, 2026",
    }


def category_row(label: str, total: str, services: list[tuple[str, str]]):
    return {
        "kind": "category",
        "label": label,
        "costs": total,
        "total": total,
        "services": [{"label": s, "costs": t, "total": t} for s, t in services],
    }


def test_each_service_is_rounded_once_on_its_month_total(api_settings, sqlite_store):
    config_changes.update(sqlite_store, {"usd_to_display_rate": "1"})
    client = billing.api(api_settings, sqlite_store, datetime(2026, 3, 5, tzinfo=UTC))

    # 0.005 a day: rounding each day would show 3 x 0.01 = 0.03.
    push(
        client,
        *(
            snapshot(date(2026, 3, d), [line("System", "Secret Manager", "0.005")])
            for d in (1, 2, 3)
        ),
    )

    invoice = get(client, "invoice")["data"]
    assert invoice["rows"][1] == category_row(
        "System", "0.02", [("Secret Manager", "0.02")]
    )
    assert invoice["subtotal"] == "0.02"


def test_an_empty_store_answers_empty_datasets_and_zero_amounts(
    api_settings, sqlite_store
):
    client = billing.api(api_settings, sqlite_store, datetime(2026, 12, 4, tzinfo=UTC))
    answers = {name: get(client, name) for name in ENDPOINTS}

    empty_series = {
        "labels": [],
        "datasets": {"Data": [], "Training": [], "Inference": [], "System": []},
    }
    assert answers["charts"]["data"] == {
        "currency": "EUR",
        "daily_spend": empty_series,
        "cost_breakdown": {"labels": [], "values": [], "total": "0.00"},
        "monthly_trend": empty_series,
        "cost_per_training": {
            "labels": [],
            "values": [],
            "model_types": [],
            "dates": [],
        },
    }
    summary = answers["summary"]["data"]
    assert (summary["spent_to_date"], summary["estimated_total"]) == ("0.00", "0.00")
    assert summary["budget"] == {
        "amount": "920.00",
        "spent": "0.00",
        "spent_pct": 0.0,
        "projected": "0.00",
        "projected_pct": 0.0,
        "pace": "green",
    }
    invoice = answers["invoice"]["data"]
    assert [row["kind"] for row in invoice["rows"]] == ["license"]
    assert [invoice[k] for k in ("subtotal", "grand_total", "vat", "total_due")] == [
        "0.00"
    ] * 4
    for answer in answers.values():
        assert answer["freshness"] == {
            "source": "billing",
            "snapshot_date": None,
            "collected_at": None,
            "status": "none",
            "failed_collectors": [],
            "provisional_days": [],
        }


def test_no_billing_response_carries_the_internal_cost_structure(
    api_settings, sqlite_store
):
    # One line whose gcp cost, fee and their conversions are distinctive.
    internal = billing_line("Data", "BigQuery", "7.31", margin_pct=37)
    runs = [{"training_run_id": "run-1", "model_type": "ranking", **figures(internal)}]
    # After the 05:00 collection of the day before: no collection is from
    # the future.
    client = billing.api(
        api_settings, sqlite_store, datetime(2026, 6, 16, 6, tzinfo=UTC)
    )
    push(client, snapshot(date(2026, 6, 15), [internal], runs))

    forbidden_values = {
        "7.31",
        "2.7047",
        str(to_cents(Decimal("7.31") * RATE)),
        str(to_cents(Decimal("2.7047") * RATE)),
    }
    for name in ENDPOINTS:
        answer = get(client, name)
        keys = set(billing.keys_of(answer))
        assert not [k for k in keys if any(bad in k for bad in billing.FORBIDDEN_KEYS)]
        assert not forbidden_values & set(strings_of(answer))
    # The client total is there: 10.0147 USD x 0.92 = 9.213524 -> 9.21.
    assert get(client, "invoice")["data"]["subtotal"] == "9.21"


def figures(line: dict) -> dict:
    return {
        k: line[k] for k in ("gcp_cost", "margin_pct", "platform_fee", "total_cost")
    }


def strings_of(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from strings_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_of(item)
    elif isinstance(value, str):
        yield value


def test_summary_estimates_the_month_end_from_the_last_seven_settled_days(
    api_settings, sqlite_store
):
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    collected = days(date(2026, 2, 20), date(2026, 3, 9))
    usd = {day: Decimal(10 + day.day) for day in collected}  # varied daily spend
    provisional = {date(2026, 3, 8), date(2026, 3, 9)}
    client = billing.api(api_settings, sqlite_store, now)
    push(
        client,
        *(
            snapshot(
                day,
                [line("Data", "BigQuery", str(usd[day]))],
                provisional=day in provisional,
            )
            for day in collected
        ),
    )

    summary = get(client, "summary")["data"]

    march = [day for day in collected if day.month == 3]
    spent = to_cents(sum(usd[day] for day in march) * RATE)
    settled = sorted(day for day in collected if day not in provisional)[-7:]
    average = sum(usd[day] * RATE for day in settled) / 7
    projected = to_cents(spent + average * (31 - len(march)))
    assert summary["spent_to_date"] == str(spent)
    assert summary["estimated_total"] == str(projected)  # the license is 0.00
    assert summary["budget"]["projected"] == str(projected)
    assert summary["budget"]["spent_pct"] == float(round(spent / Decimal(920) * 100, 1))
    assert summary["period_elapsed_pct"] == round((9.5 / 31) * 100, 1)
    assert summary["license"] == {
        "fee": "1900.00",
        "discount_pct": 100,
        "total": "0.00",
        "discounted": True,
    }


@pytest.mark.parametrize(
    ("daily_usd", "pace"),
    # 31 days of March, all collected: the projection is the month's spend.
    # 0.92 x 31 x d against the 920.00 budget: 90% is 828.00.
    [("29.00", "green"), ("29.04", "orange"), ("32.25", "orange"), ("32.26", "red")],
)
def test_the_budget_bar_turns_orange_above_90_percent_and_red_above_100(
    api_settings, sqlite_store, daily_usd, pace
):
    client = billing.api(
        api_settings, sqlite_store, datetime(2026, 4, 1, 6, tzinfo=UTC)
    )
    march = days(date(2026, 3, 1), date(2026, 3, 31))
    push(client, *(snapshot(d, [line("Data", "BigQuery", daily_usd)]) for d in march))

    april = get(client, "summary")["data"]
    assert april["spent_to_date"] == "0.00"  # a new month has begun

    end_of_march = datetime(2026, 3, 31, 23, tzinfo=UTC)
    client.application.extensions["clock"] = lambda: end_of_march
    budget = get(client, "summary")["data"]["budget"]
    assert budget["projected"] == str(to_cents(Decimal(daily_usd) * 31 * RATE))
    assert budget["pace"] == pace


def test_freshness_names_the_newest_day_and_the_provisional_ones(
    api_settings, sqlite_store
):
    client = billing.api(
        api_settings, sqlite_store, datetime(2026, 12, 4, 6, tzinfo=UTC)
    )
    newest_collection = datetime(2026, 12, 4, 5, 0, 41, tzinfo=UTC)
    push(
        client,
        snapshot(date(2026, 11, 29), [line("Data", "BigQuery", "1.00")]),
        snapshot(
            date(2026, 12, 2), [line("Data", "BigQuery", "1.00")], provisional=True
        ),
        snapshot(
            date(2026, 12, 3),
            [line("Data", "BigQuery", "1.00")],
            collected_at=newest_collection,
            provisional=True,
        ),
    )

    for name in ENDPOINTS:
        assert get(client, name)["freshness"] == {
            "source": "billing",
            "snapshot_date": "2026-12-03",
            "collected_at": "2026-12-04T05:00:41+00:00",
            "status": "success",
            "failed_collectors": [],
            "provisional_days": ["2026-12-02", "2026-12-03"],
        }


def test_freshness_finds_the_newest_day_even_months_back(api_settings, sqlite_store):
    client = billing.api(api_settings, sqlite_store, datetime(2026, 12, 4, tzinfo=UTC))
    push(
        client,
        snapshot(date(2026, 7, 30), [line("Data", "BigQuery", "1.00")]),
        snapshot(date(2026, 8, 14), [line("Data", "BigQuery", "1.00")]),
    )

    freshness = get(client, "invoice")["freshness"]
    assert (freshness["snapshot_date"], freshness["status"]) == (
        "2026-08-14",
        "success",
    )
    assert get(client, "invoice")["data"]["subtotal"] == "0.00"


def test_daily_spend_runs_to_the_newest_day_with_gaps_left_empty(
    api_settings, sqlite_store
):
    client = billing.api(api_settings, sqlite_store, datetime(2026, 12, 6, tzinfo=UTC))
    push(
        client,
        snapshot(
            date(2026, 12, 1),
            [line("Data", "BigQuery", "1.00"), line("Data", "Cloud SQL", "2.00")],
        ),
        snapshot(date(2026, 12, 3), [line("Inference", "shop-serving", "3.00")]),
        snapshot(date(2026, 12, 4), []),
    )

    daily = get(client, "charts")["data"]["daily_spend"]

    assert daily["labels"] == ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
    assert daily["datasets"] == {
        "Data": [str(to_cents(3 * RATE)), None, "0.00", "0.00"],
        "Training": ["0.00", None, "0.00", "0.00"],
        "Inference": ["0.00", None, str(to_cents(3 * RATE)), "0.00"],
        "System": ["0.00", None, "0.00", "0.00"],
    }


def test_breakdown_and_trend_show_each_month_as_its_invoice_does(
    api_settings, sqlite_store
):
    client = billing.api(api_settings, sqlite_store, datetime(2026, 12, 6, tzinfo=UTC))
    billed = {
        date(2026, 6, 30): [line("Data", "BigQuery", "1.00")],  # outside the window
        date(2026, 8, 1): [
            line("Data", "BigQuery", "1.10"),
            line("Data", "GCS", "1.11"),
        ],
        date(2026, 8, 2): [line("Data", "BigQuery", "1.10")],
        date(2026, 11, 3): [line("System", "Cloud Scheduler", "0.33")],
        date(2026, 12, 1): [line("Training", "Vertex AI (GPU)", "4.44")],
        date(2026, 12, 2): [line("Training", "Vertex AI (GPU)", "4.44")],
    }
    push(client, *(snapshot(day, lines) for day, lines in billed.items()))

    charts = get(client, "charts")["data"]

    def month_total(month: int, category: str) -> str:
        services: dict[str, Decimal] = {}
        for day, lines in billed.items():
            for item in lines:
                if day.month == month and item["category"] == category:
                    before = services.get(item["service"], Decimal(0))
                    services[item["service"]] = before + item["total_cost"] * RATE
        return str(sum((to_cents(v) for v in services.values()), Decimal("0.00")))

    trend = charts["monthly_trend"]
    assert trend["labels"] == [
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-12",
    ]
    for category in ("Data", "Training", "Inference", "System"):
        assert trend["datasets"][category] == [
            None,
            month_total(8, category),
            None,
            None,
            month_total(11, category),
            month_total(12, category),
        ]
    assert charts["cost_breakdown"] == {
        "labels": ["Data", "Training", "Inference", "System"],
        "values": ["0.00", month_total(12, "Training"), "0.00", "0.00"],
        "total": month_total(12, "Training"),
    }


def test_cost_per_training_shows_the_last_ten_runs_oldest_first(
    api_settings, sqlite_store
):
    client = billing.api(
        api_settings, sqlite_store, datetime(2026, 12, 6, 6, tzinfo=UTC)
    )
    # Twelve runs, one a day from Nov 22; run-00 is billed again on Dec 5,
    # so it becomes the newest, and its two days add up.
    first = date(2026, 11, 22)
    costs = {f"run-{n:02d}": Decimal(n + 1) for n in range(12)}
    events = [
        snapshot(first + timedelta(n), [], [run(f"run-{n:02d}", "ranking", str(c))])
        for n, c in enumerate(costs.values())
    ]
    events.append(snapshot(date(2026, 12, 5), [], [run("run-00", "retrieval", "2.50")]))
    push(client, *events)

    chart = get(client, "charts")["data"]["cost_per_training"]

    expected = [f"run-{n:02d}" for n in range(3, 12)] + ["run-00"]
    assert chart["labels"] == expected
    assert chart["values"] == [
        str(to_cents(costs[r] * RATE)) for r in expected[:-1]
    ] + [str(to_cents((costs["run-00"] + Decimal("2.50")) * RATE))]
    assert chart["model_types"] == ["ranking"] * 9 + ["retrieval"]
    assert chart["dates"][-2:] == ["2026-12-03", "2026-12-05"]


def test_a_page_load_reads_as_many_documents_with_ten_years_as_with_thirty_days(
    api_settings, tmp_path
):
    from recs_shared.store.sqlite_store import SQLiteStore

    now = datetime(2026, 12, 6, 6, tzinfo=UTC)
    recent = days(date(2026, 11, 6), date(2026, 12, 5))
    # Ten years back: two days a month, plus the same thirty recent days.
    decade = [date(2016 + n // 12, n % 12 + 1, d) for n in range(130) for d in (9, 19)]
    reads = {}
    for name, history in (("30 days", recent), ("10 years", decade + recent)):
        store = billing.CountingStore(SQLiteStore(tmp_path / f"{name}.sqlite3"))
        client = billing.api(api_settings, store, now)
        push(
            client, *(snapshot(d, [line("Data", "BigQuery", "1.00")]) for d in history)
        )

        store.reads = 0
        for endpoint in ENDPOINTS:
            get(client, endpoint)
        reads[name] = store.reads

    # BillingConfig, then the months on screen: 2 (summary), 6 (charts), 2.
    assert reads == {"30 days": 13, "10 years": 13}


def test_a_store_outage_answers_503_with_a_clear_error(api_settings, sqlite_store):
    class DownStore(billing.CountingStore):
        def get(self, collection, doc_id):
            raise StoreUnavailable("Firestore: 503 unavailable")

    client = billing.api(
        api_settings, DownStore(sqlite_store), datetime(2026, 12, 6, tzinfo=UTC)
    )
    for name in ENDPOINTS:
        response = client.get(f"/api/system/billing/{name}/")
        assert response.status_code == 503
        assert response.json == {
            "success": False,
            "error": "the dashboard store is unavailable; retry later",
        }


def test_vat_rate_and_licence_discount_come_from_billing_config(
    api_settings, sqlite_store
):
    config_changes.update(sqlite_store, {"vat_pct": "20.5", "license_discount_pct": 25})
    client = billing.api(api_settings, sqlite_store, datetime(2026, 5, 3, tzinfo=UTC))
    push(client, snapshot(date(2026, 5, 1), [line("Data", "BigQuery", "10.00")]))

    invoice = get(client, "invoice")["data"]
    summary = get(client, "summary")["data"]

    license_total = to_cents(Decimal("1900.00") * 75 / 100)  # 1425.00
    usage = to_cents(Decimal("10.00") * RATE)
    grand = license_total + usage
    vat = to_cents(grand * Decimal("20.5") / 100)
    assert invoice["rows"][0] == {
        "kind": "license",
        "label": "License",
        "costs": "1900.00",
        "discount_pct": 25,
        "total": str(license_total),
    }
    assert (invoice["subtotal"], invoice["grand_total"]) == (str(grand), str(grand))
    assert (invoice["vat_pct"], invoice["vat"]) == (20.5, str(vat))
    assert invoice["total_due"] == str(grand + vat)
    assert summary["license"]["discounted"] is True
    # One day collected: 30 more at that day's spend, plus the licence.
    assert summary["estimated_total"] == str(license_total + to_cents(usage * 31))
