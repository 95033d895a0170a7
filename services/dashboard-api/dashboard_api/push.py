"""Pub/Sub push endpoints: one per subscription of the topology.

Answers: 204 stored (or already stored: a duplicate or older snapshot is
acknowledged and changes nothing); 400 with the fault for an envelope or
event that can never be stored (the subscription's dead-letter policy parks
it after max_delivery_attempts); 401/403 for a bad push token; 503 when the
store is down, so Pub/Sub delivers again later.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, request

from dashboard_api import clock
from dashboard_api.api_docs import documented, errors
from dashboard_api.errors import error_response
from dashboard_api.push_auth import PushAuthError
from dashboard_api.push_schemas import PushEnvelope
from dashboard_api.snapshots import HANDLERS
from recs_shared import cloud_logging, topology
from recs_shared.events import EventError, decode_push

log = logging.getLogger(__name__)
blueprint = Blueprint("push", __name__)

# How far a collector's clock may run ahead of ours. A collection stamped
# later than that would win "latest collected_at" over every real
# collection of its day, for good: it is refused instead.
CLOCK_SKEW = timedelta(minutes=10)


def _register_routes() -> None:
    for subscription in topology.load().subscriptions.values():
        if subscription.service != "dashboard-api":
            continue
        event_type = topology.load().topics[subscription.topic].event_type
        blueprint.add_url_rule(
            subscription.push_path,
            endpoint=subscription.name,
            view_func=_push_view(event_type),
            methods=["POST"],
        )


def _push_view(event_type: str):
    @documented(
        f"Receive one {event_type} event (Pub/Sub push subscription)",
        {204: None, **errors(400, 401, 403, 503)},
        description=f"The message data is the base64 of a {event_type} event's "
        f"JSON: components {event_type}.v<schema_version>, docs/events.md.",
        request_body=PushEnvelope,
        tags=("push",),
    )
    def receive():
        authenticator = current_app.extensions["push_authenticator"]
        if authenticator.enabled:
            try:
                authenticator.verify(request.headers.get("Authorization"))
            except PushAuthError as error:
                log.warning("push refused: %s", error.message)
                return error_response(error.message, error.status)

        try:
            pushed = decode_push(request.get_data())
        except EventError as error:
            log.warning("push refused: %s", error)
            return error_response(str(error), 400)

        cloud_logging.bind_message_id(pushed.message_id)
        event = pushed.event
        if event["event_type"] != event_type:
            message = (
                f"this endpoint takes {event_type} events, not {event['event_type']}"
            )
            log.warning("push refused: %s", message)
            return error_response(message, 400)

        future = _from_the_future(event, clock.now())
        if future:
            log.warning("push refused: %s", future)
            return error_response(future, 400)

        result = HANDLERS[event_type](current_app.extensions["store"], event)
        log.info(
            "%s %s for %s (attempt %s)",
            "stored" if result.written else "kept the stored",
            event_type,
            event["snapshot_date"],
            pushed.delivery_attempt or "n/a",
        )
        return "", 204

    receive.__name__ = f"receive_{event_type.replace('.', '_')}"
    return receive


def _from_the_future(event: dict[str, Any], now: datetime) -> str | None:
    if event["collected_at"] <= now + CLOCK_SKEW:
        return None
    return (
        f"collected_at {event['collected_at'].isoformat()} is later than now "
        f"({now.isoformat()}): check the collector's clock"
    )


_register_routes()
