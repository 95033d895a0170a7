"""The spec's clean-up commands.

    python -m housekeeping cleanup_gcs_artifacts [--dry-run] [--days N]
                                                 [--include-registered]
    python -m housekeeping cleanup_orphan_models [--dry-run] [--min-age-hours H]

Each prints what it deleted (or, with --dry-run, would delete) and a summary;
the exit status is 0 on success, 1 when the job failed or some deletions did.
"""

from __future__ import annotations

import argparse
import logging
import sys

from housekeeping import jobs
from housekeeping.artifacts import ArtifactReport
from housekeeping.orphan_models import OrphanReport
from recs_shared import settings
from recs_shared.settings import HousekeepingSettings
from recs_shared.store import DocumentStore, make_store


def parser(config: HousekeepingSettings) -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m housekeeping", description="Run a clean-up job once."
    )
    commands = root.add_subparsers(dest="command", required=True)

    artifacts = commands.add_parser(
        "cleanup_gcs_artifacts",
        help=f"delete old training artifacts from gs://{config.artifacts_bucket}",
    )
    artifacts.add_argument("--dry-run", action="store_true", help="delete nothing")
    artifacts.add_argument(
        "--days",
        type=_positive,
        default=7,
        help="delete artifacts older than this many days (default: 7)",
    )
    artifacts.add_argument(
        "--include-registered",
        action="store_true",
        help="also delete the artifacts of registered models",
    )

    orphans = commands.add_parser(
        "cleanup_orphan_models",
        help="delete Vertex AI models no registered model references",
    )
    orphans.add_argument("--dry-run", action="store_true", help="delete nothing")
    orphans.add_argument(
        "--min-age-hours",
        type=int,
        default=config.orphan_model_min_age_hours,
        help="never delete a model younger than this "
        f"(default: {config.orphan_model_min_age_hours})",
    )
    return root


def main(argv: list[str] | None = None, store: DocumentStore | None = None) -> int:
    config = settings.load(HousekeepingSettings)
    args = parser(config).parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    store = store or make_store(config)

    try:
        if args.command == "cleanup_gcs_artifacts":
            report = jobs.artifact_cleanup(
                config,
                store,
                days=args.days,
                include_registered=args.include_registered,
                dry_run=args.dry_run,
            )
            print_artifacts(report)
        else:
            report = jobs.orphan_model_cleanup(
                config, store, min_age_hours=args.min_age_hours, dry_run=args.dry_run
            )
            print_orphans(report)
    except jobs.JobFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0 if report.status == "success" else 1


def print_artifacts(report: ArtifactReport) -> None:
    verb = "would delete" if report.dry_run else "deleted"
    for artifact in report.deleted:
        print(
            f"{verb} gs://{report.bucket}/{artifact.name} "
            f"({artifact.size} bytes, created {artifact.time_created:%Y-%m-%d})"
        )
    for error in report.errors:
        print(f"failed gs://{report.bucket}/{error['object']}: {error['error']}")
    print(
        f"{verb} {len(report.deleted)} objects, {report.bytes_freed} bytes "
        f"({_megabytes(report.bytes_freed)}) older than "
        f"{report.cutoff:%Y-%m-%d %H:%M} UTC; kept {report.kept_registered} of "
        f"registered models and {report.kept_recent} newer"
    )


def print_orphans(report: OrphanReport) -> None:
    verb = "would delete" if report.dry_run else "deleted"
    for orphan in report.deleted:
        print(f"{verb} {orphan.name} ({orphan.display_name})")
    for error in report.errors:
        print(f"failed {error['model']}: {error['error']}")
    print(
        f"{verb} {len(report.deleted)} orphan models in {report.parent}; kept "
        f"{report.kept_referenced} referenced, {report.kept_deployed} deployed, "
        f"{report.kept_recent} too young to judge"
    )


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
