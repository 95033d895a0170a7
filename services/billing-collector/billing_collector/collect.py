"""One collection run: which days, read them all, then publish one event each.

Every day is queried before anything is published, so a failure of the
export source publishes nothing and the caller can answer with a status that
makes Cloud Scheduler retry. Publishing is idempotent for subscribers (a
day's event replaces the day; the latest collected_at wins), so a retry after
a failure part-way through publishing is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from billing_collector.export_source import ExportSource
from billing_collector.query import Window
from billing_collector.snapshot import (
    Margins,
    Platform,
    UnknownServices,
    build_event,
)
from recs_shared import billing_config, events, platform
from recs_shared.days import check_collectable
from recs_shared.publisher import Publisher, publish_event
from recs_shared.settings import BillingCollectorSettings, SettingsError
from recs_shared.store import DocumentStore

log = logging.getLogger(__name__)

MAX_BACKFILL_DAYS = 1000


class RequestError(ValueError):
    """The days asked for make no sense; the text says why."""


@dataclass(frozen=True)
class Request:
    day: date | None = None
    backfill_days: int | None = None
    dry_run: bool = False


@dataclass
class Outcome:
    days: list[date]
    events: list[dict[str, Any]]
    message_ids: list[str] = field(default_factory=list)
    unknown_services: list[str] = field(default_factory=list)
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)


def check_settings(config: BillingCollectorSettings) -> None:
    """Refuse windows that cannot work, naming the variable."""
    faults = []
    if config.billing_recollect_days < 1:
        faults.append("RECS_BILLING_RECOLLECT_DAYS must be 1 or more")
    for name, value in (
        ("RECS_BILLING_SETTLE_HOURS", config.billing_settle_hours),
        (
            "RECS_BILLING_PARTITION_LOOKBACK_DAYS",
            config.billing_partition_lookback_days,
        ),
        ("RECS_BILLING_LATE_ROW_DAYS", config.billing_late_row_days),
    ):
        if value < 0:
            faults.append(f"{name} must be 0 or more")
    if config.billing_maximum_bytes_billed < 1:
        faults.append("RECS_BILLING_MAXIMUM_BYTES_BILLED must be 1 or more")
    if faults:
        raise SettingsError("invalid settings: " + "; ".join(faults))


def days_to_collect(request: Request, today: date, recollect_days: int) -> list[date]:
    """Oldest first. Default: the last ``recollect_days`` days to yesterday."""
    yesterday = today - timedelta(days=1)
    if request.day is not None and request.backfill_days is not None:
        raise RequestError("give either a date or a backfill length, not both")

    if request.day is not None:
        try:
            # Before the export can hold rows; near year 1 the query's
            # window arithmetic would also overflow.
            check_collectable(request.day)
        except ValueError as error:
            raise RequestError(str(error)) from None
        if request.day >= today:
            raise RequestError(
                f"{request.day} is not over yet (today is {today} UTC); only "
                "past days can be collected"
            )
        return [request.day]

    count = recollect_days if request.backfill_days is None else request.backfill_days
    if not 1 <= count <= MAX_BACKFILL_DAYS:
        raise RequestError(
            f"backfill days must be between 1 and {MAX_BACKFILL_DAYS}, got {count}"
        )
    return [yesterday - timedelta(days=back) for back in range(count - 1, -1, -1)]


def _nothing_found(
    built: list[dict[str, Any]], table: tuple[str, str, str], project: str
) -> list[str]:
    # Zero-cost days are real, but not one row on every day collected is
    # most often a client_project_id that is not the exported project's:
    # the days would be published, and shown, as costing nothing.
    if any(event["lines"] or event["tax_cost"] for event in built):
        return []
    return [
        f"no export rows for project {project!r} in {'.'.join(table)} on any "
        f"of the {len(built)} day(s) collected ({built[0]['snapshot_date']} to "
        f"{built[-1]['snapshot_date']}); if costs were expected, set "
        "BillingConfig's client_project_id to the exported project "
        "(python -m dashboard_api.billing.config_cli set client_project_id=...)"
    ]


def read_platform(store: DocumentStore) -> Platform:
    """Endpoint services and run model types, from the platform's collections.

    Known shortcoming: both collections are read whole once per run. They hold
    a platform's endpoints and runs (hundreds), not history per day, but a
    platform with very many training runs would want a query by id instead.
    """
    endpoints = store.query(platform.DEPLOYED_ENDPOINTS)
    runs = store.query(platform.TRAINING_RUNS)
    return Platform(
        endpoint_services=frozenset(
            doc.data["cloud_run_service"]
            for doc in endpoints
            if doc.data.get("cloud_run_service")
        ),
        run_model_types={
            doc.id: doc.data["model_type"] for doc in runs if doc.data.get("model_type")
        },
    )


def collect(
    request: Request,
    *,
    config: BillingCollectorSettings,
    store: DocumentStore,
    source: ExportSource,
    publisher: Publisher | None,
    now: datetime | None = None,
) -> Outcome:
    """Query every day, build the events, then publish them (unless dry run)."""
    now = now or datetime.now(UTC)
    days = days_to_collect(request, now.date(), config.billing_recollect_days)

    pricing = billing_config.load(store)
    table = (
        pricing["billing_export_project"],
        pricing["billing_export_dataset"],
        pricing["billing_export_table"],
    )
    window = Window(
        config.billing_partition_lookback_days, config.billing_late_row_days
    )
    margins = Margins(pricing["default_margin_pct"], pricing["gpu_margin_pct"])
    known_platform = read_platform(store)
    unknown = UnknownServices()

    built = []
    for day in days:
        rows = source.day_costs(table, pricing["client_project_id"], day, window)
        event = build_event(
            day,
            rows,
            client_project_id=pricing["client_project_id"],
            margins=margins,
            platform=known_platform,
            collected_at=now,
            settle=timedelta(hours=config.billing_settle_hours),
            unknown=unknown,
        )
        # Validate before anything is published: a bad event is our bug and
        # must not leave half a run behind.
        events.encode(event)
        built.append(event)

    outcome = Outcome(
        days=days,
        events=built,
        unknown_services=sorted(unknown.seen),
        dry_run=request.dry_run,
        warnings=_nothing_found(built, table, pricing["client_project_id"]),
    )
    for warning in outcome.warnings:
        log.warning("%s", warning)
    if request.dry_run or publisher is None:
        return outcome

    for event in built:
        outcome.message_ids.append(publish_event(publisher, event))
    return outcome
