"""Read or change BillingConfig from a shell (the admin endpoint's twin).

    python -m dashboard_api.billing.config_cli show
    python -m dashboard_api.billing.config_cli set usd_to_display_rate=0.93 vat_pct=21

It uses the store of the current profile (RECS_* variables, as the service).
A refused change prints each fault, exits with status 2 and changes nothing.
Changing the rate affects days stored from now on; to re-rate days already
stored, see ``python -m dashboard_api.billing.rerate``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from dashboard_api.billing import config_changes
from recs_shared import settings
from recs_shared.billing_config import BillingConfigSchema
from recs_shared.events.fields import Count
from recs_shared.settings import DashboardApiSettings
from recs_shared.store import DocumentStore, make_store


def main(argv: list[str] | None = None, store: DocumentStore | None = None) -> int:
    args = _parser().parse_args(argv)
    store = store or make_store(settings.load(DashboardApiSettings))

    if args.command == "show":
        _print(config_changes.current(store))
        return 0

    try:
        changes = dict(_assignment(item) for item in args.assignments)
        saved = config_changes.update(store, changes)
    except (ValueError, config_changes.ConfigError) as error:
        print(getattr(error, "message", str(error)), file=sys.stderr)
        return 2
    _print(saved)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard_api.billing.config_cli",
        description="Read or change the BillingConfig singleton.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("show", help="print the config in effect")
    change = commands.add_parser("set", help="change fields: name=value ...")
    change.add_argument("assignments", nargs="+", metavar="name=value")
    return parser


def _assignment(text: str) -> tuple[str, Any]:
    """``name=value``, the value typed as the admin endpoint's JSON would be."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ValueError(f"{text!r}: write name=value")

    field = BillingConfigSchema().fields.get(name)
    if isinstance(field, Count) and re.fullmatch(r"-?\d+", value):
        return name, int(value)
    return name, value


def _print(config: dict[str, Any]) -> None:
    print(json.dumps(BillingConfigSchema().dump(config), indent=2))


if __name__ == "__main__":
    sys.exit(main())
