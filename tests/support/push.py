"""Push envelopes as Pub/Sub posts them, built from events or raw data."""

from __future__ import annotations

import base64
import json
from typing import Any

from recs_shared.events import encode, push_envelope


def envelope_for(event: dict[str, Any], message_id: str = "1") -> dict[str, Any]:
    data, attributes = encode(event)
    return push_envelope(
        data,
        attributes,
        message_id=message_id,
        publish_time="2026-12-01T05:00:00Z",
        subscription="projects/demo/subscriptions/test",
        delivery_attempt=1,
    )


def envelope_with_payload(payload: Any, attributes: dict | None = None) -> dict:
    """An envelope around arbitrary JSON (to send events that are invalid)."""
    data = base64.b64encode(json.dumps(payload).encode()).decode()
    message = {"data": data, "messageId": "1"}
    if attributes is not None:
        message["attributes"] = attributes
    return {"message": message, "subscription": "projects/demo/subscriptions/test"}


def valid_payload(event: dict[str, Any]) -> dict[str, Any]:
    data, _ = encode(event)
    return json.loads(data)
