"""Your Projects: assets, best accuracy and one summary per project.

Per-project figures come from one read of all endpoints and one of all
registered models, grouped here: the number of queries does not grow with
the number of projects. Counts of runs and experiments are kept per day
(platform_totals); the best accuracy figures are three one-document
queries.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from dashboard_api import platform_reads, platform_totals
from dashboard_api.figures import rounded
from recs_shared import platform
from recs_shared.store import DocumentStore

Loaded = list[tuple[str, dict[str, Any]]]


def overview(store: DocumentStore, now: datetime) -> dict[str, Any]:
    projects = platform_reads.load(platform.PROJECTS, store.query(platform.PROJECTS))
    endpoints = _all(store, platform.DEPLOYED_ENDPOINTS)
    models = _all(store, platform.REGISTERED_MODELS)
    totals = platform_totals.totals(store, now)

    return {
        "assets": {
            "projects": len(projects),
            "models": len(models),
            "trainings": totals[platform.TRAINING_RUNS],
            "experiments": totals[platform.EXPERIMENTS],
        },
        "accuracy": best_accuracy(store),
        "projects": summaries(projects, endpoints, models),
    }


def summaries(projects: Loaded, endpoints: Loaded, models: Loaded) -> list[dict]:
    endpoints_of = _group(endpoints)
    models_of = _group(models)
    ordered = sorted(projects, key=lambda item: (item[1]["name"].casefold(), item[0]))
    return [
        summary(doc_id, project, endpoints_of[doc_id], models_of[doc_id])
        for doc_id, project in ordered
    ]


def summary(
    project_id: str, project: dict, endpoints: Loaded, models: Loaded
) -> dict[str, Any]:
    active = [e for _, e in endpoints if e["is_active"]]
    serving = {e["registered_model_id"] for e in active}
    return {
        "id": project_id,
        "name": project["name"],
        "description": project["description"],
        "status": status(endpoints),
        "endpoints_active": len(active),
        "endpoints_total": len(endpoints),
        "models_total": len(models),
        "models_deployed": sum(model_id in serving for model_id, _ in models),
    }


def status(endpoints: Loaded) -> str:
    """active (green): an endpoint serves; failed (red): none serves and a
    deployment failed; idle (blue) otherwise."""
    if any(e["is_active"] for _, e in endpoints):
        return "active"
    if any(e["status"] == "failed" for _, e in endpoints):
        return "failed"
    return "idle"


def best_accuracy(store: DocumentStore) -> dict[str, float | None]:
    retrieval = _best(store, "retrieval", "recall_at_100", "desc")
    hybrid = _best(store, "multitask", "recall_at_100", "desc")
    ranking = _best(store, "ranking", "rmse", "asc")
    return {
        "retrieval_recall_pct": None
        if retrieval is None
        else rounded(retrieval * 100, 1),
        "ranking_rmse": None if ranking is None else rounded(ranking, 2),
        "hybrid_recall_pct": None if hybrid is None else rounded(hybrid * 100, 1),
    }


def _best(store: DocumentStore, model_type: str, metric: str, direction: str):
    # Ordering by the metric leaves out runs that lack it.
    docs = store.query(
        platform.TRAINING_RUNS,
        where=[("model_type", "==", model_type), ("status", "==", "completed")],
        order_by=[(f"metrics.{metric}", direction)],
        limit=1,
    )
    runs = platform_reads.load(platform.TRAINING_RUNS, docs)
    return runs[0][1]["metrics"][metric] if runs else None


def _all(store: DocumentStore, collection: str) -> Loaded:
    return platform_reads.load(collection, store.query(collection))


def _group(items: Loaded) -> dict[str, Loaded]:
    grouped: dict[str, Loaded] = defaultdict(list)
    for doc_id, item in items:
        grouped[item["project_id"]].append((doc_id, item))
    return grouped


def detail(store: DocumentStore, project_id: str) -> dict[str, Any] | None:
    """One project's page data; None when there is no such project."""
    project = platform_reads.get(store, platform.PROJECTS, project_id)
    if project is None:
        return None

    mine = [("project_id", "==", project_id)]
    endpoints = platform_reads.load(
        platform.DEPLOYED_ENDPOINTS, store.query(platform.DEPLOYED_ENDPOINTS, mine)
    )
    models = platform_reads.load(
        platform.REGISTERED_MODELS, store.query(platform.REGISTERED_MODELS, mine)
    )
    runs = platform_reads.load(
        platform.TRAINING_RUNS,
        store.query(
            platform.TRAINING_RUNS, mine, order_by=[("started_at", "desc")], limit=10
        ),
    )

    return {
        "project": {
            **summary(project_id, project, endpoints, models),
            "created_at": project["created_at"].isoformat(),
        },
        "models": _model_rows(models, endpoints),
        "endpoints": _endpoint_rows(endpoints),
        "training_runs": [_run_row(run_id, run) for run_id, run in runs],
    }


def _model_rows(models: Loaded, endpoints: Loaded) -> list[dict[str, Any]]:
    serving = {e["registered_model_id"] for _, e in endpoints if e["is_active"]}
    newest_first = sorted(models, key=lambda item: item[1]["created_at"], reverse=True)
    return [
        {
            "id": model_id,
            "name": model["name"],
            "model_type": model["model_type"],
            "created_at": model["created_at"].isoformat(),
            "deployed": model_id in serving,
        }
        for model_id, model in newest_first
    ]


def _endpoint_rows(endpoints: Loaded) -> list[dict[str, Any]]:
    newest_first = sorted(
        endpoints, key=lambda item: item[1]["deployed_at"], reverse=True
    )
    return [
        {
            "id": endpoint_id,
            "cloud_run_service": endpoint["cloud_run_service"],
            "status": endpoint["status"],
            "is_active": endpoint["is_active"],
            "deployed_at": endpoint["deployed_at"].isoformat(),
        }
        for endpoint_id, endpoint in newest_first
    ]


def _run_row(run_id: str, run: dict[str, Any]) -> dict[str, Any]:
    finished = run["finished_at"]
    return {
        "id": run_id,
        "model_type": run["model_type"],
        "status": run["status"],
        "started_at": run["started_at"].isoformat(),
        "finished_at": finished.isoformat() if finished else None,
        "gpu_hours": run["gpu_hours"],
        "metrics": run["metrics"],
    }
