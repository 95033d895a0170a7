"""The two clean-up jobs as the webhook and the CLI run them.

Each job reads the registered models from the store, runs against its
Google service and returns its report; a job that cannot start (store or
service unreachable, not available in this profile) raises JobFailed with
the reason, so one job's failure never touches the other.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from google.api_core import exceptions as api_exceptions

from housekeeping import clients
from housekeeping.artifacts import ArtifactReport, cleanup_artifacts
from housekeeping.orphan_models import OrphanReport, cleanup_orphan_models
from housekeeping.references import registered_references
from recs_shared.settings import HousekeepingSettings
from recs_shared.store import DocumentStore, StoreUnavailable


class JobFailed(RuntimeError):
    """The job could not run at all; nothing was deleted."""


def artifact_cleanup(
    config: HousekeepingSettings,
    store: DocumentStore,
    *,
    days: int | None = None,
    include_registered: bool = False,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ArtifactReport:
    try:
        client = clients.storage_client(config)
        references = registered_references(store)
        return cleanup_artifacts(
            client,
            config.artifacts_bucket,
            references.artifact_uris,
            days=days or config.artifacts_max_age_days,
            include_registered=include_registered,
            dry_run=dry_run,
            now=now or datetime.now(UTC),
        )
    except (clients.Unavailable, ValueError) as error:
        raise JobFailed(str(error)) from None
    except StoreUnavailable as error:
        raise JobFailed(
            f"cannot read the registered models, so nothing was deleted: {error}"
        ) from None
    except api_exceptions.GoogleAPICallError as error:
        raise JobFailed(
            f"cannot list gs://{config.artifacts_bucket}: {error}"
        ) from None


def orphan_model_cleanup(
    config: HousekeepingSettings,
    store: DocumentStore,
    *,
    min_age_hours: int | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> OrphanReport:
    parent = (
        f"projects/{config.gcp_project}/locations/{clients.vertex_location(config)}"
    )
    try:
        client = clients.model_client(config)
        references = registered_references(store)
        if references.unreadable:
            # A reference we cannot read might name any model: judge none.
            raise JobFailed(
                "registered models with an unreadable vertex_model: "
                f"{', '.join(references.unreadable)}; fix them first, nothing "
                "was deleted"
            )
        hours = (
            config.orphan_model_min_age_hours
            if min_age_hours is None
            else min_age_hours
        )
        return cleanup_orphan_models(
            client,
            parent,
            references.vertex_model_ids,
            min_age=timedelta(hours=hours),
            dry_run=dry_run,
            now=now or datetime.now(UTC),
        )
    except clients.Unavailable as error:
        raise JobFailed(str(error)) from None
    except StoreUnavailable as error:
        raise JobFailed(
            f"cannot read the registered models, so nothing was deleted: {error}"
        ) from None
    except api_exceptions.GoogleAPICallError as error:
        raise JobFailed(
            f"cannot list the Vertex AI models of {parent}: {error}"
        ) from None
