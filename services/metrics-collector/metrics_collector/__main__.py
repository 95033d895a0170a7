"""Command line of the metrics collector (the spec's management commands).

  python -m metrics_collector collect [--date YYYY-MM-DD] [--dry-run]
  python -m metrics_collector backfill --days N [--dry-run]

Each prints one JSON summary line per day and exits 0 when every day was
collected and published (success or partial), 1 when any day ended in
error, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys

from metrics_collector.runner import MAX_BACKFILL_DAYS, RequestError
from metrics_collector.wiring import build_collector
from recs_shared import cloud_logging, settings
from recs_shared.days import parse_day
from recs_shared.settings import MetricsCollectorSettings, SettingsError


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m metrics_collector",
        description="Collect the daily resource metrics snapshot(s) and publish them.",
    )
    commands = main.add_subparsers(dest="command", required=True)

    collect = commands.add_parser("collect", help="collect one ended UTC day")
    collect.add_argument(
        "--date", type=_day, help="the UTC day to collect (default: yesterday)"
    )
    collect.add_argument(
        "--dry-run", action="store_true", help="print the snapshot, publish nothing"
    )

    backfill = commands.add_parser(
        "backfill", help="collect the N days ending yesterday, estimating old stocks"
    )
    backfill.add_argument(
        "--days", type=int, required=True, help=f"1 to {MAX_BACKFILL_DAYS}"
    )
    backfill.add_argument(
        "--dry-run", action="store_true", help="print the snapshots, publish nothing"
    )
    return main


def _day(text: str):
    try:
        return parse_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        config = settings.load(MetricsCollectorSettings)
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    cloud_logging.configure("metrics-collector", config.gcp_project, config.log_level)

    collector = build_collector(config)
    try:
        if args.command == "collect":
            reports = [collector.collect(args.date, dry_run=args.dry_run)]
        else:
            reports = collector.backfill(args.days, dry_run=args.dry_run)
    except RequestError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    finally:
        collector.close()

    for report in reports:
        line = report.summary()
        if args.dry_run:
            line["event"] = json.loads(_event_json(report.event))
        print(json.dumps(line))
    return 1 if any(report.status == "error" for report in reports) else 0


def _event_json(event) -> str:
    from recs_shared.events import encode

    data, _ = encode(event)
    return data.decode()


if __name__ == "__main__":
    sys.exit(main())
