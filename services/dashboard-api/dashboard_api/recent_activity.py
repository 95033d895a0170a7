"""The last five things that happened on the platform
(GET /api/system/recent-activity/): training runs, experiments and ETL runs
by start, deployments by deployment time. Four queries of five documents
each, then one read of the projects they belong to.
"""

from __future__ import annotations

from typing import Any

from dashboard_api import platform_reads
from recs_shared import platform
from recs_shared.store import DocumentStore

LIMIT = 5


def recent_activity(store: DocumentStore) -> dict[str, Any]:
    items = [
        *(
            _item("training_run", doc_id, run, run["started_at"], _training_title(run))
            for doc_id, run in _newest(store, platform.TRAINING_RUNS, "started_at")
        ),
        *(
            _item("experiment", doc_id, e, e["started_at"], _named("Experiment", e))
            for doc_id, e in _newest(store, platform.EXPERIMENTS, "started_at")
        ),
        *(
            _item("etl_run", doc_id, e, e["started_at"], _named("ETL", e))
            for doc_id, e in _newest(store, platform.ETL_RUNS, "started_at")
        ),
        *(
            _item(
                "deployment",
                doc_id,
                endpoint,
                endpoint["deployed_at"],
                f"Deployment of {endpoint['cloud_run_service']}",
            )
            for doc_id, endpoint in _newest(
                store, platform.DEPLOYED_ENDPOINTS, "deployed_at"
            )
        ),
    ]
    # Newest first; the id breaks ties so the order never depends on luck.
    items.sort(key=lambda item: (item["at"], item["kind"], item["id"]), reverse=True)
    latest = items[:LIMIT]

    names = platform_reads.project_names(store, {i["project_id"] for i in latest})
    for item in latest:
        item["project_name"] = names.get(item["project_id"])
        item["at"] = item["at"].isoformat()
    return {"activities": latest}


def _newest(store: DocumentStore, collection: str, field: str):
    return platform_reads.newest(store, collection, field, LIMIT)


def _item(kind: str, doc_id: str, doc: dict, at, title: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "id": doc_id,
        "title": title,
        "status": doc["status"],
        "project_id": doc["project_id"],
        "at": at,
    }


def _training_title(run: dict) -> str:
    return f"{run['model_type'].capitalize()} training"


def _named(what: str, doc: dict) -> str:
    return f"{what} {doc['name']}" if doc.get("name") else f"{what} run"
