"""ETL and training runs of a day, from the platform's collections in the store."""

from __future__ import annotations

from datetime import datetime

from metrics_collector.sources.ports import FinishedRun
from recs_shared import platform
from recs_shared.store import DocumentStore

ENDED = ("completed", "failed", "cancelled")


class PlatformCollections:
    def __init__(self, store: DocumentStore) -> None:
        self.store = store

    def etl_runs_finished(self, start: datetime, end: datetime) -> list[FinishedRun]:
        return [
            FinishedRun(status=run["status"])
            for run in self._finished(platform.ETL_RUNS, start, end)
        ]

    def training_runs_finished(
        self, start: datetime, end: datetime
    ) -> list[FinishedRun]:
        return [
            FinishedRun(
                status=run["status"],
                model_type=run.get("model_type"),
                gpu_hours=float(run.get("gpu_hours") or 0.0),
            )
            for run in self._finished(platform.TRAINING_RUNS, start, end)
        ]

    def _finished(self, collection: str, start: datetime, end: datetime):
        # One range on finished_at: a single-field index, a bounded read.
        docs = self.store.query(
            collection, where=[("finished_at", ">=", start), ("finished_at", "<", end)]
        )
        return [doc.data for doc in docs if doc.data.get("status") in ENDED]
