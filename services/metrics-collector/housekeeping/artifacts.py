"""cleanup_gcs_artifacts: delete old training artifacts, keep registered ones.

An object of the training-artifacts bucket is deleted when it was created
more than ``days`` days ago, unless it lies under the artifact_uri of a
registered model (kept indefinitely, as the spec requires, unless
include_registered). A dry run lists the same objects and deletes nothing.

Known shortcoming: age is per object, so a run folder whose files straddle
the cut-off loses its older files a day before its newer ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from google.api_core import exceptions as api_exceptions
from google.cloud import storage

from housekeeping.references import is_under, prefixes_in_bucket

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Artifact:
    name: str
    size: int
    time_created: datetime


@dataclass
class ArtifactReport:
    bucket: str
    cutoff: datetime
    dry_run: bool
    include_registered: bool
    deleted: list[Artifact] = field(default_factory=list)
    kept_registered: int = 0
    kept_recent: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def bytes_freed(self) -> int:
        return sum(artifact.size for artifact in self.deleted)

    @property
    def status(self) -> str:
        if not self.errors:
            return "success"
        return "partial" if self.deleted else "error"


def cleanup_artifacts(
    client: storage.Client,
    bucket: str,
    registered_uris: tuple[str, ...],
    *,
    days: int,
    include_registered: bool,
    dry_run: bool,
    now: datetime,
) -> ArtifactReport:
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")

    report = ArtifactReport(
        bucket, now - timedelta(days=days), dry_run, include_registered
    )
    protected = (
        () if include_registered else prefixes_in_bucket(registered_uris, bucket)
    )

    for blob in client.list_blobs(bucket):
        if blob.time_created >= report.cutoff:
            report.kept_recent += 1
        elif is_under(blob.name, protected):
            report.kept_registered += 1
        else:
            _delete(blob, report)

    log.info(
        "%s %d artifacts (%d bytes) from gs://%s older than %s; kept %d of "
        "registered models and %d newer",
        "would delete" if dry_run else "deleted",
        len(report.deleted),
        report.bytes_freed,
        bucket,
        report.cutoff.isoformat(),
        report.kept_registered,
        report.kept_recent,
    )
    return report


def _delete(blob: storage.Blob, report: ArtifactReport) -> None:
    artifact = Artifact(blob.name, blob.size or 0, blob.time_created)
    if report.dry_run:
        report.deleted.append(artifact)
        return

    try:
        # The generation match keeps an object rewritten since the listing.
        blob.delete(if_generation_match=blob.generation)
    except api_exceptions.NotFound:
        return  # deleted meanwhile by someone else: nothing left to free
    except api_exceptions.GoogleAPICallError as error:
        log.error("could not delete gs://%s/%s: %s", report.bucket, blob.name, error)
        report.errors.append({"object": blob.name, "error": str(error)})
        return
    report.deleted.append(artifact)
