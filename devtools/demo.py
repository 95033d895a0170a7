"""Demo data of the local profile, prepared once before the stack starts.

Each step is skipped when its data is already in the local data folder, so
``make run`` starts quickly the second time; ``make run ARGS=--reset`` (or
deleting .local/) starts afresh.
"""

from __future__ import annotations

import logging

from recs_shared.settings import LocalStackSettings

log = logging.getLogger(__name__)


def prepare(config: LocalStackSettings, env: dict[str, str]) -> None:
    config.data_dir.mkdir(parents=True, exist_ok=True)
