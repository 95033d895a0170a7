"""billing-collector over HTTP and from its command line.

The collector runs as a real server on loopback, reads the local DuckDB
export and the SQLite store, and publishes through the embedded bridge; a
push receiver decodes what arrives with the event contract (recs_shared
.events.decode_push), as any subscriber would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
import requests
from flask import Flask, request
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

from billing_collector.__main__ import main
from billing_collector.app import WEBHOOK_PATH, create_app
from billing_collector.bigquery_source import BigQuerySource
from recs_shared.events import decode_push
from recs_shared.publisher.outbox import Outbox
from tests.support.bigquery_rest import FakeBigQuery
from tests.support.billing_export import (
    collector_settings,
    export_row,
    save_billing_config,
    write_export,
)
from tests.support.servers import LoopbackServer

TODAY = datetime.now(UTC).date()
YESTERDAY = TODAY - timedelta(days=1)


class PushReceiver:
    """A subscriber endpoint that keeps every billing event pushed to it."""

    def __init__(self) -> None:
        self.events = []
        self.app = Flask("receiver")
        self.app.add_url_rule("/push/billing", view_func=self.receive, methods=["POST"])

    def receive(self):
        self.events.append(decode_push(request.get_data()).event)
        return "", 204

    def latest(self):
        by_day = {}
        for event in self.events:
            by_day[event["snapshot_date"]] = event
        return by_day


@pytest.fixture
def receiver():
    receiver = PushReceiver()
    with LoopbackServer(receiver.app) as server:
        receiver.url = server.url
        yield receiver


@pytest.fixture
def config(tmp_path, receiver):
    return collector_settings(tmp_path / "data", RECS_DASHBOARD_API_URL=receiver.url)


@pytest.fixture
def collector(config, sqlite_store):
    save_billing_config(sqlite_store, default_margin_pct=100)
    with LoopbackServer(create_app(config, store=sqlite_store)) as server:
        yield server.url


def _at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _pending(config):
    return Outbox(config.outbox_path).pending()


def test_a_scheduled_run_publishes_the_last_three_days(config, collector, receiver):
    costs = {YESTERDAY - timedelta(days=back): Decimal(back + 1) for back in range(4)}
    write_export(
        config.export_duckdb_path,
        [
            export_row("BigQuery", float(cost), usage_start=_at(day))
            for day, cost in costs.items()
        ],
    )

    response = requests.post(collector + "/", timeout=30)

    assert response.status_code == 200, response.text
    body = response.json()
    recollected = [YESTERDAY - timedelta(days=back) for back in (2, 1, 0)]
    assert [day["date"] for day in body["days"]] == [d.isoformat() for d in recollected]
    stored = receiver.latest()
    assert sorted(stored) == recollected
    for day in recollected:
        (line,) = stored[day]["lines"]
        assert (line["category"], line["service"], line["gcp_cost"]) == (
            "Data",
            "BigQuery",
            costs[day],
        )
        assert line["total_cost"] == costs[day] * 2
    assert stored[YESTERDAY]["provisional"] is True
    assert _pending(config) == []


def test_the_webhook_path_collects_one_date_and_a_replay_changes_nothing(
    config, collector, receiver
):
    day = YESTERDAY - timedelta(days=10)
    write_export(
        config.export_duckdb_path, [export_row("Cloud SQL", 2.5, usage_start=_at(day))]
    )

    first = requests.post(
        collector + WEBHOOK_PATH, json={"date": day.isoformat()}, timeout=30
    )
    stored_once = receiver.latest()[day]
    second = requests.post(
        collector + WEBHOOK_PATH, json={"date": day.isoformat()}, timeout=30
    )
    stored_twice = receiver.latest()[day]

    assert first.status_code == second.status_code == 200
    assert first.json()["days"][0]["gcp_cost"] == "2.5"
    assert stored_once["provisional"] is False
    for key in ("lines", "tax_cost", "training_runs", "export_time_max"):
        assert stored_twice[key] == stored_once[key]


def test_a_dry_run_answers_with_the_events_and_publishes_nothing(
    config, collector, receiver
):
    write_export(
        config.export_duckdb_path,
        [export_row("BigQuery", 1.25, usage_start=_at(YESTERDAY))],
    )

    response = requests.post(
        collector + "/", json={"dry_run": True, "backfill_days": 2}, timeout=30
    )

    body = response.json()
    assert response.status_code == 200 and body["dry_run"] is True
    assert [e["snapshot_date"] for e in body["events"]] == [
        (YESTERDAY - timedelta(days=1)).isoformat(),
        YESTERDAY.isoformat(),
    ]
    assert body["events"][1]["lines"][0]["gcp_cost"] == "1.25"
    assert receiver.events == [] and _pending(config) == []


@pytest.mark.parametrize(
    ("body", "fault"),
    [
        ({"date": "yesterday"}, "date: Not a YYYY-MM-DD day: 'yesterday'."),
        (
            {"date": "0001-01-01"},
            "date 0001-01-01 is before 2017-01-01, the earliest day a collector "
            "can have data for; ask for a later day",
        ),
        ({"date": "2016-12-31", "dry_run": True}, "is before 2017-01-01"),
        ({"backfill_days": -3}, "backfill_days: Must be 0 or more, got -3."),
        ({"backfill_days": 5000}, "backfill days must be between 1 and 1000, got 5000"),
        ({"days": 3}, "days: Unknown field."),
        ({"dry_run": "yes"}, "dry_run: Not a boolean (true or false)."),
        ([1, 2], "the request body must be a JSON object"),
    ],
)
def test_a_bad_request_is_refused_naming_the_fault(
    config, collector, receiver, body, fault
):
    response = requests.post(collector + WEBHOOK_PATH, json=body, timeout=30)

    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert fault in response.json()["error"]
    assert receiver.events == []


@pytest.mark.parametrize("path", ["/", WEBHOOK_PATH])
def test_query_parameters_are_refused_and_nothing_is_published(
    config, collector, receiver, path
):
    write_export(
        config.export_duckdb_path,
        [export_row("BigQuery", 1.25, usage_start=_at(YESTERDAY))],
    )

    response = requests.post(
        f"{collector}{path}?date={YESTERDAY}&dry_run=true", timeout=30
    )

    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "error": "options go in the JSON body: date, backfill_days, dry_run; "
        "got query parameters: date, dry_run",
    }
    assert receiver.events == [] and _pending(config) == []


def test_a_body_that_is_not_json_is_refused(collector):
    response = requests.post(
        collector + "/",
        data="date=2026-01-01",
        headers={"Content-Type": "text/plain"},
        timeout=30,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "the request body is not JSON"


def test_when_the_export_cannot_be_read_nothing_is_published_and_scheduler_retries(
    config, collector, receiver
):
    response = requests.post(collector + "/", timeout=30)

    assert response.status_code == 503
    error = response.json()["error"]
    assert error.startswith("nothing was published: no local billing export at ")
    assert receiver.events == [] and _pending(config) == []


def test_when_bigquery_fails_on_any_day_nothing_is_published(
    config, sqlite_store, receiver
):
    fake = FakeBigQuery(project=config.gcp_project)
    fake.fail_with(403, "accessDenied", "Access Denied: Table b2b-recs:x", after=1)
    with LoopbackServer(fake.app) as bigquery_api:
        client = bigquery.Client(
            project=config.gcp_project,
            credentials=AnonymousCredentials(),
            client_options={"api_endpoint": bigquery_api.url},
        )
        app = create_app(
            config, store=sqlite_store, source=BigQuerySource(client, 10**9)
        )
        with LoopbackServer(app) as collector:
            response = requests.post(collector.url + WEBHOOK_PATH, json={}, timeout=30)

    assert len(fake.query_bodies()) == 2
    assert response.status_code == 503
    assert "Access Denied: Table b2b-recs:x" in response.json()["error"]
    assert receiver.events == [] and _pending(config) == []


def test_the_command_line_prints_a_dry_run_and_reports_failures(
    config, sqlite_store, monkeypatch, capsys
):
    monkeypatch.setenv("RECS_DATA_DIR", str(config.data_dir))
    monkeypatch.setenv("RECS_DASHBOARD_API_URL", config.dashboard_api_url)
    day = YESTERDAY - timedelta(days=3)

    assert main(["--date", day.isoformat(), "--dry-run"]) == 1
    assert "no local billing export" in capsys.readouterr().out

    write_export(
        config.export_duckdb_path, [export_row("BigQuery", 0.5, usage_start=_at(day))]
    )
    assert main(["--date", day.isoformat(), "--dry-run"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["events"][0]["lines"][0]["gcp_cost"] == "0.5"
    assert _pending(config) == []


@pytest.mark.parametrize(
    ("arguments", "fault"),
    [
        (["--backfill"], "--backfill needs --days N"),
        (["--days", "3"], "--days goes with --backfill"),
        (["--date", "2026-13-01"], "date '2026-13-01' is not a calendar day"),
        # The trigger's rule: strict YYYY-MM-DD, nothing before the export.
        (["--date", "20261130"], "date must be a YYYY-MM-DD day, got '20261130'"),
        (["--date", "2026-W48-1"], "date must be a YYYY-MM-DD day, got '2026-W48-1'"),
        (["--date", "0001-01-01"], "date 0001-01-01 is before 2017-01-01"),
    ],
)
def test_the_command_line_refuses_bad_options(arguments, fault, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(arguments)

    assert exit_.value.code == 2
    assert fault in capsys.readouterr().err
