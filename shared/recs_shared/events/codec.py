"""Encoding events into Pub/Sub messages and decoding push deliveries.

A message's data is the UTF-8 JSON of the event; its attributes repeat
``event_type``, ``schema_version`` and ``snapshot_date`` so subscribers can
filter without decoding. Real Pub/Sub may deliver without attributes, so the
data alone is authoritative; attributes that are present must agree with it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from recs_shared.events.schemas import SCHEMAS, SnapshotHeader

ATTRIBUTE_KEYS = ("event_type", "schema_version", "snapshot_date")


class EventError(ValueError):
    """Input that can never become a valid event; the text names the fault."""


@dataclass(frozen=True)
class PushedEvent:
    event: dict[str, Any]
    message_id: str
    subscription: str
    delivery_attempt: int | None


# One instance per event schema: building one (its nested schemas with it)
# cost about as much as loading an event, and loading keeps no state.
_BUILT = {key: schema() for key, schema in SCHEMAS.items()}


def schema_for(event_type: Any, schema_version: Any) -> SnapshotHeader:
    try:
        return _BUILT[(event_type, schema_version)]
    except (KeyError, TypeError):
        pass

    known_types = sorted({name for name, _ in SCHEMAS})
    if event_type not in known_types:
        raise EventError(
            f"unknown event_type {event_type!r} (known: {', '.join(known_types)})"
        )
    versions = sorted(version for name, version in SCHEMAS if name == event_type)
    raise EventError(
        f"unknown schema_version {schema_version!r} for {event_type} "
        f"(known: {', '.join(map(str, versions))})"
    )


def encode(event: Mapping[str, Any]) -> tuple[bytes, dict[str, str]]:
    """Validate an event (Python values) and give its message data and attributes."""
    schema = schema_for(event.get("event_type"), event.get("schema_version"))
    payload = schema.dump(event)

    # Loading what we are about to send catches a bad event at the publisher,
    # where the bug is, instead of at every subscriber.
    _load(schema, payload)

    data = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    attributes = {key: str(payload[key]) for key in ATTRIBUTE_KEYS}
    return data, attributes


def decode(data: bytes, attributes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Validated event (Python values) from message data; EventError otherwise."""
    try:
        payload = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise EventError("message data is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise EventError(f"message data is not JSON: {error.msg}") from None
    if not isinstance(payload, dict):
        raise EventError("message data must be a JSON object")

    schema = schema_for(payload.get("event_type"), payload.get("schema_version"))
    event = _load(schema, payload)
    _check_attributes(attributes or {}, payload)
    return event


def decode_push(body: bytes) -> PushedEvent:
    """Decode a Pub/Sub push request body (the JSON envelope) into its event."""
    try:
        envelope = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EventError("request body is not a JSON push envelope") from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("message"), dict):
        raise EventError("push envelope has no 'message' object")

    message = envelope["message"]
    encoded = message.get("data")
    if not isinstance(encoded, str) or not encoded:
        raise EventError("push message has no 'data'")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise EventError("message 'data' is not valid base64") from None

    attributes = message.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise EventError("message 'attributes' must be an object")

    attempt = envelope.get("deliveryAttempt")
    return PushedEvent(
        event=decode(data, attributes),
        message_id=str(message.get("messageId") or message.get("message_id") or ""),
        subscription=str(envelope.get("subscription") or ""),
        delivery_attempt=attempt if isinstance(attempt, int) else None,
    )


def push_envelope(
    data: bytes,
    attributes: Mapping[str, str],
    *,
    message_id: str,
    publish_time: str,
    subscription: str,
    delivery_attempt: int,
) -> dict[str, Any]:
    """The JSON body Pub/Sub posts to a push endpoint (both key spellings)."""
    encoded = base64.b64encode(data).decode("ascii")
    message = {
        "data": encoded,
        "attributes": dict(attributes),
        "messageId": message_id,
        "message_id": message_id,
        "publishTime": publish_time,
        "publish_time": publish_time,
    }
    return {
        "message": message,
        "subscription": subscription,
        "deliveryAttempt": delivery_attempt,
    }


def describe(messages: Any, prefix: str = "") -> list[str]:
    """Flatten marshmallow's nested error dict into 'path: message' lines."""
    if isinstance(messages, dict):
        lines = []
        for key, value in messages.items():
            path = prefix if key == "_schema" else f"{prefix}{key}"
            lines.extend(describe(value, f"{path}." if path else ""))
        return lines
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        label = prefix.rstrip(".")
        return [f"{label}: {text}" if label else text for text in messages]
    if isinstance(messages, list):
        return [line for item in messages for line in describe(item, prefix)]
    return [f"{prefix.rstrip('.')}: {messages}"]


def _load(schema: SnapshotHeader, payload: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(payload)
    except ValidationError as error:
        detail = "; ".join(sorted(describe(error.messages)))
        raise EventError(f"invalid {payload.get('event_type')}: {detail}") from None


def _check_attributes(
    attributes: Mapping[str, str], payload: Mapping[str, Any]
) -> None:
    for key in ATTRIBUTE_KEYS:
        if key in attributes and attributes[key] != str(payload[key]):
            raise EventError(
                f"attribute {key}={attributes[key]!r} disagrees with the data's "
                f"{key}={payload[key]!r}"
            )
