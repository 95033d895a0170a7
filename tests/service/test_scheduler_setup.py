"""Scheduler set-up through the real google-cloud-scheduler client.

The client's REST transport talks to recorded Cloud Scheduler answers served
on loopback (tests/support/recorded_api.py): create, update when the job
exists, delete, and permission denied.
"""

from __future__ import annotations

import base64
import io
import json

import pytest

from dashboard_api.app import create_app
from dashboard_api.scheduling import cli
from dashboard_api.scheduling.jobs import (
    JobInstaller,
    SchedulerSetupError,
    check_service_url,
    make_client,
)
from recs_shared import schedules
from recs_shared.settings import SettingsError
from tests.support.recorded_api import RecordedApi, recorded

PROJECT = "b2b-recs"
REGION = "europe-central2"
PARENT = f"/v1/projects/{PROJECT}/locations/{REGION}"
INVOKER = "recs-scheduler@b2b-recs.iam.gserviceaccount.com"
METRICS_URL = "https://metrics-collector-555035914949.europe-central2.run.app"
BILLING_URL = "https://billing-collector-555035914949.europe-central2.run.app"
JOB = recorded("scheduler/job_collect_resource_metrics.json")
NOT_FOUND = recorded("scheduler/not_found.json")
DENIED = recorded("scheduler/permission_denied.json")


@pytest.fixture
def api():
    with RecordedApi() as server:
        yield server


@pytest.fixture
def installer(api):
    return JobInstaller(PROJECT, REGION, INVOKER, make_client(api.endpoint))


def metrics_job() -> schedules.ScheduledJob:
    return schedules.load()["collect-resource-metrics"]


def job_path(name: str) -> str:
    return f"{PARENT}/jobs/{name}"


def test_an_absent_job_is_created_with_its_schedule_target_and_oidc_token(
    api, installer
):
    api.answer("GET", job_path("collect-resource-metrics"), 404, NOT_FOUND)
    api.answer("POST", f"{PARENT}/jobs", 200, JOB)

    outcome = installer.install(metrics_job(), METRICS_URL + "/")

    assert outcome.action == "created"
    assert outcome.job_name == (
        f"projects/{PROJECT}/locations/{REGION}/jobs/collect-resource-metrics"
    )
    assert outcome.schedule == "0 2 * * *"
    assert outcome.webhook_url == METRICS_URL + "/api/system/collect-metrics-webhook/"

    (sent,) = api.received_for("POST")
    target = sent.body["httpTarget"]
    assert sent.body["name"] == outcome.job_name
    assert sent.body["schedule"] == "0 2 * * *"
    assert sent.body["timeZone"] == "Etc/UTC"
    assert sent.body["attemptDeadline"] == "1800s"
    assert sent.body["retryConfig"] == {
        "retryCount": 2,
        "minBackoffDuration": "300s",
    }
    assert target["uri"] == outcome.webhook_url
    # Enums travel as integers on the REST transport (enum-encoding=int).
    assert target["httpMethod"] == 1
    assert base64.b64decode(target["body"]) == b"{}"
    assert target["oidcToken"] == {
        "serviceAccountEmail": INVOKER,
        "audience": METRICS_URL,
    }


def test_an_existing_job_is_updated_in_place(api, installer):
    api.answer("GET", job_path("collect-resource-metrics"), 200, JOB)
    api.answer("PATCH", job_path("collect-resource-metrics"), 200, JOB)

    outcome = installer.install(metrics_job(), METRICS_URL)

    assert outcome.action == "updated"
    assert api.received_for("POST") == []
    (sent,) = api.received_for("PATCH")
    assert sent.query["updateMask"].split(",") == [
        "description",
        "schedule",
        "timeZone",
        "attemptDeadline",
        "retryConfig",
        "httpTarget",
    ]
    assert sent.body["httpTarget"]["oidcToken"]["audience"] == METRICS_URL


