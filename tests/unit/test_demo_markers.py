"""make run's demo steps run once per store: the emulators keep no store."""

from __future__ import annotations

from devtools import markers
from recs_shared import settings
from recs_shared.settings import LocalStackSettings


def config(tmp_path, profile: str) -> LocalStackSettings:
    environ = {"RECS_PROFILE": profile, "RECS_DATA_DIR": str(tmp_path)}
    return settings.load(LocalStackSettings, environ)


def test_a_local_step_is_done_once_marked(tmp_path):
    local = config(tmp_path, "local")

    assert not markers.done(local, "step.done")
    markers.mark(local, "step.done", "seeded")
    assert markers.done(local, "step.done")
    assert (tmp_path / "step.done").read_text().startswith("seeded at ")


def test_the_emulators_run_every_step_again_even_after_a_local_run(tmp_path):
    markers.mark(config(tmp_path, "local"), "step.done")
    emulators = config(tmp_path, "emulators")

    markers.mark(emulators, "other.done")

    assert not markers.done(emulators, "step.done")
    assert not (tmp_path / "other.done").exists()
