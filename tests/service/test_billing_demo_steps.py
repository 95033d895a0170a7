"""The billing demo steps of ``make run``: export, then backfill, once."""

from __future__ import annotations

from datetime import UTC, datetime

from billing_collector.demo_export import period
from devtools import billing_demo, run_local
from devtools.ports import free_port
from recs_shared import settings
from recs_shared.publisher.outbox import Outbox
from recs_shared.settings import LocalStackSettings


def test_the_demo_backfill_waits_in_the_outbox_and_runs_once(tmp_path):
    config = settings.load(
        LocalStackSettings,
        {"RECS_DATA_DIR": str(tmp_path / "data"), "RECS_API_PORT": str(free_port())},
    )
    config.data_dir.mkdir(parents=True)
    env = run_local.stack_environment(config, "local")
    first, last = period(datetime.now(UTC).date(), billing_demo.MONTHS)

    for _ in range(2):
        billing_demo.billing_export(config, env)
        billing_demo.billing_backfill(config, env)

    pending = Outbox(config.outbox_path).pending()
    days = sorted(delivery.attributes["snapshot_date"] for delivery in pending)
    assert len(days) == (last - first).days + 1
    assert (days[0], days[-1]) == (first.isoformat(), last.isoformat())
    assert {d.attributes["event_type"] for d in pending} == {"billing.snapshot"}