def test_delete_removes_the_job_and_an_absent_job_is_no_error(api, installer):
    api.answer("DELETE", job_path("collect-resource-metrics"), 200, {})
    api.answer("DELETE", job_path("collect-resource-metrics"), 404, NOT_FOUND)

    first = installer.remove(metrics_job())
    second = installer.remove(metrics_job())

    assert (first.action, second.action) == ("deleted", "absent")
    assert len(api.received_for("DELETE")) == 2


def test_permission_denied_names_the_roles_needed(api, installer):
    api.answer("GET", job_path("collect-resource-metrics"), 403, DENIED)

    with pytest.raises(SchedulerSetupError) as error:
        installer.install(metrics_job(), METRICS_URL)

    assert error.value.status == 403
    assert "permission denied on Cloud Scheduler job collect-resource-metrics" in (
        error.value.message
    )
    assert "roles/cloudscheduler.admin" in error.value.message
    assert f"roles/iam.serviceAccountUser on {INVOKER}" in error.value.message
    assert 'lacks IAM permission "cloudscheduler.jobs.get"' in error.value.message
    assert api.received_for("POST") == []


@pytest.mark.parametrize(
    ("url", "fault"),
    [
        ("http://metrics.example.run.app", "is not an https URL"),
        ("metrics.example.run.app", "is not an https URL"),
        ("https://metrics.example.run.app/api/x", "has a path"),
    ],
)
def test_a_bad_service_url_is_refused_before_any_call(api, installer, url, fault):
    with pytest.raises(SchedulerSetupError) as error:
        installer.install(metrics_job(), url)

    assert fault in error.value.message
    assert error.value.status == 400
    assert api.received == []
    assert check_service_url(METRICS_URL + "/") == METRICS_URL


def test_the_cleanup_command_sets_up_both_cleanup_jobs(api, capsys):
    for name in ("cleanup-gcs-artifacts", "cleanup-orphan-models"):
        api.answer("GET", job_path(name), 404, NOT_FOUND)
        api.answer("POST", f"{PARENT}/jobs", 200, JOB)

    status = cli.main(
        [
            "setup_cleanup_scheduler",
            f"--url={METRICS_URL}",
            f"--project={PROJECT}",
            f"--region={REGION}",
            f"--service-account={INVOKER}",
            f"--api-endpoint={api.endpoint}",
        ]
    )

    assert status == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"created projects/{PROJECT}/locations/{REGION}/jobs/cleanup-gcs-artifacts: "
        f"schedule '0 3 * * *' (Etc/UTC), POST "
        f"{METRICS_URL}/api/system/cleanup-artifacts-webhook/",
        f"created projects/{PROJECT}/locations/{REGION}/jobs/cleanup-orphan-models: "
        f"schedule '0 4 * * *' (Etc/UTC), POST "
        f"{METRICS_URL}/api/system/cleanup-orphan-models-webhook/",
    ]
    uris = [r.body["httpTarget"]["uri"] for r in api.received_for("POST")]
    assert uris == [
        f"{METRICS_URL}/api/system/cleanup-artifacts-webhook/",
        f"{METRICS_URL}/api/system/cleanup-orphan-models-webhook/",
    ]


def test_the_billing_command_deletes_its_job(api, capsys):
    api.answer("DELETE", job_path("collect-billing-snapshots"), 200, {})

    status = cli.main(
        [
            "setup_billing_scheduler",
            "--delete",
            f"--project={PROJECT}",
            f"--api-endpoint={api.endpoint}",
        ]
    )

    assert status == 0
    assert capsys.readouterr().out == (
        f"deleted projects/{PROJECT}/locations/{REGION}/jobs/"
        "collect-billing-snapshots\n"
    )


def test_a_command_reports_permission_denied_on_stderr_and_fails(api, capsys):
    api.answer("GET", job_path("collect-billing-snapshots"), 403, DENIED)

    status = cli.main(
        [
            "setup_billing_scheduler",
            f"--url={BILLING_URL}",
            f"--project={PROJECT}",
            f"--service-account={INVOKER}",
            f"--api-endpoint={api.endpoint}",
        ]
    )

    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == ""
    assert captured.err.startswith(
        "error: permission denied on Cloud Scheduler job collect-billing-snapshots"
    )


