"""cleanup_orphan_models through the real Vertex AI client (REST transport).

The Model Registry's answers are recorded (tests/data/vertex) and served on
loopback; see tests/data/vertex/README.md for the five models.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from housekeeping import cli, jobs
from housekeeping.clients import model_client
from housekeeping.orphan_models import cleanup_orphan_models
from recs_shared import settings
from recs_shared.settings import HousekeepingSettings
from tests.support.housekeeping import register_model
from tests.support.recorded_api import RecordedApi, recorded

PARENT = "projects/b2b-recs/locations/europe-central2"
MODELS = "projects/555035914949/locations/europe-central2/models"
NOW = datetime(2026, 12, 3, 4, 0, tzinfo=UTC)
REFERENCED = frozenset({"1111"})


@pytest.fixture
def api():
    with RecordedApi() as server:
        server.answer(
            "GET",
            f"/v1/{PARENT}/models",
            200,
            recorded("vertex/models_list_page1.json"),
        )
        server.answer(
            "GET",
            f"/v1/{PARENT}/models",
            200,
            recorded("vertex/models_list_page2.json"),
        )
        yield server


@pytest.fixture
def config(api, monkeypatch) -> HousekeepingSettings:
    monkeypatch.setenv("RECS_GCP_PROJECT", "b2b-recs")
    monkeypatch.setenv("RECS_VERTEX_API_ENDPOINT", api.endpoint)
    return settings.load(HousekeepingSettings)


def run(config, *, dry_run=False, min_age=timedelta(hours=24)):
    return cleanup_orphan_models(
        model_client(config),
        PARENT,
        REFERENCED,
        min_age=min_age,
        dry_run=dry_run,
        now=NOW,
    )


def test_old_unreferenced_undeployed_models_are_deleted(api, config):
    api.answer(
        "DELETE", f"/v1/{MODELS}/2222", 200, recorded("vertex/delete_operation.json")
    )
    api.answer(
        "DELETE",
        f"/v1/{MODELS}/5555",
        400,
        recorded("vertex/delete_failed_precondition.json"),
    )

    report = run(config)

    assert [orphan.name for orphan in report.deleted] == [f"{MODELS}/2222"]
    assert [e["model"] for e in report.errors] == [f"{MODELS}/5555"]
    assert "still running" in report.errors[0]["error"]
    assert report.status == "partial"
    assert (report.kept_referenced, report.kept_deployed, report.kept_recent) == (
        1,
        1,
        1,
    )
    assert [r.path for r in api.received_for("DELETE")] == [
        f"/v1/{MODELS}/2222",
        f"/v1/{MODELS}/5555",
    ]


def test_every_page_of_the_registry_is_read(api, config):
    run(config, dry_run=True)

    first, second = api.received_for("GET")
    assert "pageToken" not in first.query
    assert (
        second.query["pageToken"]
        == recorded("vertex/models_list_page1.json")["nextPageToken"]
    )


def test_a_dry_run_names_the_orphans_and_deletes_nothing(api, config):
    report = run(config, dry_run=True)

    assert [orphan.display_name for orphan in report.deleted] == [
        "shop-ranking-2026-10-01",
        "legacy-ranking",
    ]
    assert report.status == "success"
    assert api.received_for("DELETE") == []


def test_the_grace_period_decides_about_young_models(api, config):
    report = run(config, dry_run=True, min_age=timedelta(hours=2))

    assert [orphan.name.rsplit("/", 1)[1] for orphan in report.deleted] == [
        "2222",
        "4444",
        "5555",
    ]


def test_the_job_takes_references_from_registered_models(api, config, sqlite_store):
    register_model(
        sqlite_store,
        "m-1",
        vertex_model="projects/b2b-recs/locations/europe-central2/models/1111@2",
    )
    register_model(
        sqlite_store,
        "m-5",
        vertex_model="projects/555035914949/locations/europe-central2/models/5555",
    )

    report = jobs.orphan_model_cleanup(config, sqlite_store, dry_run=True, now=NOW)

    assert [orphan.name for orphan in report.deleted] == [f"{MODELS}/2222"]
    assert report.kept_referenced == 2


def test_an_unreadable_reference_stops_the_job_before_any_call(
    api, config, sqlite_store
):
    register_model(sqlite_store, "m-9", vertex_model="models/1111")

    with pytest.raises(jobs.JobFailed) as error:
        jobs.orphan_model_cleanup(config, sqlite_store, now=NOW)

    assert "unreadable vertex_model: m-9" in str(error.value)
    assert api.received == []


def test_the_command_prints_each_orphan_and_a_summary(
    api, config, sqlite_store, capsys
):
    status = cli.main(
        ["cleanup_orphan_models", "--dry-run", "--min-age-hours", "0"],
        store=sqlite_store,
    )

    assert status == 0
    assert capsys.readouterr().out.splitlines() == [
        f"would delete {MODELS}/1111 (shop-retrieval)",
        f"would delete {MODELS}/2222 (shop-ranking-2026-10-01)",
        f"would delete {MODELS}/4444 (shop-multitask-2026-12-03)",
        f"would delete {MODELS}/5555 (legacy-ranking)",
        f"would delete 4 orphan models in {PARENT}; kept 0 referenced, "
        "1 deployed, 0 too young to judge",
    ]


def test_a_registry_that_refuses_the_listing_fails_the_job(config, sqlite_store):
    with RecordedApi() as denied:
        denied.answer(
            "GET",
            f"/v1/{PARENT}/models",
            403,
            recorded("vertex/permission_denied.json"),
        )
        failing = dataclasses.replace(config, vertex_api_endpoint=denied.endpoint)

        with pytest.raises(jobs.JobFailed) as error:
            jobs.orphan_model_cleanup(failing, sqlite_store, now=NOW)

    assert str(error.value).startswith(
        f"cannot list the Vertex AI models of {PARENT}: 403"
    )
    assert "aiplatform.models.list" in str(error.value)
