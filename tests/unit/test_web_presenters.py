"""How the server-rendered parts of the page show figures, text and times."""

from __future__ import annotations

from decimal import Decimal

import pytest

from web_app import freshness, presenters


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (0, 0, "0"),
        (12345, 0, "12.345"),
        (1234567.891, 2, "1.234.567,89"),
        (87.5, 1, "87,5"),
        (2.675, 2, "2,68"),  # half-up on the decimal text, not the float
        (-0.004, 2, "0,00"),
        (-12.345, 2, "-12,35"),
        (Decimal("0.48"), 2, "0,48"),
        ("4.56", 2, "4,56"),
        (None, 2, "--"),
        (True, 0, "--"),
        ("not a number", 0, "--"),
    ],
)
def test_decimal_uses_house_separators_and_rounds_half_up(value, places, shown):
    assert presenters.decimal(value, places) == shown


def test_percent_and_missing_accuracy():
    assert presenters.accuracy(
        {"retrieval_recall_pct": 31.9, "ranking_rmse": 0.48, "hybrid_recall_pct": None}
    ) == {"retrieval": "31,9%", "ranking": "0,48", "hybrid": "--"}


def test_assets_default_to_zero_when_the_api_gave_nothing():
    assert presenters.assets(None) == {
        "projects": "0",
        "models": "0",
        "trainings": "0",
        "experiments": "0",
    }


def test_first_words_cuts_at_fifteen_words_with_an_ellipsis():
    words = [f"w{i}" for i in range(1, 17)]

    assert presenters.first_words(" ".join(words)) == " ".join(words[:15]) + "…"
    assert presenters.first_words(" ".join(words[:15])) == " ".join(words[:15])
    assert presenters.first_words("  spaced   out  ") == "spaced out"
    assert presenters.first_words(None) == ""


@pytest.mark.parametrize(
    ("status", "css"),
    [
        ("active", "text-green-600"),
        ("failed", "text-red-600"),
        ("idle", "text-blue-600"),
    ],
)
def test_project_name_colour_follows_its_status(status, css):
    card = presenters.project_card({"status": status, "description": ""})

    assert card["name_class"] == css
    assert card["short_description"] == ""


def test_utc_time_converts_offsets_to_utc():
    assert presenters.utc_time("2026-12-03T03:00:12+01:00") == "2026-12-03 02:00 UTC"
    assert presenters.utc_time(None) == "--"
    assert presenters.utc_time("yesterday") == "yesterday"


def test_freshness_names_each_failed_collector_of_a_partial_collection():
    lines = freshness.lines(
        {
            "source": "resource_metrics",
            "snapshot_date": "2026-12-02",
            "collected_at": "2026-12-03T02:00:12+00:00",
            "status": "partial",
            "failed_collectors": [
                {"collector": "cloud_storage", "error": "403 denied"},
                {"collector": "bigquery", "error": ""},
            ],
            "provisional_days": ["2026-12-02"],
        }
    )

    assert [line.text for line in lines] == [
        "Resource metrics: collected 2026-12-03 02:00 UTC, data up to 2026-12-02.",
        "Partial collection: cloud_storage failed (403 denied); bigquery failed.",
        "Provisional (may still change): 2026-12-02.",
    ]
    assert lines[1].css == "freshness-warning"


def test_freshness_when_nothing_was_collected_or_nothing_was_said():
    never = freshness.lines({"source": "billing", "status": "none"})

    assert [line.text for line in never] == ["Billing: not collected yet."]
    assert freshness.lines(None)[0].text.startswith("Collection time unknown")