@pytest.fixture
def endpoint_env(api, monkeypatch):
    monkeypatch.setenv("RECS_GCP_PROJECT", PROJECT)
    monkeypatch.setenv("RECS_SCHEDULER_SERVICE_ACCOUNT", INVOKER)
    monkeypatch.setenv("RECS_METRICS_COLLECTOR_URL", METRICS_URL)
    monkeypatch.setenv("RECS_SCHEDULER_API_ENDPOINT", api.endpoint)


def test_the_endpoint_answers_the_spec_shape(api, endpoint_env, api_settings):
    api.answer("GET", job_path("collect-resource-metrics"), 404, NOT_FOUND)
    api.answer("POST", f"{PARENT}/jobs", 200, JOB)
    client = create_app(api_settings).test_client()

    response = client.post("/api/system/setup-metrics-scheduler/")

    assert response.status_code == 200
    assert response.get_json() == {
        "status": "success",
        "action": "created",
        "job_name": f"projects/{PROJECT}/locations/{REGION}/jobs/"
        "collect-resource-metrics",
        "schedule": "0 2 * * *",
        "webhook_url": f"{METRICS_URL}/api/system/collect-metrics-webhook/",
    }


def test_the_endpoint_passes_permission_denied_on(api, endpoint_env, api_settings):
    api.answer("GET", job_path("collect-resource-metrics"), 403, DENIED)
    client = create_app(api_settings).test_client()

    response = client.post("/api/system/setup-metrics-scheduler/")

    assert response.status_code == 403
    body = response.get_json()
    assert (body["success"], body["status"]) == (False, "error")
    assert "roles/cloudscheduler.admin" in body["error"]


def test_the_endpoint_refuses_a_bad_body_without_calling_scheduler(
    api, endpoint_env, api_settings
):
    client = create_app(api_settings).test_client()

    response = client.post("/api/system/setup-metrics-scheduler/", json={"url": 3})

    assert response.status_code == 400
    assert response.get_json()["fields"] == {"url": ["Not a valid string."]}
    assert api.received == []


def test_the_endpoint_says_scheduler_is_unavailable_locally(api_settings):
    client = create_app(api_settings).test_client()

    response = client.post("/api/system/setup-metrics-scheduler/")

    assert response.status_code == 501
    assert "not available in the local profile" in response.get_json()["error"]


def test_production_refuses_to_start_without_the_scheduler_values(
    monkeypatch, sqlite_store
):
    production = {
        "RECS_PROFILE": "production",
        "RECS_GCP_PROJECT": PROJECT,
        "RECS_REGION": REGION,
        "RECS_DASHBOARD_API_URL": "https://dashboard-api.example.run.app",
    }
    for name, value in production.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError) as error:
        create_app(store=sqlite_store)

    message = str(error.value)
    assert "RECS_SCHEDULER_SERVICE_ACCOUNT is required in production" in message
    assert "RECS_METRICS_COLLECTOR_URL is required in production" in message


def test_the_endpoint_reads_a_chunked_body(api, endpoint_env, api_settings):
    # A chunked body has no Content-Length; gunicorn de-chunks it and sets
    # wsgi.input_terminated, which is what lets Werkzeug read the stream.
    other = "https://metrics-collector-other.europe-central2.run.app"
    api.answer("GET", job_path("collect-resource-metrics"), 404, NOT_FOUND)
    api.answer("POST", f"{PARENT}/jobs", 200, JOB)
    client = create_app(api_settings).test_client()

    response = client.post(
        "/api/system/setup-metrics-scheduler/",
        input_stream=io.BytesIO(json.dumps({"url": other}).encode()),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["webhook_url"] == (
        f"{other}/api/system/collect-metrics-webhook/"
    )
