"""Demo steps of the metrics issue for ``make run`` (listed in devtools/demo.py).

1. seed_platform: the ML platform's collections (devtools/platform_seed.py),
   written once into the local store.
2. backfill_metrics: ``python -m metrics_collector backfill`` over the demo
   days, published through the embedded publisher. dashboard-api is not up
   yet, so the events wait in the durable outbox and the stack's relay
   delivers them once it is.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from devtools import markers, platform_seed
from recs_shared import platform
from recs_shared.settings import LocalStackSettings
from recs_shared.store import make_store

REPO = Path(__file__).resolve().parents[1]
BACKFILL_DAYS = 35
# The demo bill covers six calendar months; the platform's history must too,
# or the early months would show no training at all.
PLATFORM_DAYS = 190
BACKFILL_DONE = "demo-metrics-backfill.done"


def seed_platform(config: LocalStackSettings, env: dict[str, str]) -> None:
    store = make_store(config)
    if store.count(platform.PROJECTS):
        print("demo platform: already in the local store")
        return

    seeded = platform_seed.build(datetime.now(UTC), days=PLATFORM_DAYS)
    platform_seed.write(store, seeded)
    print(
        "demo platform: "
        + ", ".join(f"{seeded.count(name)} {name}" for name in seeded.documents)
    )


def backfill_metrics(config: LocalStackSettings, env: dict[str, str]) -> None:
    if markers.done(config, BACKFILL_DONE):
        print("demo resource metrics: already backfilled")
        return

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "metrics_collector",
            "backfill",
            "--days",
            str(BACKFILL_DAYS),
        ],
        cwd=REPO / "services" / "metrics-collector",
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"the demo metrics backfill failed (exit {result.returncode}):\n"
            + (result.stderr or result.stdout)[-2000:]
        )
    markers.mark(config, BACKFILL_DONE, f"backfilled {BACKFILL_DAYS} days")
    print(
        f"demo resource metrics: {BACKFILL_DAYS} days collected and published; "
        "figures the local profile cannot measure are recorded as not measured"
    )
