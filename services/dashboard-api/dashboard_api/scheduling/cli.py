"""The spec's scheduler set-up commands.

    python -m dashboard_api.scheduling setup_metrics_scheduler --url https://<metrics-collector>
    python -m dashboard_api.scheduling setup_metrics_scheduler --delete
    python -m dashboard_api.scheduling setup_cleanup_scheduler --url https://<metrics-collector>
    python -m dashboard_api.scheduling setup_billing_scheduler --url https://<billing-collector>

Each creates (or updates, when they exist) the Cloud Scheduler jobs of its
group in schedules.toml, or deletes them with --delete, and prints each job's
name, schedule and target. Run it with credentials allowed to manage Cloud
Scheduler (infra/README.md).
"""

from __future__ import annotations

import argparse
import os
import sys

from dashboard_api.scheduling.jobs import (
    JobInstaller,
    Outcome,
    SchedulerSetupError,
    make_client,
)
from recs_shared import schedules, settings
from recs_shared.settings import SchedulerSettings

COMMANDS = {
    "setup_metrics_scheduler": "metrics",
    "setup_cleanup_scheduler": "cleanup",
    "setup_billing_scheduler": "billing",
}


def parser(config: SchedulerSettings) -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m dashboard_api.scheduling",
        description="Create, update or delete the Cloud Scheduler jobs.",
    )
    commands = root.add_subparsers(dest="command", required=True)
    for command, group in COMMANDS.items():
        names = ", ".join(job.name for job in schedules.in_group(group))
        sub = commands.add_parser(command, help=f"the {group} jobs: {names}")
        action = sub.add_mutually_exclusive_group(required=True)
        action.add_argument("--url", help="base https URL of the service the jobs call")
        action.add_argument(
            "--delete", action="store_true", help="delete the jobs instead"
        )
        sub.add_argument(
            "--project",
            default=os.environ.get("RECS_GCP_PROJECT"),
            required="RECS_GCP_PROJECT" not in os.environ,
            help="Google Cloud project (default: RECS_GCP_PROJECT)",
        )
        sub.add_argument(
            "--region",
            default=config.region,
            help=f"Cloud Scheduler location (default: {config.region})",
        )
        sub.add_argument(
            "--service-account",
            default=config.scheduler_service_account,
            help="identity of the jobs' OIDC tokens "
            "(default: RECS_SCHEDULER_SERVICE_ACCOUNT)",
        )
        sub.add_argument(
            "--api-endpoint",
            default=config.scheduler_api_endpoint,
            help="Cloud Scheduler endpoint (default: Google's)",
        )
    return root


def main(argv: list[str] | None = None) -> int:
    config = settings.load(SchedulerSettings)
    args = parser(config).parse_args(argv)
    installer = JobInstaller(
        project=args.project,
        region=args.region,
        service_account=args.service_account,
        client=make_client(args.api_endpoint),
    )

    try:
        for job in schedules.in_group(COMMANDS[args.command]):
            if args.delete:
                outcome = installer.remove(job)
            else:
                outcome = installer.install(job, args.url)
            print(describe(outcome, job))
    except SchedulerSetupError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    return 0


def describe(outcome: Outcome, job: schedules.ScheduledJob) -> str:
    if outcome.action == "deleted":
        return f"deleted {outcome.job_name}"
    if outcome.action == "absent":
        return f"absent {outcome.job_name} (nothing to delete)"
    return (
        f"{outcome.action} {outcome.job_name}: schedule '{outcome.schedule}' "
        f"({job.time_zone}), POST {outcome.webhook_url}"
    )
