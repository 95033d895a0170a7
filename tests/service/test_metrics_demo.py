"""The demo steps of make run: a seeded platform, then a metrics backfill that
waits in the outbox until dashboard-api is up, and then arrives whole."""

from __future__ import annotations

import pytest

from dashboard_api.app import create_app
from dashboard_api.snapshots import RESOURCE_METRICS_COLLECTION
from devtools import metrics_demo
from devtools.ports import free_port
from devtools.run_local import stack_environment
from recs_shared import platform, settings
from recs_shared.publisher import make_deliverer
from recs_shared.publisher.outbox import Outbox
from recs_shared.settings import (
    CollectorSettings,
    DashboardApiSettings,
    LocalStackSettings,
)
from recs_shared.store.sqlite_store import SQLiteStore
from tests.support.servers import LoopbackServer
from tests.support.waiting import wait_until


@pytest.fixture
def stack(tmp_path):
    environ = {
        "RECS_DATA_DIR": str(tmp_path / "data"),
        "RECS_API_PORT": str(free_port()),
    }
    config = settings.load(LocalStackSettings, environ)
    return config, stack_environment(config, "local")


def test_the_platform_is_seeded_once(stack, capsys):
    config, env = stack

    metrics_demo.seed_platform(config, env)
    metrics_demo.seed_platform(config, env)

    store = SQLiteStore(config.sqlite_path)
    assert store.count(platform.PROJECTS) == 4
    assert "already in the local store" in capsys.readouterr().out


def test_the_backfill_waits_in_the_outbox_and_reaches_dashboard_api(stack):
    config, env = stack
    metrics_demo.seed_platform(config, env)

    metrics_demo.backfill_metrics(config, env)
    metrics_demo.backfill_metrics(config, env)  # skipped: done once

    outbox = Outbox(config.outbox_path)
    assert len(outbox.pending()) == metrics_demo.BACKFILL_DAYS

    api_config = settings.load(DashboardApiSettings, env)
    store = SQLiteStore(api_config.sqlite_path)
    deliverer = make_deliverer(settings.load(CollectorSettings, env), outbox)
    with LoopbackServer(create_app(api_config, store), port=config.api_port):
        wait_until(
            lambda: deliverer.deliver_due() >= 0 and not outbox.pending(),
            timeout=60,
            what="the backfill to be delivered",
        )

    snapshots = [doc.data for doc in store.query(RESOURCE_METRICS_COLLECTION)]
    assert len(snapshots) == metrics_demo.BACKFILL_DAYS
    assert all(s["status"] == "partial" for s in snapshots)
    assert all(s["etl_jobs_completed"] is not None for s in snapshots)
    assert all(s["bq_total_bytes"] is None for s in snapshots)
