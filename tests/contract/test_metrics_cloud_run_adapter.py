"""The Cloud Run adapter through google-cloud-run's REST transport on loopback.

Services are the recorded v2 Service (firebase-tools' services.get sample)
wrapped the way services.list answers, renamed and with their Ready
condition changed where a test needs it.
"""

from __future__ import annotations

import copy

import pytest
from google.api_core import exceptions
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import run_v2

from metrics_collector.sources.cloud_run_source import CloudRunAdminServices
from metrics_collector.sources.ports import RunService
from tests.support.google_apis import FakeGoogleApi, google_error, recorded

PROJECT = "b2b-recs"
REGION = "europe-central2"
PARENT = f"projects/{PROJECT}/locations/{REGION}"


@pytest.fixture
def api():
    fake = FakeGoogleApi().start()
    yield fake
    fake.stop()


@pytest.fixture
def adapter(api):
    client = run_v2.ServicesClient(
        transport="rest",
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=api.url),
    )
    return CloudRunAdminServices(client, PROJECT, REGION, 5.0)


def service(name: str, state: str = "CONDITION_SUCCEEDED") -> dict:
    recorded_service = copy.deepcopy(
        recorded("cloudrun_v2_service_get__firebase_tools_ejectrequest.json")
    )
    recorded_service["name"] = f"{PARENT}/services/{name}"
    recorded_service["terminalCondition"]["state"] = state
    return recorded_service


def test_services_are_listed_with_status_and_short_names(api, adapter):
    api.answer(
        {
            "services": [
                service("shop-serving"),
                service("dashboard-api"),
                service("books-serving", "CONDITION_FAILED"),
                service("etl-runner", "CONDITION_RECONCILING"),
            ]
        }
    )

    assert adapter.services() == [
        RunService("books-serving", "Failed"),
        RunService("dashboard-api", "Ready"),
        RunService("etl-runner", "Deploying"),
        RunService("shop-serving", "Ready"),
    ]
    assert (api.seen[0].method, api.seen[0].path) == (
        "GET",
        f"/v2/{PARENT}/services",
    )


def test_every_page_is_read(api, adapter):
    api.answer({"services": [service("a-serving")], "nextPageToken": "page-2"})
    api.answer({"services": [service("b-serving")]})

    assert [s.name for s in adapter.services()] == ["a-serving", "b-serving"]
    assert api.seen[1].args["pageToken"] == ["page-2"]


@pytest.mark.parametrize(
    "empty",
    [
        {},
        # Recorded from the v1 API: an empty list has no list key at all.
        recorded("cloudrun_v1_services_list__c7n_empty.json"),
    ],
    ids=["v2-empty", "recorded-v1-empty"],
)
def test_a_region_without_services_is_an_empty_list(api, adapter, empty):
    api.answer(empty)

    assert adapter.services() == []


def test_the_recorded_service_as_is_reads_as_ready(api, adapter):
    recorded_service = recorded(
        "cloudrun_v2_service_get__firebase_tools_ejectrequest.json"
    )
    api.answer({"services": [recorded_service]})

    assert adapter.services() == [RunService("ejectrequest", "Ready")]


def test_permission_denied_raises_the_apis_own_message(api, adapter):
    api.answer(
        google_error(
            403,
            "Permission 'run.services.list' denied on resource",
            "PERMISSION_DENIED",
        ),
        status=403,
    )

    with pytest.raises(exceptions.Forbidden, match=r"run\.services\.list"):
        adapter.services()
