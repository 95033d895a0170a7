"""cleanup_gcs_artifacts against a Cloud Storage emulator.

Three generations of objects are uploaded one after the other; the clean-up's
clock is put seven days after the boundary between two generations, so the
objects before it are older than seven days and those after are not.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from housekeeping import cli, jobs
from housekeeping.artifacts import cleanup_artifacts
from tests.support import housekeeping
from tests.support.housekeeping import BUCKET, names, register_model, upload

# The Cloud Storage emulator and a fresh bucket on it (tests/support/housekeeping.py).
storage_emulator = housekeeping.storage_emulator
bucket = housekeeping.bucket

REGISTERED = {
    "shop/run-1/model/saved_model.pb": b"r" * 1200,
    "shop/run-1/model/variables/variables.data": b"v" * 3400,
}
OLDEST = {
    "shop/run-2/model/saved_model.pb": b"a" * 500,
    "shop/run-10/metrics.json": b'{"recall_at_100": 0.31}',
    "shop/run-1-copy/saved_model.pb": b"c" * 70,
}
MIDDLE = {"shop/run-3/model/saved_model.pb": b"m" * 900}
NEWEST = {"shop/run-4/model/saved_model.pb": b"n" * 40}


@pytest.fixture
def generations(bucket):
    """Upload the three generations; return the two boundaries between them."""
    first = upload(bucket, {**REGISTERED, **OLDEST})
    second = upload(bucket, MIDDLE)
    upload(bucket, NEWEST)
    return first, second


def run(bucket, *, now, days=7, include_registered=False, dry_run=False):
    return cleanup_artifacts(
        bucket.client,
        BUCKET,
        (f"gs://{BUCKET}/shop/run-1/model/", "gs://another-bucket/shop/run-2"),
        days=days,
        include_registered=include_registered,
        dry_run=dry_run,
        now=now,
    )


def test_old_unregistered_artifacts_are_deleted_and_registered_ones_kept(
    bucket, generations
):
    first, _ = generations

    report = run(bucket, now=first + timedelta(days=7))

    assert {a.name for a in report.deleted} == set(OLDEST)
    assert report.bytes_freed == sum(len(content) for content in OLDEST.values())
    assert (report.kept_registered, report.kept_recent) == (2, 2)
    assert report.status == "success"
    assert names(bucket) == set(REGISTERED) | set(MIDDLE) | set(NEWEST)


def test_a_later_clock_reaches_the_next_generation(bucket, generations):
    _, second = generations

    report = run(bucket, now=second + timedelta(days=7))

    assert {a.name for a in report.deleted} == set(OLDEST) | set(MIDDLE)
    assert report.bytes_freed == sum(
        len(content) for content in [*OLDEST.values(), *MIDDLE.values()]
    )
    assert names(bucket) == set(REGISTERED) | set(NEWEST)


def test_more_days_keep_more(bucket, generations):
    first, _ = generations

    report = run(bucket, now=first + timedelta(days=7), days=8)

    assert report.deleted == []
    assert report.kept_recent == len(REGISTERED) + len(OLDEST) + 2
    assert len(names(bucket)) == 7


def test_a_dry_run_lists_the_same_objects_and_deletes_nothing(bucket, generations):
    first, _ = generations

    report = run(bucket, now=first + timedelta(days=7), dry_run=True)

    assert {a.name for a in report.deleted} == set(OLDEST)
    assert report.bytes_freed == sum(len(content) for content in OLDEST.values())
    assert names(bucket) == set(REGISTERED) | set(OLDEST) | set(MIDDLE) | set(NEWEST)


def test_include_registered_deletes_registered_artifacts_too(bucket, generations):
    first, _ = generations

    report = run(bucket, now=first + timedelta(days=7), include_registered=True)

    assert {a.name for a in report.deleted} == set(REGISTERED) | set(OLDEST)
    assert report.kept_registered == 0
    assert names(bucket) == set(MIDDLE) | set(NEWEST)


@pytest.fixture
def emulator_env(storage_emulator, monkeypatch):
    monkeypatch.setenv("RECS_STORAGE_API_ENDPOINT", storage_emulator)
    monkeypatch.setenv("RECS_ARTIFACTS_BUCKET", BUCKET)


def test_the_job_reads_registered_models_from_the_store(
    bucket, generations, emulator_env, sqlite_store
):
    from recs_shared import settings
    from recs_shared.settings import HousekeepingSettings

    first, _ = generations
    register_model(sqlite_store, "m-1", artifact_uri=f"gs://{BUCKET}/shop/run-1/model")
    register_model(sqlite_store, "m-2")  # no artifacts: protects nothing

    report = jobs.artifact_cleanup(
        settings.load(HousekeepingSettings),
        sqlite_store,
        now=first + timedelta(days=7),
    )

    assert {a.name for a in report.deleted} == set(OLDEST)
    assert report.kept_registered == 2


def test_the_command_prints_what_it_would_delete(
    bucket, emulator_env, sqlite_store, capsys
):
    upload(bucket, NEWEST)

    status = cli.main(["cleanup_gcs_artifacts", "--dry-run"], store=sqlite_store)

    assert status == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("would delete 0 objects, 0 bytes (0.0 MB) older than ")
    assert out[-1].endswith("UTC; kept 0 of registered models and 1 newer")


def test_the_command_fails_clearly_when_the_bucket_is_missing(
    storage_emulator, monkeypatch, sqlite_store, capsys
):
    monkeypatch.setenv("RECS_STORAGE_API_ENDPOINT", storage_emulator)
    monkeypatch.setenv("RECS_ARTIFACTS_BUCKET", "no-such-bucket")

    status = cli.main(["cleanup_gcs_artifacts", "--days", "3"], store=sqlite_store)

    assert status == 1
    assert capsys.readouterr().err.startswith(
        "error: cannot list gs://no-such-bucket: 404"
    )


def test_the_command_refuses_zero_days(sqlite_store, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["cleanup_gcs_artifacts", "--days", "0"], store=sqlite_store)

    assert exit_.value.code == 2
    assert "must be at least 1, not 0" in capsys.readouterr().err


def test_locally_without_an_emulator_the_job_says_what_to_set(sqlite_store):
    from recs_shared import settings
    from recs_shared.settings import HousekeepingSettings

    with pytest.raises(jobs.JobFailed) as error:
        jobs.artifact_cleanup(settings.load(HousekeepingSettings), sqlite_store)

    assert "set RECS_STORAGE_API_ENDPOINT to a Cloud Storage emulator" in str(
        error.value
    )
