"""The publisher port: how a collector hands a snapshot event to messaging."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Protocol

from recs_shared import events, topology

log = logging.getLogger(__name__)


class PublishError(RuntimeError):
    """The event was not accepted; the collector must report failure."""


class Publisher(Protocol):
    def publish(self, topic: str, data: bytes, attributes: Mapping[str, str]) -> str:
        """Publish one message; return its message id once it is durable."""
        ...

    def close(self) -> None: ...


def publish_event(publisher: Publisher, event: Mapping[str, Any]) -> str:
    """Validate, encode and publish one snapshot event to its topic."""
    data, attributes = events.encode(event)
    topic = topology.load().topic_for(event["event_type"]).name
    message_id = publisher.publish(topic, data, attributes)
    log.info(
        "published %s for %s to %s",
        event["event_type"],
        attributes["snapshot_date"],
        topic,
        extra={"fields": {"message_id": message_id, "topic": topic}},
    )
    return message_id
