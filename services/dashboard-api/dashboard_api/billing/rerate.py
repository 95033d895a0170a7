"""Re-rate stored billing days: convert them again at another USD rate.

A day keeps the USD-to-display rate in effect when it was first stored, so
changing BillingConfig's rate never rewrites history. To convert days
already stored at the new rate (or to fix a wrong one), name them:

    python -m dashboard_api.billing.rerate --from 2026-11-01 --to 2026-11-30
    python -m dashboard_api.billing.rerate --from 2026-11-01 --to 2026-11-30 \\
        --rate 0.93 --dry-run

Without ``--rate`` the days take BillingConfig's current rate and display
currency. ``--dry-run`` prints what would change and writes nothing. Each
month's read model is recomputed from its stored snapshots by
compare-and-set, so deliveries arriving meanwhile are kept, and a read model
left stale is repaired.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from decimal import Decimal

from dashboard_api.billing import months
from dashboard_api.billing.intake import SNAPSHOTS, current_rate
from dashboard_api.billing.period import Month
from recs_shared import settings
from recs_shared.money import parse_decimal_string
from recs_shared.settings import DashboardApiSettings
from recs_shared.store import DocumentStore, make_store


def main(argv: list[str] | None = None, store: DocumentStore | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        first, last = _day(args.start), _day(args.end)
        if first > last:
            raise ValueError(f"--from {first} is after --to {last}")
        rate = _rate(args.rate)
    except ValueError as error:
        print(f"nothing re-rated: {error}", file=sys.stderr)
        return 2

    store = store or make_store(settings.load(DashboardApiSettings))
    configured = current_rate(store)
    rate = months.Rate(configured.currency, rate or configured.rate)

    changed = missing = 0
    for month, days in _by_month(first, last).items():
        stored = sorted(store.get_many(SNAPSHOTS, days))
        missing += len(days) - len(stored)
        known = (store.get(months.MONTHS, month.key) or {}).get("days", {})

        for day in stored:
            before = known.get(day)
            if (
                before
                and months.Rate(before["currency"], Decimal(before["rate"])) == rate
            ):
                continue
            was = f"{before['rate']} {before['currency']}" if before else "unrated"
            print(f"{day}: {was} -> {rate.rate} {rate.currency}")
            changed += 1

        # Projecting even when no rate changes repairs a stale read model.
        if stored and not args.dry_run:
            months.project(store, month, configured, dict.fromkeys(stored, rate))

    verb = "would re-rate" if args.dry_run else "re-rated"
    print(
        f"{verb} {changed} day(s) at {rate.rate} {rate.currency}; "
        f"{missing} day(s) in the range have no stored snapshot"
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard_api.billing.rerate",
        description="Convert stored billing days again at another USD rate.",
    )
    parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    parser.add_argument(
        "--rate", help="1 USD in the display currency (default: BillingConfig's)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the changes, write nothing"
    )
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a YYYY-MM-DD day") from None


def _rate(text: str | None) -> Decimal | None:
    if text is None:
        return None
    rate = parse_decimal_string(text)
    if rate <= 0:
        raise ValueError(f"--rate must be more than 0, not {text}")
    return rate


def _by_month(first: date, last: date) -> dict[Month, list[str]]:
    by_month: dict[Month, list[str]] = {}
    day = first
    while day <= last:
        by_month.setdefault(Month.of(day), []).append(day.isoformat())
        day += timedelta(days=1)
    return by_month


if __name__ == "__main__":
    sys.exit(main())
