"""The embedded loopback-push bridge: Pub/Sub push semantics without Pub/Sub.

Publishing commits the message to the durable outbox, one row per
subscription the topology declares for the topic, then tries to deliver it
at once. Delivery posts the very envelope Pub/Sub would post to the
subscription's endpoint. Whatever is not acknowledged stays in the outbox
and the relay (``python -m recs_shared.publisher.relay``) delivers it with
backoff when the subscriber is back.

Like Pub/Sub, a message the subscriber refuses (any non-2xx answer) counts
as a delivery attempt, and after the subscription's max_delivery_attempts
it is parked as a dead letter. Unlike Pub/Sub, a subscriber that cannot be
reached at all does not use up attempts: locally that only means the stack
is not up yet, and the message must wait, not die.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

import requests

from recs_shared import topology
from recs_shared.events import push_envelope
from recs_shared.publisher.outbox import Delivery, Outbox

log = logging.getLogger(__name__)

ACK_STATUSES = {102, 200, 201, 202, 204}
UNREACHABLE_MAX_DELAY = 5.0


class Deliverer:
    """Posts due outbox rows to their subscribers' endpoints."""

    def __init__(
        self,
        outbox: Outbox,
        service_urls: Mapping[str, str],
        project: str,
        *,
        backoff_scale: float = 1.0,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.outbox = outbox
        self.service_urls = dict(service_urls)
        self.project = project
        self.backoff_scale = backoff_scale
        self.timeout_seconds = timeout_seconds
        self.topology = topology.load()
        self.session = requests.Session()

    def deliver_due(self, message_id: str | None = None) -> int:
        """Try every due row once; return how many were acknowledged."""
        acknowledged = 0
        for delivery in self.outbox.claim_due(message_id=message_id):
            acknowledged += self._deliver(delivery)
        return acknowledged

    def _deliver(self, delivery: Delivery) -> bool:
        subscription = self.topology.subscriptions[delivery.subscription]
        url = (
            self.service_urls[subscription.service].rstrip("/") + subscription.push_path
        )
        body = push_envelope(
            delivery.data,
            delivery.attributes,
            message_id=delivery.message_id,
            publish_time=delivery.publish_time,
            subscription=f"projects/{self.project}/subscriptions/{subscription.name}",
            delivery_attempt=delivery.answered_attempts + 1,
        )

        try:
            response = self.session.post(url, json=body, timeout=self.timeout_seconds)
        except requests.RequestException as error:
            delay = min(0.5 * 2**delivery.tries, UNREACHABLE_MAX_DELAY)
            self.outbox.retry_later(
                delivery.row_id, delay, f"unreachable: {error}", answered=False
            )
            log.info(
                "%s is unreachable; message %s waits in the outbox",
                url,
                delivery.message_id,
            )
            return False

        if response.status_code in ACK_STATUSES:
            self.outbox.acknowledge(delivery.row_id)
            return True

        error = f"HTTP {response.status_code}: {response.text[:500]}"
        if delivery.answered_attempts + 1 >= subscription.max_delivery_attempts:
            self.outbox.park(delivery.row_id, error)
            log.error(
                "message %s parked as a dead letter of %s after %d refused "
                "deliveries; last answer %s. List with `python -m "
                "recs_shared.publisher.relay --dead`.",
                delivery.message_id,
                subscription.name,
                subscription.max_delivery_attempts,
                error,
            )
            return False

        delay = min(
            subscription.min_retry_backoff_seconds * 2**delivery.answered_attempts,
            subscription.max_retry_backoff_seconds,
        )
        self.outbox.retry_later(
            delivery.row_id, delay * self.backoff_scale, error, answered=True
        )
        log.warning("%s refused message %s: %s", url, delivery.message_id, error)
        return False


class EmbeddedPublisher:
    def __init__(self, outbox: Outbox, deliverer: Deliverer) -> None:
        self.outbox = outbox
        self.deliverer = deliverer
        self.topology = topology.load()

    def publish(self, topic: str, data: bytes, attributes: Mapping[str, str]) -> str:
        subscriptions = [s.name for s in self.topology.subscriptions_of(topic)]
        if topic not in self.topology.topics:
            raise KeyError(f"topic {topic!r} is not in the topology")

        message_id = uuid.uuid4().hex
        publish_time = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        self.outbox.add(message_id, subscriptions, data, attributes, publish_time)

        # The message is durable now; a failed first try is the relay's job.
        self.deliverer.deliver_due(message_id=message_id)
        return message_id

    def close(self) -> None:
        self.deliverer.session.close()
