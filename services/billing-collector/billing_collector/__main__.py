"""The billing collector from the command line (the spec's options).

    python -m billing_collector                       the re-collection window
    python -m billing_collector --date 2026-02-01     one day
    python -m billing_collector --backfill --days 30  the last 30 days
    python -m billing_collector --dry-run             print, publish nothing

The summary (with --dry-run, the events themselves) is printed as JSON on
stdout; log lines go to stderr.

Exit status 0 on success, 2 for a bad request, 1 when nothing could be
collected or published (the reason is printed).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date

from billing_collector import runs
from billing_collector.collect import Request, RequestError, check_settings
from billing_collector.export_source import make_source
from recs_shared import settings
from recs_shared.days import parse_day
from recs_shared.publisher import make_publisher
from recs_shared.settings import BillingCollectorSettings
from recs_shared.store import make_store


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m billing_collector",
        description="Collect daily billing snapshots from the Cloud Billing "
        "export and publish one billing.snapshot event per day.",
    )
    parser.add_argument(
        "--date",
        type=_day,
        help="collect this UTC day only (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--backfill",
        action="store_true",
        help="collect the last --days days, ending yesterday",
    )
    parser.add_argument("--days", type=int, help="how many days --backfill collects")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the events that would be published; publish nothing",
    )
    args = parser.parse_args(argv)

    if args.backfill and args.days is None:
        parser.error("--backfill needs --days N")
    if args.days is not None and not args.backfill:
        parser.error("--days goes with --backfill")
    return args


def _day(text: str) -> date:
    # The HTTP trigger's rule exactly (recs_shared.days): strict YYYY-MM-DD
    # from 2017 on, so the CLI takes no day the trigger would refuse.
    try:
        return parse_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = settings.load(BillingCollectorSettings)
    check_settings(config)
    logging.basicConfig(
        stream=sys.stderr, level=config.log_level, format="%(levelname)s %(message)s"
    )

    request = Request(
        day=args.date,
        backfill_days=args.days if args.backfill else None,
        dry_run=args.dry_run,
    )
    store = make_store(config)
    answer = runs.run(
        request,
        config=config,
        store=store,
        source=make_source(config),
        make_publisher=lambda: make_publisher(config),
    )
    print(json.dumps(answer.body, indent=2))
    if answer.status == 200:
        return 0
    return 2 if answer.status == 400 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RequestError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
