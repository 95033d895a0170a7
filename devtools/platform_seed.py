"""A believable ML platform for the local profile (docs/platform-data.md).

Four projects: shop-recs serves an active endpoint, books-recs's endpoint
failed to deploy, music-recs has models but no endpoint, sandbox has
nothing yet. Over the last N days (90 by default) the first three train
retrieval, ranking and multitask models (most runs complete, some fail or
are cancelled, the newest may still run), run experiments and a daily ETL.

The same seed and the same ``now`` give the same documents, ids included,
so tests can compute expected figures from what was written. Writing is a
put per document: seeding twice leaves one copy.

    python -m devtools.platform_seed [--seed 7] [--days 90]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from recs_shared import platform, settings
from recs_shared.settings import CommonSettings
from recs_shared.store import DocumentStore, make_store

DEFAULT_SEED = 7
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class ProjectPlan:
    id: str
    name: str
    description: str
    trains: bool
    endpoint: str | None  # None, "active" or "failed"
    models: int


PROJECTS = (
    ProjectPlan(
        "p-shop-recs",
        "shop-recs",
        "Product recommendations for the web shop: retrieval of 500 candidates, "
        "then a ranking model trained on clicks and orders.",
        trains=True,
        endpoint="active",
        models=3,
    ),
    ProjectPlan(
        "p-books-recs",
        "books-recs",
        "Next-book suggestions for the reading app.",
        trains=True,
        endpoint="failed",
        models=2,
    ),
    ProjectPlan(
        "p-music-recs",
        "music-recs",
        "",
        trains=True,
        endpoint=None,
        models=2,
    ),
    ProjectPlan("p-sandbox", "sandbox", "", trains=False, endpoint=None, models=0),
)

# Quality improves over the period: (start, end) of each metric's range.
RECALL_RANGE = {"retrieval": (0.18, 0.33), "multitask": (0.12, 0.25)}
RMSE_RANGE = (0.92, 0.47)
ETL_PIPELINES = {
    "p-shop-recs": "orders-daily",
    "p-books-recs": "ratings-daily",
    "p-music-recs": "plays-daily",
}


@dataclass
class Platform:
    """The seeded documents, by collection and id."""

    documents: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {name: {} for name in platform.SCHEMAS}
    )

    def add(self, collection: str, doc_id: str, data: dict[str, Any]) -> None:
        # Each document goes through the platform schema: the seeder writes
        # only what the documented collections allow.
        platform.SCHEMAS[collection]().load(_storable(data))
        self.documents[collection][doc_id] = data

    def count(self, collection: str) -> int:
        return len(self.documents[collection])


def build(
    now: datetime, seed: int = DEFAULT_SEED, days: int = DEFAULT_DAYS
) -> Platform:
    rng = random.Random(seed)
    seeded = Platform()
    first_day = now - timedelta(days=days)

    for plan in PROJECTS:
        seeded.add(
            platform.PROJECTS,
            plan.id,
            {
                "name": plan.name,
                "description": plan.description,
                "created_at": first_day - timedelta(days=rng.randint(5, 40)),
            },
        )
        if not plan.trains:
            continue

        runs = list(_training_runs(rng, plan, first_day, now))
        for run_id, run in runs:
            seeded.add(platform.TRAINING_RUNS, run_id, run)
        _models_and_endpoints(seeded, rng, plan, runs)
        for doc_id, experiment in _experiments(rng, plan, first_day, now):
            seeded.add(platform.EXPERIMENTS, doc_id, experiment)
        for doc_id, etl_run in _etl_runs(rng, plan, first_day, now):
            seeded.add(platform.ETL_RUNS, doc_id, etl_run)
    return seeded


def write(store: DocumentStore, seeded: Platform) -> None:
    for collection, documents in seeded.documents.items():
        for doc_id, data in documents.items():
            store.put(collection, doc_id, data)


def _training_runs(
    rng: random.Random, plan: ProjectPlan, first_day: datetime, now: datetime
) -> Iterator[tuple[str, dict]]:
    number = 0
    moment = first_day + timedelta(hours=rng.uniform(2, 30))
    while moment < now:
        number += 1
        model_type = platform.TRAINING_MODEL_TYPES[number % 3]
        hours = round(rng.uniform(0.4, 5.5), 2)
        finished = moment + timedelta(hours=hours * rng.uniform(1.0, 1.3))
        progress = (moment - first_day) / (now - first_day)
        run = {
            "project_id": plan.id,
            "model_type": model_type,
            "started_at": moment,
            "gpu_type": rng.choice(["nvidia-l4", "nvidia-tesla-t4"]),
            "artifact_uri": f"gs://b2b-recs-training-artifacts/{plan.name}/{number}",
        }

        if finished > now:
            run.update(status="running", finished_at=None, gpu_hours=0.0, metrics={})
        else:
            status = rng.choices(
                ["completed", "failed", "cancelled"], weights=[80, 15, 5]
            )[0]
            spent = hours if status == "completed" else round(hours * 0.4, 2)
            run.update(
                status=status,
                finished_at=finished,
                gpu_hours=spent,
                metrics=_metrics(rng, model_type, progress)
                if status == "completed"
                else {},
            )

        yield f"tr-{plan.name}-{number:03d}", run
        moment += timedelta(hours=rng.uniform(10, 60))


def _metrics(rng: random.Random, model_type: str, progress: float) -> dict:
    noise = rng.uniform(-0.02, 0.02)
    if model_type == "ranking":
        start, end = RMSE_RANGE
        return {"rmse": round(start + (end - start) * progress + noise, 4)}
    start, end = RECALL_RANGE[model_type]
    return {"recall_at_100": round(start + (end - start) * progress + noise, 4)}


def _models_and_endpoints(
    seeded: Platform, rng: random.Random, plan: ProjectPlan, runs: list
) -> None:
    completed = [(run_id, run) for run_id, run in runs if run["status"] == "completed"]
    # The newest completed run of each type becomes a registered model.
    newest: dict[str, tuple[str, dict]] = {}
    for run_id, run in completed:
        newest[run["model_type"]] = (run_id, run)
    chosen = sorted(newest.values(), key=lambda item: item[1]["finished_at"])

    model_ids = []
    for index, (run_id, run) in enumerate(chosen[-plan.models :], start=1):
        model_id = f"m-{plan.name}-{index}"
        model_ids.append(model_id)
        seeded.add(
            platform.REGISTERED_MODELS,
            model_id,
            {
                "project_id": plan.id,
                "name": f"{plan.name}-{run['model_type']}-v{index}",
                "model_type": run["model_type"],
                "training_run_id": run_id,
                "artifact_uri": run["artifact_uri"],
                "vertex_model": (
                    f"projects/b2b-recs/locations/europe-central2/models/{plan.name}-{index}"
                ),
                "created_at": run["finished_at"]
                + timedelta(minutes=rng.randint(5, 90)),
            },
        )

    if plan.endpoint is None or not model_ids:
        return
    deployed_at = runs[-1][1]["started_at"] - timedelta(days=rng.randint(1, 4))
    # The serving model of the project, and an older, retired deployment.
    endpoints = [
        (
            f"e-{plan.name}-1",
            model_ids[0],
            "inactive",
            deployed_at - timedelta(days=30),
        ),
        (f"e-{plan.name}-2", model_ids[-1], plan.endpoint, deployed_at),
    ]
    for endpoint_id, model_id, status, when in endpoints:
        seeded.add(
            platform.DEPLOYED_ENDPOINTS,
            endpoint_id,
            {
                "project_id": plan.id,
                "registered_model_id": model_id,
                "cloud_run_service": f"{plan.name}-serving",
                "is_active": status == "active",
                "status": status,
                "deployed_at": when,
            },
        )


def _experiments(
    rng: random.Random, plan: ProjectPlan, first_day: datetime, now: datetime
) -> Iterator[tuple[str, dict]]:
    number = 0
    moment = first_day + timedelta(hours=rng.uniform(1, 12))
    while moment < now:
        number += 1
        minutes = rng.uniform(8, 45)
        finished = moment + timedelta(minutes=minutes)
        running = finished > now
        yield (
            f"ex-{plan.name}-{number:03d}",
            {
                "project_id": plan.id,
                "name": rng.choice(["lr-sweep", "embedding-64", "more-negatives"]),
                "status": "running"
                if running
                else rng.choices(["completed", "failed"], weights=[88, 12])[0],
                "started_at": moment,
                "finished_at": None if running else finished,
                "gpu_hours": 0.0 if running else round(minutes / 60, 2),
            },
        )
        moment += timedelta(hours=rng.uniform(6, 40))


def _etl_runs(
    rng: random.Random, plan: ProjectPlan, first_day: datetime, now: datetime
) -> Iterator[tuple[str, dict]]:
    day = first_day.replace(hour=0, minute=0, second=0, microsecond=0)
    number = 0
    while day < now:
        started = day + timedelta(hours=1, minutes=rng.randint(0, 50))
        finished = started + timedelta(minutes=rng.randint(6, 40))
        if started < now:
            number += 1
            running = finished > now
            yield (
                f"etl-{plan.name}-{number:03d}",
                {
                    "project_id": plan.id,
                    "name": ETL_PIPELINES[plan.id],
                    "status": "running"
                    if running
                    else rng.choices(["completed", "failed"], weights=[9, 1])[0],
                    "started_at": started,
                    "finished_at": None if running else finished,
                },
            )
        day += timedelta(days=1)


def _storable(data: dict[str, Any]) -> dict[str, Any]:
    from recs_shared.store import to_storable

    return to_storable(data)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
    args = parser.parse_args(argv)

    config = settings.load(CommonSettings)
    seeded = build(datetime.now(UTC), args.seed, args.days)
    write(make_store(config), seeded)
    print(
        ", ".join(
            f"{seeded.count(collection)} {collection}"
            for collection in seeded.documents
        )
    )


if __name__ == "__main__":
    main()
