"""Histories for the read benchmarks, written through the app's own paths.

- The platform's collections (which the platform writes, not dashboard-api):
  devtools/platform_seed.py, as ``make run`` seeds them. Every history has
  the same last 30 days (the seeder's output for 30 days); a longer one adds
  the seeder's runs, experiments and ETL runs of the days before, so two
  histories differ only in what is older than the page shows. Extra
  projects, each with a model and most with an endpoint, are checked
  against the platform schemas by the seeder's ``Platform.add``.
- Resource metrics and billing: one snapshot event per day up to yesterday,
  each posted to dashboard-api's own push endpoint (in process, through
  Flask's test client) in a Pub/Sub push envelope, so the stored days and
  the billing months' read models are exactly what a delivery writes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from dashboard_api.app import create_app
from devtools import platform_seed
from recs_shared import platform, settings
from recs_shared.settings import DashboardApiSettings
from tests.support import events, platform_docs
from tests.support.billing import line, run, snapshot
from tests.support.push import envelope_for

PUSH_PATHS = {"metrics": "/push/resource-metrics", "billing": "/push/billing"}
SEEDED_PROJECTS = len(platform_seed.PROJECTS)
RECENT_DAYS = 30
OLDER = (platform.TRAINING_RUNS, platform.EXPERIMENTS, platform.ETL_RUNS)
# The settle window of the billing collector (RECS_BILLING_SETTLE_HOURS).
PROVISIONAL_DAYS = 2
ENDPOINT_STATUSES = ("active", "failed", "inactive", None)


@dataclass(frozen=True)
class History:
    name: str
    days: int
    projects: int = SEEDED_PROJECTS


def years(count: int) -> str:
    return f"{count} year" + ("s" if count != 1 else "")


def api_environ(data_dir: Path, **extra: str) -> dict[str, str]:
    """dashboard-api's variables on the local profile, with ``data_dir``."""
    return {
        "RECS_PROFILE": "local",
        "RECS_DATA_DIR": str(data_dir),
        "RECS_GCP_PROJECT": "b2b-recs",
        **extra,
    }


def api_settings(data_dir: Path, **extra: str) -> DashboardApiSettings:
    return settings.load(DashboardApiSettings, api_environ(data_dir, **extra))


def seed(data_dir: Path, history: History, now: datetime) -> dict[str, Any]:
    """Write ``history`` into the local store of ``data_dir``; what was written."""
    started = time.perf_counter()
    # Quiet: a push logs a line, and a history is thousands of them.
    app = create_app(api_settings(data_dir, RECS_LOG_LEVEL="WARNING"))
    store = app.extensions["store"]

    seeded = platform_history(now, history.days)
    add_projects(seeded, history.projects - SEEDED_PROJECTS, now)
    platform_seed.write(store, seeded)

    client = app.test_client()
    days = list(days_before(now.date(), history.days))
    for day in days:
        push(client, "metrics", metrics_event(day, now))
        push(client, "billing", billing_event(day, now))

    return {
        "platform documents": sum(map(len, seeded.documents.values())),
        "projects": seeded.count(platform.PROJECTS),
        "days of snapshots": len(days),
        "seconds": time.perf_counter() - started,
    }


def platform_history(now: datetime, days: int) -> platform_seed.Platform:
    """The seeder's last 30 days, and its runs of the ``days`` - 30 before."""
    seeded = platform_seed.build(now, days=min(days, RECENT_DAYS))
    if days <= RECENT_DAYS:
        return seeded

    before = now - timedelta(days=RECENT_DAYS)
    older = platform_seed.build(before, days=days - RECENT_DAYS)
    for collection in OLDER:
        # Already checked against the schema by the seeder; ids made distinct
        # from the recent days' (both builds number their runs from 1).
        for doc_id, data in older.documents[collection].items():
            seeded.documents[collection][f"old-{doc_id}"] = data
    return seeded


def add_projects(seeded: platform_seed.Platform, count: int, now: datetime) -> None:
    """``count`` more projects: each one model, most an endpoint."""
    for number in range(count):
        project_id = f"p-bench-{number:04d}"
        created = now - timedelta(days=number % 700 + 1)
        seeded.add(
            platform.PROJECTS,
            project_id,
            platform_docs.project(f"bench-{number:04d}", created, "A benchmark."),
        )
        model_id = f"m-bench-{number:04d}"
        seeded.add(
            platform.REGISTERED_MODELS,
            model_id,
            platform_docs.model(created, project_id, "ranking"),
        )
        status = ENDPOINT_STATUSES[number % len(ENDPOINT_STATUSES)]
        if status is not None:
            seeded.add(
                platform.DEPLOYED_ENDPOINTS,
                f"e-bench-{number:04d}",
                platform_docs.endpoint(created, project_id, model_id, status),
            )


def days_before(today: date, count: int) -> Iterator[date]:
    """The ``count`` UTC days ending yesterday, oldest first."""
    for back in range(count, 0, -1):
        yield today - timedelta(days=back)


def metrics_event(day: date, now: datetime) -> dict[str, Any]:
    """A resource_metrics.snapshot of ``day``, every collector measured."""
    return events.resource_metrics(
        day=day,
        collected_at=events.collected(day, 2, now),
        cloud_run_total_requests=300 + day.toordinal() % 50,
    )


def billing_event(day: date, now: datetime) -> dict[str, Any]:
    """A billing.snapshot of ``day``: a line of each category, and a training
    run billed every third day."""
    lines = [
        line("Data", "BigQuery", "2.40"),
        line("Data", "Cloud SQL", "1.20"),
        line("Training", "Vertex AI (GPU)", "6.00"),
        line("Inference", "Cloud Run", "0.80"),
        line("System", "Cloud Storage", "0.10"),
    ]
    runs = [run(f"run-{day:%Y%m%d}", "ranking", "6.00")] if day.day % 3 == 0 else []
    return snapshot(
        day,
        lines,
        runs,
        collected_at=events.collected(day, 5, now),
        provisional=(now.date() - day).days <= PROVISIONAL_DAYS,
    )


def envelope(kind: str, event: dict[str, Any], number: int = 1) -> dict[str, Any]:
    return envelope_for(event, message_id=f"{kind}-{number}")


def push(client, kind: str, event: dict[str, Any]) -> None:
    response = client.post(PUSH_PATHS[kind], json=envelope(kind, event))
    if response.status_code != 204:
        raise RuntimeError(
            f"seeding: {PUSH_PATHS[kind]} answered {response.status_code}: "
            + response.get_data(as_text=True)[:300]
        )
