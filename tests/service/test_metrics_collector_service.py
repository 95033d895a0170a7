"""metrics-collector over HTTP and from its command line."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from google.api_core import exceptions

from dashboard_api.app import create_app as create_api
from dashboard_api.snapshots import RESOURCE_METRICS_COLLECTION
from devtools import platform_seed
from metrics_collector.app import create_app
from metrics_collector.collect_routes import EXTENSION, WEBHOOK_PATH
from metrics_collector.sources.ports import SourceUnavailable
from recs_shared import settings
from recs_shared.resource_metrics import COLLECTOR_FIELDS
from recs_shared.settings import DashboardApiSettings, MetricsCollectorSettings
from recs_shared.store.sqlite_store import SQLiteStore
from tests.support.metrics import RUN_AT, FakeSources, collector_at
from tests.support.servers import LoopbackServer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path) -> MetricsCollectorSettings:
    return settings.load(
        MetricsCollectorSettings, {"RECS_DATA_DIR": str(tmp_path / "data")}
    )


def app_with(config, sources: FakeSources):
    app = create_app(config)
    collector, publisher = collector_at(sources, RUN_AT)
    app.extensions[EXTENSION] = collector
    return app.test_client(), publisher


@pytest.mark.parametrize("path", ["/", WEBHOOK_PATH])
def test_the_scheduler_trigger_collects_yesterday_and_answers_200(config, path):
    client, publisher = app_with(config, FakeSources())

    response = client.post(path)

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "success"
    assert body["snapshot_date"] == "2026-11-30"
    assert body["collected_at"] == RUN_AT.isoformat()
    assert body["published"] is True
    assert len(publisher.published) == 1


def test_a_partial_collection_answers_200_naming_the_failed_collector(config):
    sources = FakeSources().fail("cloud_storage", exceptions.Forbidden("no bucket"))
    client, _ = app_with(config, sources)

    response = client.post(WEBHOOK_PATH)

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "partial"
    assert body["collection_errors"] == [
        {"collector": "cloud_storage", "error": "403 no bucket"}
    ]


def test_a_failed_collection_answers_a_retryable_503(config):
    sources = FakeSources()
    for name in COLLECTOR_FIELDS:
        sources.fail(name, SourceUnavailable("unreachable"))
    client, _ = app_with(config, sources)

    response = client.post("/")

    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_a_publication_that_fails_answers_503(config):
    client, publisher = app_with(config, FakeSources())
    publisher.refuse = exceptions.ServiceUnavailable("Pub/Sub down")

    response = client.post("/")

    assert response.status_code == 503
    assert response.get_json()["publish_error"] == "503 Pub/Sub down"


def test_an_ended_day_can_be_asked_for(config):
    client, _ = app_with(config, FakeSources())

    response = client.post("/", json={"date": "2026-11-28"})

    assert response.status_code == 200
    assert response.get_json()["snapshot_date"] == "2026-11-28"


@pytest.mark.parametrize(
    ("body", "fault"),
    [
        ({"date": "2026-12-01"}, "has not ended yet"),
        ({"date": "30/11/2026"}, "YYYY-MM-DD"),
        ({"date": 20261130}, "YYYY-MM-DD"),
        ({"date": "2026-W48-1"}, "date must be a YYYY-MM-DD day"),
        ({"date": "0001-01-01"}, "date 0001-01-01 is before 2017-01-01"),
        ({"day": "2026-11-30"}, "unknown field(s): day"),
        ([1, 2], "JSON object"),
        ("not json", "JSON object"),
    ],
)
def test_a_bad_request_is_refused_with_its_fault_and_publishes_nothing(
    config, body, fault
):
    client, publisher = app_with(config, FakeSources())

    if isinstance(body, str):
        response = client.post("/", data=body, content_type="application/json")
    else:
        response = client.post("/", json=body)

    assert response.status_code == 400
    assert fault in response.get_json()["error"]
    assert publisher.published == []


@pytest.mark.parametrize("path", ["/", WEBHOOK_PATH])
def test_query_parameters_are_refused_and_nothing_is_published(config, path):
    client, publisher = app_with(config, FakeSources())

    response = client.post(f"{path}?date=2026-11-01&dry_run=true")

    assert response.status_code == 400
    assert response.get_json()["error"] == (
        "options go in the JSON body: date; got query parameters: date, dry_run"
    )
    assert publisher.published == []


def test_the_local_stack_collects_platform_figures_into_dashboard_api(tmp_path):
    """Collector (local sources, embedded publisher) to dashboard-api, for real."""
    data_dir = tmp_path / "data"
    api_config = settings.load(DashboardApiSettings, {"RECS_DATA_DIR": str(data_dir)})
    store = SQLiteStore(api_config.sqlite_path)
    now = datetime.now(UTC)
    seeded = platform_seed.build(now, seed=3, days=10)
    platform_seed.write(store, seeded)

    with LoopbackServer(create_api(api_config, store)) as api:
        config = settings.load(
            MetricsCollectorSettings,
            {"RECS_DATA_DIR": str(data_dir), "RECS_DASHBOARD_API_URL": api.url},
        )
        response = create_app(config).test_client().post(WEBHOOK_PATH)

    assert response.status_code == 200
    yesterday = date.fromisoformat(response.get_json()["snapshot_date"])
    stored = store.get(RESOURCE_METRICS_COLLECTION, yesterday.isoformat())
    assert stored["status"] == "partial"

    def ended_yesterday(run):
        finished = run.get("finished_at")
        return finished is not None and finished.date() == yesterday

    etl = [r for r in seeded.documents["etl_runs"].values() if ended_yesterday(r)]
    assert stored["etl_jobs_completed"] == sum(r["status"] == "completed" for r in etl)
    assert stored["etl_jobs_failed"] == sum(r["status"] == "failed" for r in etl)
    training = [
        r for r in seeded.documents["training_runs"].values() if ended_yesterday(r)
    ]
    assert stored["gpu_training_hours"] == pytest.approx(
        sum(r["gpu_hours"] for r in training)
    )
    assert stored["db_size_bytes"] > 0
    # What the local profile cannot measure is null, with the reason.
    not_measured = {e["collector"]: e["error"] for e in stored["collection_errors"]}
    assert set(not_measured) == {
        "bigquery_storage",
        "bigquery_jobs",
        "cloud_run_services",
        "cloud_storage",
        "cloud_run_requests",
    }
    assert not_measured["bigquery_jobs"] == (
        "BigQuery is not available in the local profile"
    )
    assert stored["bq_total_bytes"] is None


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {
        "PATH": str(Path(sys.executable).parent),
        "RECS_DATA_DIR": str(data_dir),
        # Nothing listens here: a real publish would wait in the outbox.
        "RECS_DASHBOARD_API_URL": "http://127.0.0.1:9",
    }
    return subprocess.run(
        [sys.executable, "-m", "metrics_collector", *args],
        cwd=REPO / "services" / "metrics-collector",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def summaries(output: str) -> list[dict]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if "snapshot_date" in line]


def test_the_cli_backfill_dry_run_prints_one_valid_snapshot_per_day(tmp_path):
    result = run_cli("backfill", "--days", "3", "--dry-run", data_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    days = summaries(result.stdout)
    assert [d["status"] for d in days] == ["partial"] * 3
    assert all(d["dry_run"] and not d["published"] for d in days)
    assert all(d["event"]["event_type"] == "resource_metrics.snapshot" for d in days)
    assert not (tmp_path / "outbox.sqlite3").exists()


def test_the_cli_collect_publishes_into_the_durable_outbox(tmp_path):
    result = run_cli("collect", data_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    [day] = summaries(result.stdout)
    assert day["published"] is True
    assert (tmp_path / "outbox.sqlite3").exists()


@pytest.mark.parametrize(
    ("args", "fault"),
    [
        (("collect", "--date", "2999-01-01"), "has not ended yet"),
        (("collect", "--date", "tomorrow"), "YYYY-MM-DD"),
        (("collect", "--date", "2026-W48-1"), "YYYY-MM-DD day, got '2026-W48-1'"),
        (("collect", "--date", "0001-01-01"), "is before 2017-01-01"),
        (("backfill", "--days", "0"), "between 1 and 366"),
    ],
)
def test_the_cli_refuses_bad_arguments_with_exit_2(tmp_path, args, fault):
    result = run_cli(*args, data_dir=tmp_path)

    assert result.returncode == 2
    assert fault in result.stderr
