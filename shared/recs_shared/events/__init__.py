"""Snapshot events: schemas, encoding for Pub/Sub, decoding of push deliveries."""

from recs_shared.events.codec import (
    EventError,
    PushedEvent,
    decode,
    decode_push,
    encode,
    push_envelope,
)
from recs_shared.events.schemas import BILLING, EVENT_TYPES, RESOURCE_METRICS, SCHEMAS

__all__ = [
    "BILLING",
    "EVENT_TYPES",
    "RESOURCE_METRICS",
    "SCHEMAS",
    "EventError",
    "PushedEvent",
    "decode",
    "decode_push",
    "encode",
    "push_envelope",
]
