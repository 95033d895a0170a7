"""cleanup_orphan_models: delete Vertex AI models no registered model uses.

A model of the Vertex AI Model Registry (in one location) is an orphan when
no registered model of the platform references it (vertex_model), it is
deployed to no endpoint, and it is older than the grace period: a pipeline
uploads its model before the platform registers it, so a young model is never
judged. Deletion starts a long-running operation that is not awaited; its
outcome is in Vertex AI's own audit log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from google.api_core import exceptions as api_exceptions
from google.cloud import aiplatform_v1

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Orphan:
    name: str
    display_name: str
    create_time: datetime


@dataclass
class OrphanReport:
    parent: str
    dry_run: bool
    deleted: list[Orphan] = field(default_factory=list)
    kept_referenced: int = 0
    kept_deployed: int = 0
    kept_recent: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.errors:
            return "success"
        return "partial" if self.deleted else "error"


def cleanup_orphan_models(
    client: aiplatform_v1.ModelServiceClient,
    parent: str,
    referenced_ids: frozenset[str],
    *,
    min_age: timedelta,
    dry_run: bool,
    now: datetime,
) -> OrphanReport:
    report = OrphanReport(parent, dry_run)

    for model in client.list_models(parent=parent):
        model_id = model.name.rsplit("/", 1)[-1]
        if model_id in referenced_ids:
            report.kept_referenced += 1
        elif model.deployed_models:
            report.kept_deployed += 1
        elif model.create_time > now - min_age:
            report.kept_recent += 1
        else:
            _delete(
                client,
                Orphan(model.name, model.display_name, model.create_time),
                report,
            )

    log.info(
        "%s %d orphan Vertex AI models in %s; kept %d referenced, %d deployed, "
        "%d younger than %s",
        "would delete" if dry_run else "deleted",
        len(report.deleted),
        parent,
        report.kept_referenced,
        report.kept_deployed,
        report.kept_recent,
        min_age,
    )
    return report


def _delete(
    client: aiplatform_v1.ModelServiceClient, orphan: Orphan, report: OrphanReport
) -> None:
    if report.dry_run:
        report.deleted.append(orphan)
        return

    try:
        client.delete_model(name=orphan.name)
    except api_exceptions.NotFound:
        return
    except api_exceptions.GoogleAPICallError as error:
        log.error("could not delete Vertex AI model %s: %s", orphan.name, error)
        report.errors.append({"model": orphan.name, "error": str(error)})
        return
    report.deleted.append(orphan)
