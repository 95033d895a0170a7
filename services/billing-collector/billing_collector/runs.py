"""What the HTTP trigger and the CLI share: requests in, summaries out.

Both take the same three options (a date, a backfill length, dry run), run
``collect.collect`` and describe the outcome with the same schema, so the
JSON Cloud Scheduler gets back and what the CLI prints say the same things.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields

from billing_collector.collect import Outcome, Request, RequestError, collect
from billing_collector.export_source import ExportSource, ExportUnavailable
from billing_collector.query import QueryError
from recs_shared import events
from recs_shared.events.codec import describe
from recs_shared.events.fields import (
    Count,
    Money,
    StrictBoolean,
    Timestamp,
    UTCDay,
)
from recs_shared.publisher import Publisher, PublishError
from recs_shared.settings import BillingCollectorSettings
from recs_shared.store import DocumentStore, StoreUnavailable

log = logging.getLogger(__name__)


class RequestSchema(Schema):
    """The trigger's body; every field optional (Scheduler sends ``{}``)."""

    class Meta:
        unknown = RAISE

    date = UTCDay(load_default=None, allow_none=True)
    backfill_days = Count(load_default=None, allow_none=True)
    dry_run = StrictBoolean(load_default=False)


class DaySummarySchema(Schema):
    date = UTCDay()
    provisional = fields.Boolean()
    export_time_max = Timestamp(allow_none=True)
    lines = fields.Integer()
    gcp_cost = Money()
    total_cost = Money()
    tax_cost = Money()
    training_runs = fields.Integer()
    message_id = fields.String(allow_none=True)


class SummarySchema(Schema):
    status = fields.String()
    dry_run = fields.Boolean()
    days = fields.List(fields.Nested(DaySummarySchema))
    unknown_services = fields.List(fields.String())
    warnings = fields.List(fields.String())
    # Dry run only: the exact message data that would have been published.
    events = fields.List(fields.Dict(), load_default=None)


class ErrorSchema(Schema):
    status = fields.String()
    error = fields.String()


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


def parse_request(payload: Any) -> Request:
    """A Request from the trigger's JSON (or the CLI's options); RequestError."""
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise RequestError("the request body must be a JSON object")
    try:
        loaded = RequestSchema().load(payload)
    except ValidationError as error:
        raise RequestError("; ".join(sorted(describe(error.messages)))) from None
    return Request(loaded["date"], loaded["backfill_days"], loaded["dry_run"])


def run(
    request: Request,
    *,
    config: BillingCollectorSettings,
    store: DocumentStore,
    source: ExportSource,
    make_publisher: Callable[[], Publisher],
) -> Answer:
    """Collect and describe the outcome; every failure becomes an answer."""
    publisher = None if request.dry_run else make_publisher()
    try:
        outcome = collect(
            request, config=config, store=store, source=source, publisher=publisher
        )
    except RequestError as error:
        return _error(400, str(error))
    # Known shortcoming: every BigQuery failure answers 503, including ones a
    # retry cannot cure (access denied, bytes-billed limit); Scheduler then
    # retries its few times in vain, and the logged reason says what to fix.
    except (ExportUnavailable, StoreUnavailable) as error:
        log.error("billing collection failed, nothing published: %s", error)
        return _error(503, f"nothing was published: {error}")
    except QueryError as error:
        log.error("billing collection cannot run: %s", error)
        return _error(500, f"nothing was published: {error}")
    except PublishError as error:
        log.error("publishing billing snapshots failed: %s", error)
        return _error(503, f"publishing failed, run again: {error}")
    finally:
        if publisher is not None:
            publisher.close()

    log.info(
        "billing collected for %d day(s), %s to %s (%s)",
        len(outcome.days),
        outcome.days[0],
        outcome.days[-1],
        "dry run" if outcome.dry_run else "published",
    )
    return Answer(200, summary(outcome))


def summary(outcome: Outcome) -> dict[str, Any]:
    message_ids = outcome.message_ids or [None] * len(outcome.events)
    days = [
        {
            "date": event["snapshot_date"],
            "provisional": event["provisional"],
            "export_time_max": event["export_time_max"],
            "lines": len(event["lines"]),
            "gcp_cost": sum((line["gcp_cost"] for line in event["lines"]), 0),
            "total_cost": sum((line["total_cost"] for line in event["lines"]), 0),
            "tax_cost": event["tax_cost"],
            "training_runs": len(event["training_runs"]),
            "message_id": message_id,
        }
        for event, message_id in zip(outcome.events, message_ids, strict=True)
    ]
    body = {
        "status": "success",
        "dry_run": outcome.dry_run,
        "days": days,
        "unknown_services": outcome.unknown_services,
        "warnings": outcome.warnings,
    }
    if outcome.dry_run:
        body["events"] = [json.loads(events.encode(e)[0]) for e in outcome.events]
    return SummarySchema().dump(body)


def _error(status: int, message: str) -> Answer:
    return Answer(status, ErrorSchema().dump({"status": "error", "error": message}))
