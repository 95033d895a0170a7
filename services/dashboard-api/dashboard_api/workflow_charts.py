"""The four ML-workflow charts (GET /api/system/charts/), docs/system-api.md.

All four cover the 30 UTC days ending today, from the platform's own
collections (read live, one bounded query each), and count a run on the
day it started. A dataset with nothing in it is empty (no labels), so the
page shows "No data available".
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from dashboard_api import platform_reads
from dashboard_api.clock import last_days
from dashboard_api.figures import rounded
from dashboard_api.system_kpis import DAYS, window_start
from recs_shared import platform

Run = dict[str, Any]


def workflow_charts(store, now: datetime) -> dict[str, Any]:
    since = window_start(now)
    days = last_days(now.date(), DAYS)
    runs = [
        r for _, r in platform_reads.started_since(store, platform.TRAINING_RUNS, since)
    ]
    experiments = [
        e for _, e in platform_reads.started_since(store, platform.EXPERIMENTS, since)
    ]
    return {
        "training_runs": _by_status(runs, days),
        "model_types": _model_types(runs),
        "experiments": _by_status(experiments, days),
        "model_quality": _model_quality(runs, days),
    }


def _day(run: Run) -> date:
    return run["started_at"].date()


def _by_status(runs: list[Run], days: list[date]) -> dict[str, list]:
    if not runs:
        return {"labels": [], "completed": [], "failed": [], "other": []}

    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for run in runs:
        status = run["status"] if run["status"] in ("completed", "failed") else "other"
        counts[_day(run)][status] += 1
    return {
        "labels": [day.isoformat() for day in days],
        "completed": [counts[day]["completed"] for day in days],
        "failed": [counts[day]["failed"] for day in days],
        # running or cancelled
        "other": [counts[day]["other"] for day in days],
    }


def _model_types(runs: list[Run]) -> dict[str, list]:
    if not runs:
        return {"labels": [], "counts": []}
    kinds = list(platform.TRAINING_MODEL_TYPES)
    return {
        "labels": kinds,
        "counts": [sum(run["model_type"] == kind for run in runs) for kind in kinds],
    }


def _model_quality(runs: list[Run], days: list[date]) -> dict[str, list]:
    """Per day, the best result of the completed runs that started then."""
    best: dict[str, dict[date, float]] = {
        "retrieval": {},
        "multitask": {},
        "ranking": {},
    }
    for run in runs:
        if run["status"] != "completed":
            continue
        kind, day = run["model_type"], _day(run)
        if kind == "ranking" and "rmse" in run["metrics"]:
            value = run["metrics"]["rmse"]
            best[kind][day] = min(value, best[kind].get(day, value))
        elif kind != "ranking" and "recall_at_100" in run["metrics"]:
            value = run["metrics"]["recall_at_100"] * 100
            best[kind][day] = max(value, best[kind].get(day, value))

    if not any(best.values()):
        return {
            "labels": [],
            "retrieval_recall_pct": [],
            "hybrid_recall_pct": [],
            "ranking_rmse": [],
        }

    def series(kind: str, places: int) -> list[float | None]:
        values = best[kind]
        return [rounded(values[d], places) if d in values else None for d in days]

    return {
        "labels": [day.isoformat() for day in days],
        "retrieval_recall_pct": series("retrieval", 1),
        "hybrid_recall_pct": series("multitask", 1),
        "ranking_rmse": series("ranking", 2),
    }
