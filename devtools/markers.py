"""Marks that a demo step was done, so ``make run`` does it once per store.

A mark belongs with the store it describes: the local profile's SQLite file
keeps its data, so its marks live beside it in the data folder. The
emulators keep nothing between starts, so their demo steps always run.
"""

from __future__ import annotations

from datetime import UTC, datetime

from recs_shared.settings import LocalStackSettings


def done(config: LocalStackSettings, name: str) -> bool:
    return config.profile != "emulators" and (config.data_dir / name).exists()


def mark(config: LocalStackSettings, name: str, note: str = "") -> None:
    if config.profile != "emulators":
        stamp = datetime.now(UTC).isoformat()
        (config.data_dir / name).write_text(f"{note} at {stamp}\n".lstrip())
