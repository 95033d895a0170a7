"""Demo data of the local profile, prepared once before the stack starts.

The steps run in order, each skipped when its data is already in the local
data folder, so ``make run`` starts quickly the second time;
``make run ARGS=--reset`` (or deleting .local/) starts afresh. The platform
comes first: the billing demo reads its endpoints and training runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from devtools import billing_demo, metrics_demo
from recs_shared.settings import LocalStackSettings

log = logging.getLogger(__name__)

Step = Callable[[LocalStackSettings, dict[str, str]], None]


def steps() -> list[Step]:
    """The demo steps, in the order they must run."""
    return [
        metrics_demo.seed_platform,
        billing_demo.billing_export,
        metrics_demo.backfill_metrics,
        billing_demo.billing_backfill,
    ]


def prepare(config: LocalStackSettings, env: dict[str, str]) -> None:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    for step in steps():
        step(config, env)
