"""The Scheduler jobs file: the spec's four daily jobs, and a strict reader."""

from __future__ import annotations

import pytest

from recs_shared import schedules


def test_the_four_jobs_run_daily_in_utc_at_the_specs_hours():
    jobs = schedules.load()

    assert {name: job.schedule for name, job in jobs.items()} == {
        "collect-resource-metrics": "0 2 * * *",
        "cleanup-gcs-artifacts": "0 3 * * *",
        "cleanup-orphan-models": "0 4 * * *",
        "collect-billing-snapshots": "0 5 * * *",
    }
    assert {job.time_zone for job in jobs.values()} == {"Etc/UTC"}
    assert [job.name for job in schedules.in_group("cleanup")] == [
        "cleanup-gcs-artifacts",
        "cleanup-orphan-models",
    ]


def test_a_target_is_the_service_url_plus_the_webhook_path():
    job = schedules.load()["collect-billing-snapshots"]

    assert job.target("https://billing.example.run.app/") == (
        "https://billing.example.run.app/api/system/collect-billing-webhook/"
    )


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        ('group = "nightly"', "group must be one of"),
        ('path = "api/x/"', "path must start with /"),
        ("attempt_deadline_seconds = 3600", "attempt_deadline_seconds must be"),
    ],
)
def test_a_malformed_job_is_refused_naming_it(tmp_path, change, fault):
    key = change.split(" = ")[0]
    lines = [
        "[defaults]",
        'time_zone = "Etc/UTC"',
        "attempt_deadline_seconds = 1800",
        "retry_count = 2",
        "min_backoff_seconds = 300",
        "[jobs.nightly-thing]",
        'group = "metrics"',
        'service = "metrics-collector"',
        'path = "/api/x/"',
        'schedule = "0 1 * * *"',
        'description = "x"',
    ]
    lines = [line for line in lines if not line.startswith(key + " =")]
    lines.append(change)
    path = tmp_path / "schedules.toml"
    path.write_text("\n".join(lines) + "\n")

    with pytest.raises(ValueError, match=f"job nightly-thing: {fault}"):
        schedules.load(path)
