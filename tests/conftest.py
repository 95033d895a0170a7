"""Fixtures shared by every test: isolated settings, stores, emulators."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from devtools import emulators
from recs_shared import settings
from recs_shared.store.sqlite_store import SQLiteStore

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
EMULATOR_PROJECT = "demo-recs-test"
# CI runs on a machine that has everything (emulators, chromium, shellcheck):
# there a skip means something broke, so it fails instead of hiding it.
SKIPS_FAIL = os.environ.get("CI") == "true"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if SKIPS_FAIL and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be missing: {reason}"
    return report


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test sees the developer's RECS_* variables or emulator hosts."""
    for name in list(os.environ):
        if name.startswith("RECS_") or name.endswith("_EMULATOR_HOST"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RECS_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def api_settings(tmp_path) -> settings.DashboardApiSettings:
    return settings.load(
        settings.DashboardApiSettings, {"RECS_DATA_DIR": str(tmp_path / "data")}
    )


@pytest.fixture
def sqlite_store(tmp_path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "store.sqlite3")


def _emulator(name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        emulator = emulators.start(name, ARTIFACTS)
    except emulators.EmulatorUnavailable as reason:
        pytest.skip(f"{name} emulator unavailable: {reason}")
    return emulator


@pytest.fixture(scope="session")
def firestore_emulator():
    emulator = _emulator("firestore")
    yield emulator
    emulator.stop()


@pytest.fixture(scope="session")
def pubsub_emulator():
    emulator = _emulator("pubsub")
    yield emulator
    emulator.stop()


@pytest.fixture
def firestore_store(firestore_emulator, monkeypatch):
    """A Firestore store on the emulator, isolated under a unique prefix."""
    from recs_shared.store.firestore_store import FirestoreStore

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", firestore_emulator.host)
    store = FirestoreStore(EMULATOR_PROJECT, prefix=f"t{uuid.uuid4().hex[:8]}_")
    yield store
    emulators.reset_firestore(firestore_emulator, EMULATOR_PROJECT)


@pytest.fixture(params=["sqlite", "firestore"])
def store(request):
    """Each adapter of the store port, for the contract suite."""
    return request.getfixturevalue(f"{request.param}_store")
