"""Create, update and delete the Cloud Scheduler jobs of schedules.toml.

Built on google-cloud-scheduler over its REST transport (the same transport
the tests drive against recorded responses on loopback). Every job POSTs to a
collector with an OIDC token minted for the scheduler's service account, whose
audience is the collector's base URL: what Cloud Run IAM verifies.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from google.api_core import exceptions as api_exceptions
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import scheduler_v1
from google.protobuf import duration_pb2, field_mask_pb2

from recs_shared.schedules import ScheduledJob

log = logging.getLogger(__name__)

# The fields this module owns on a job; an update replaces exactly these.
UPDATED_FIELDS = (
    "description",
    "schedule",
    "time_zone",
    "attempt_deadline",
    "retry_config",
    "http_target",
)


class SchedulerSetupError(Exception):
    """The job could not be set up; ``message`` says why and what to do."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Outcome:
    action: str  # created | updated | deleted | absent
    job_name: str
    schedule: str
    webhook_url: str


def make_client(api_endpoint: str = "") -> scheduler_v1.CloudSchedulerClient:
    """The Scheduler client: Google's endpoint, or a stand-in without auth."""
    if not api_endpoint:
        return scheduler_v1.CloudSchedulerClient(transport="rest")
    return scheduler_v1.CloudSchedulerClient(
        transport="rest",
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=api_endpoint),
    )


def check_service_url(url: str) -> str:
    """The service's base URL without a trailing slash; SchedulerSetupError if bad.

    Cloud Scheduler sends OIDC tokens over https only, and the audience Cloud
    Run checks is the bare service URL, so a path is refused rather than kept.
    """
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc:
        raise SchedulerSetupError(
            f"{url!r} is not an https URL; give the service's base URL, e.g. "
            "https://metrics-collector-123456789.europe-central2.run.app",
            400,
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise SchedulerSetupError(
            f"{url!r} has a path; give the service's base URL only (the job "
            "adds its webhook path)",
            400,
        )
    return f"https://{parts.netloc}"


class JobInstaller:
    def __init__(
        self,
        project: str,
        region: str,
        service_account: str,
        client: scheduler_v1.CloudSchedulerClient,
    ) -> None:
        self.parent = f"projects/{project}/locations/{region}"
        self.service_account = service_account
        self.client = client

    def job_name(self, job: ScheduledJob) -> str:
        return f"{self.parent}/jobs/{job.name}"

    def install(self, job: ScheduledJob, service_url: str) -> Outcome:
        """Create the job, or update it to match when it exists already."""
        if not self.service_account:
            raise SchedulerSetupError(
                "no service account for the jobs' OIDC tokens: set "
                "RECS_SCHEDULER_SERVICE_ACCOUNT (or --service-account)",
                400,
            )
        base_url = check_service_url(service_url)
        wanted = self._job(job, base_url)

        with self._errors(job):
            if self._exists(wanted.name):
                self.client.update_job(
                    job=wanted,
                    update_mask=field_mask_pb2.FieldMask(paths=list(UPDATED_FIELDS)),
                )
                action = "updated"
            else:
                self.client.create_job(parent=self.parent, job=wanted)
                action = "created"

        log.info("%s Scheduler job %s (%s)", action, wanted.name, job.schedule)
        return Outcome(action, wanted.name, job.schedule, job.target(base_url))

    def remove(self, job: ScheduledJob) -> Outcome:
        """Delete the job; deleting one that does not exist is not an error."""
        name = self.job_name(job)
        action = "deleted"
        with self._errors(job):
            try:
                self.client.delete_job(name=name)
            except api_exceptions.NotFound:
                action = "absent"

        log.info("Scheduler job %s: %s", name, action)
        return Outcome(action, name, job.schedule, "")

    def _exists(self, name: str) -> bool:
        try:
            self.client.get_job(name=name)
        except api_exceptions.NotFound:
            return False
        return True

    def _job(self, job: ScheduledJob, base_url: str) -> scheduler_v1.Job:
        return scheduler_v1.Job(
            name=self.job_name(job),
            description=job.description,
            schedule=job.schedule,
            time_zone=job.time_zone,
            attempt_deadline=duration_pb2.Duration(
                seconds=job.attempt_deadline_seconds
            ),
            retry_config=scheduler_v1.RetryConfig(
                retry_count=job.retry_count,
                min_backoff_duration=duration_pb2.Duration(
                    seconds=job.min_backoff_seconds
                ),
            ),
            http_target=scheduler_v1.HttpTarget(
                uri=job.target(base_url),
                http_method=scheduler_v1.HttpMethod.POST,
                headers={"Content-Type": "application/json"},
                body=b"{}",
                oidc_token=scheduler_v1.OidcToken(
                    service_account_email=self.service_account,
                    audience=base_url,
                ),
            ),
        )

    def _errors(self, job: ScheduledJob):
        return _translated_errors(self.parent, self.service_account, job)


@contextmanager
def _translated_errors(
    parent: str, service_account: str, job: ScheduledJob
) -> Iterator[None]:
    """Turn the client's exceptions into SchedulerSetupError with the remedy."""
    try:
        yield
    except api_exceptions.Forbidden as error:
        # REST answers map to Forbidden (HTTP 403); gRPC ones to its subclass
        # PermissionDenied.
        raise SchedulerSetupError(
            f"permission denied on Cloud Scheduler job {job.name} in {parent}: "
            "the identity running the set-up needs roles/cloudscheduler.admin on "
            f"the project and roles/iam.serviceAccountUser on {service_account} "
            f"(Google said: {error.message})",
            403,
        ) from None
    except api_exceptions.BadRequest as error:
        raise SchedulerSetupError(
            f"Cloud Scheduler refused job {job.name}: {error.message}", 400
        ) from None
    except api_exceptions.GoogleAPIError as error:
        detail = getattr(error, "message", None) or str(error)
        raise SchedulerSetupError(
            f"Cloud Scheduler failed on job {job.name} in {parent}: {detail}", 502
        ) from None
    except requests.RequestException as error:
        raise SchedulerSetupError(
            f"could not reach Cloud Scheduler for job {job.name}: {error}", 502
        ) from None
