"""The clean-up jobs' HTTP triggers on metrics-collector: JSON summaries."""

from __future__ import annotations

import io

import pytest

from metrics_collector.app import create_app
from recs_shared import settings
from recs_shared.settings import MetricsCollectorSettings
from tests.support import housekeeping
from tests.support.housekeeping import BUCKET, register_model, upload
from tests.support.recorded_api import RecordedApi, recorded

# The Cloud Storage emulator and a fresh bucket on it (tests/support/housekeeping.py).
storage_emulator = housekeeping.storage_emulator
bucket = housekeeping.bucket

PARENT = "projects/b2b-recs/locations/europe-central2"
MODELS = "projects/555035914949/locations/europe-central2/models"


@pytest.fixture
def client(monkeypatch, storage_emulator):
    monkeypatch.setenv("RECS_GCP_PROJECT", "b2b-recs")
    monkeypatch.setenv("RECS_STORAGE_API_ENDPOINT", storage_emulator)
    monkeypatch.setenv("RECS_ARTIFACTS_BUCKET", BUCKET)
    app = create_app(settings.load(MetricsCollectorSettings))
    return app.test_client()


def test_the_artifacts_webhook_answers_a_summary(client, bucket):
    upload(bucket, {"shop/run-9/model/saved_model.pb": b"x" * 10})

    response = client.post("/api/system/cleanup-artifacts-webhook/", json={})

    assert response.status_code == 200
    body = response.get_json()
    del body["cutoff"]
    assert body == {
        "status": "success",
        "job": "cleanup-gcs-artifacts",
        "dry_run": False,
        "bucket": BUCKET,
        "include_registered": False,
        "deleted_objects": 0,
        "bytes_freed": 0,
        "kept_registered": 0,
        "kept_recent": 1,
        "errors": [],
    }


def test_the_artifacts_webhook_refuses_bad_options(client, bucket):
    response = client.post(
        "/api/system/cleanup-artifacts-webhook/", json={"days": 0, "dry_run": "maybe"}
    )

    assert response.status_code == 400
    assert response.get_json() == {
        "status": "error",
        "job": "cleanup-gcs-artifacts",
        "error": "invalid options",
        "fields": {
            "days": ["Must be greater than or equal to 1."],
            "dry_run": ["Not a valid boolean."],
        },
    }


def test_the_artifacts_webhook_reports_a_failed_run_as_error(client):
    # No bucket was created: the listing fails and nothing can be deleted.
    response = client.post("/api/system/cleanup-artifacts-webhook/")

    assert response.status_code == 500
    body = response.get_json()
    assert (body["status"], body["job"]) == ("error", "cleanup-gcs-artifacts")
    assert body["error"].startswith(f"cannot list gs://{BUCKET}: 404")


def test_the_orphan_webhook_answers_a_summary(client, monkeypatch):
    with RecordedApi() as api:
        for page in (1, 2):
            api.answer(
                "GET",
                f"/v1/{PARENT}/models",
                200,
                recorded(f"vertex/models_list_page{page}.json"),
            )
        monkeypatch.setenv("RECS_VERTEX_API_ENDPOINT", api.endpoint)
        app = create_app(settings.load(MetricsCollectorSettings))
        store = app.extensions["housekeeping"].store
        register_model(store, "m-1", vertex_model=f"{MODELS}/1111")

        response = app.test_client().post(
            "/api/system/cleanup-orphan-models-webhook/",
            json={"dry_run": True, "min_age_hours": 0},
        )

    assert response.status_code == 200
    assert response.get_json() == {
        "status": "success",
        "job": "cleanup-orphan-models",
        "dry_run": True,
        "parent": PARENT,
        "deleted_models": [f"{MODELS}/2222", f"{MODELS}/4444", f"{MODELS}/5555"],
        "kept_referenced": 1,
        "kept_deployed": 1,
        "kept_recent": 0,
        "errors": [],
    }


def test_the_orphan_webhook_says_vertex_is_unavailable_locally(client):
    response = client.post("/api/system/cleanup-orphan-models-webhook/")

    assert response.status_code == 500
    assert "has no emulator: it runs in production only" in response.get_json()["error"]


def post_chunked(client, path: str, body: bytes):
    # A chunked body has no Content-Length. gunicorn de-chunks it and sets
    # wsgi.input_terminated, which is what lets Werkzeug read the stream.
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_is_read_so_a_dry_run_deletes_nothing(client, bucket):
    upload(bucket, {"shop/run-1/model/saved_model.pb": b"x"})

    response = post_chunked(
        client,
        "/api/system/cleanup-artifacts-webhook/",
        b'{"dry_run": true, "days": 1, "include_registered": true}',
    )

    assert response.status_code == 200
    body = response.get_json()
    assert (body["dry_run"], body["include_registered"]) == (True, True)
    assert [blob.name for blob in bucket.list_blobs()] == [
        "shop/run-1/model/saved_model.pb"
    ]


@pytest.mark.parametrize(
    ("path", "options"),
    [
        ("/api/system/cleanup-artifacts-webhook/", "dry_run, days, include_registered"),
        ("/api/system/cleanup-orphan-models-webhook/", "dry_run, min_age_hours"),
    ],
)
def test_query_parameters_are_refused_rather_than_ignored(
    client, bucket, path, options
):
    upload(bucket, {"shop/run-1/model/saved_model.pb": b"x"})

    response = client.post(f"{path}?dry_run=true&days=1", json={})

    assert response.status_code == 400
    assert response.get_json()["error"] == (
        f"options go in the JSON body: {options}; got query parameters: days, dry_run"
    )
    assert len(list(bucket.list_blobs())) == 1
