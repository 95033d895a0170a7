"""Platform documents for tests, and a store that counts what it reads."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def training_run(
    started: datetime,
    status: str = "completed",
    model_type: str = "retrieval",
    project_id: str = "p-a",
    gpu_hours: float = 1.0,
    metrics: dict | None = None,
) -> dict[str, Any]:
    finished = None if status == "running" else started + timedelta(hours=1)
    return {
        "project_id": project_id,
        "model_type": model_type,
        "status": status,
        "started_at": started,
        "finished_at": finished,
        "gpu_hours": gpu_hours,
        "metrics": metrics or {},
    }


def run_like(started: datetime, status: str = "completed", project_id="p-a") -> dict:
    """An experiment or ETL run."""
    return {
        "project_id": project_id,
        "status": status,
        "started_at": started,
        "finished_at": None if status == "running" else started + timedelta(minutes=9),
    }


def endpoint(
    deployed: datetime,
    project_id: str = "p-a",
    model_id: str = "m-a",
    status: str = "active",
) -> dict[str, Any]:
    return {
        "project_id": project_id,
        "registered_model_id": model_id,
        "cloud_run_service": f"{project_id}-serving",
        "is_active": status == "active",
        "status": status,
        "deployed_at": deployed,
    }


def model(created: datetime, project_id="p-a", model_type="retrieval") -> dict:
    return {
        "project_id": project_id,
        "name": f"{project_id}-{model_type}",
        "model_type": model_type,
        "created_at": created,
    }


def project(name: str, created: datetime, description: str = "") -> dict:
    return {"name": name, "description": description, "created_at": created}


def half_up(value: float | Decimal, places: int) -> float:
    """Rounding as a person does it, computed apart from the code under test."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


class CountingStore:
    """Wraps a store; counts queries and the documents they return."""

    def __init__(self, store) -> None:
        self.store = store
        self.queries: Counter = Counter()
        self.documents: Counter = Counter()

    def reset(self) -> None:
        self.queries.clear()
        self.documents.clear()

    def query(self, collection, *args, **kwargs):
        found = self.store.query(collection, *args, **kwargs)
        self.queries[collection] += 1
        self.documents[collection] += len(found)
        return found

    def get(self, collection, doc_id):
        self.queries[collection] += 1
        found = self.store.get(collection, doc_id)
        self.documents[collection] += found is not None
        return found

    def get_many(self, collection, doc_ids):
        self.queries[collection] += 1
        found = self.store.get_many(collection, doc_ids)
        self.documents[collection] += len(found)
        return found

    def count(self, collection, where=()):
        self.queries[collection] += 1
        return self.store.count(collection, where)

    def __getattr__(self, name):
        return getattr(self.store, name)
