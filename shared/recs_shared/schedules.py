"""The Cloud Scheduler jobs (schedules.toml), read by the set-up code and infra."""

from __future__ import annotations

import json
import sys
import tomllib
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

SCHEDULES_FILE = Path(__file__).with_name("schedules.toml")
GROUPS = ("metrics", "cleanup", "billing")


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    group: str
    service: str
    path: str
    schedule: str
    description: str
    time_zone: str
    attempt_deadline_seconds: int
    retry_count: int
    min_backoff_seconds: int

    def target(self, service_url: str) -> str:
        """The URL the job POSTs to, under the service's base URL."""
        return service_url.rstrip("/") + self.path


@cache
def load(path: Path = SCHEDULES_FILE) -> dict[str, ScheduledJob]:
    raw = tomllib.loads(path.read_text())
    defaults = raw["defaults"]
    jobs = {
        name: ScheduledJob(name=name, **defaults, **values)
        for name, values in raw["jobs"].items()
    }

    for job in jobs.values():
        if job.group not in GROUPS:
            raise ValueError(f"job {job.name}: group must be one of {GROUPS}")
        if not job.path.startswith("/"):
            raise ValueError(f"job {job.name}: path must start with /")
        if not 15 <= job.attempt_deadline_seconds <= 1800:
            # Cloud Scheduler's bounds for HTTP targets.
            raise ValueError(
                f"job {job.name}: attempt_deadline_seconds must be 15 to 1800"
            )
    return jobs


def in_group(group: str) -> list[ScheduledJob]:
    return [job for job in load().values() if job.group == group]


if __name__ == "__main__":
    # infra/deploy.sh reads the jobs as JSON through this entry point.
    json.dump([asdict(job) for job in load().values()], sys.stdout, indent=2)
    print()
