"""The platform's collections: documented field by field, and the demo seeder."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from devtools import platform_seed
from recs_shared import platform

DOC = Path(__file__).resolve().parents[2] / "docs" / "platform-data.md"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def documented_fields(collection: str) -> set[str]:
    text = DOC.read_text()
    section = re.search(rf"^## `{collection}`.*?(?=^## )", text, re.S | re.M)
    assert section, f"docs/platform-data.md has no section for {collection}"
    return set(re.findall(r"^\| `([a-z_0-9]+)`", section.group(0), re.M)) | {
        name
        for row in re.findall(
            r"^\| (`[a-z_]+`(?:, `[a-z_]+`)+) \|", section.group(0), re.M
        )
        for name in re.findall(r"`([a-z_]+)`", row)
    }


def test_every_field_of_every_collection_is_documented():
    for collection, schema in platform.SCHEMAS.items():
        assert documented_fields(collection) == set(schema().fields), collection


def test_the_seed_is_deterministic_for_a_seed_and_a_moment():
    first = platform_seed.build(NOW, seed=3)

    assert first.documents == platform_seed.build(NOW, seed=3).documents
    assert first.documents != platform_seed.build(NOW, seed=4).documents


def test_the_demo_platform_has_a_project_of_each_kind():
    docs = platform_seed.build(NOW).documents

    endpoints = list(docs["deployed_endpoints"].values())
    by_project = Counter(e["project_id"] for e in endpoints)
    assert [e["project_id"] for e in endpoints if e["is_active"]] == ["p-shop-recs"]
    assert [e["project_id"] for e in endpoints if e["status"] == "failed"] == [
        "p-books-recs"
    ]
    assert all(e["cloud_run_service"].endswith("-serving") for e in endpoints)
    assert "p-sandbox" not in by_project
    assert not any(
        d["project_id"] == "p-sandbox"
        for name in ("registered_models", "training_runs", "experiments", "etl_runs")
        for d in docs[name].values()
    )


def test_runs_span_the_period_with_every_type_and_outcome():
    docs = platform_seed.build(NOW, days=90).documents
    runs = list(docs["training_runs"].values())

    assert {(r["model_type"], r["status"]) for r in runs} >= {
        (kind, status)
        for kind in platform.TRAINING_MODEL_TYPES
        for status in ("completed", "failed")
    }
    starts = [r["started_at"] for r in runs]
    assert NOW - timedelta(days=90) <= min(starts) < NOW - timedelta(days=85)
    assert max(starts) > NOW - timedelta(days=3)
    for run in runs:
        if run["status"] == "completed":
            metric = "rmse" if run["model_type"] == "ranking" else "recall_at_100"
            assert set(run["metrics"]) == {metric}
            assert run["gpu_hours"] > 0
        if run["status"] == "running":
            assert run["finished_at"] is None
    assert all(
        e["started_at"] > NOW - timedelta(days=91) for e in docs["etl_runs"].values()
    )
