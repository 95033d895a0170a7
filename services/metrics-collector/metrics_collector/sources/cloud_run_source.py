"""Cloud Run services of the region, through the Cloud Run Admin API (v2)."""

from __future__ import annotations

from google.cloud import run_v2

from metrics_collector.sources.ports import RunService

_State = run_v2.Condition.State
STATUS_BY_STATE = {
    _State.CONDITION_SUCCEEDED: "Ready",
    _State.CONDITION_FAILED: "Failed",
    _State.CONDITION_RECONCILING: "Deploying",
    _State.CONDITION_PENDING: "Deploying",
}


class CloudRunAdminServices:
    def __init__(
        self,
        client: run_v2.ServicesClient,
        project: str,
        region: str,
        timeout_seconds: float = 60.0,
    ) -> None:
        self.client = client
        self.parent = f"projects/{project}/locations/{region}"
        self.timeout_seconds = timeout_seconds

    def services(self) -> list[RunService]:
        # The pager follows nextPageToken; an empty region answers without
        # a "services" key at all, which the client reads as no services.
        pages = self.client.list_services(
            parent=self.parent, timeout=self.timeout_seconds
        )
        return sorted(
            (
                RunService(name=_short_name(service.name), status=_status(service))
                for service in pages
            ),
            key=lambda service: service.name,
        )


def _short_name(name: str) -> str:
    """projects/P/locations/L/services/NAME -> NAME"""
    return name.rsplit("/", 1)[-1]


def _status(service: run_v2.Service) -> str:
    """The service's Ready condition, in the words the console uses."""
    return STATUS_BY_STATE.get(service.terminal_condition.state, "Unknown")
