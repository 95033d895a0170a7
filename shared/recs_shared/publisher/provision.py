"""Create the topology's topics and push subscriptions with the Pub/Sub client.

Used for the emulators profile and by tests; production is deployed by
infra/deploy.sh from the same topology file with gcloud. Idempotent: what
exists already is updated to match the file.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Mapping

from google.api_core import exceptions as api_exceptions
from google.cloud import pubsub_v1
from google.protobuf import duration_pb2, field_mask_pb2

from recs_shared import topology

log = logging.getLogger(__name__)

EMULATOR_MAX_DELIVERY_ATTEMPTS = 100  # Pub/Sub's upper bound


def provision(
    project: str,
    service_urls: Mapping[str, str],
    publisher: pubsub_v1.PublisherClient | None = None,
    subscriber: pubsub_v1.SubscriberClient | None = None,
    *,
    retry_policy: bool = True,
) -> None:
    """Create or update every topic and push subscription of the topology.

    ``retry_policy=False`` is for the Pub/Sub emulator. With a retry policy,
    emulator 0.8.20 sometimes never redelivers a message whose push failed
    (measured here: 2 to 5 of 60 messages lost when the endpoint went down
    mid-stream, none without one). Without it, the emulator retries every
    second, so the topology's few delivery attempts would dead-letter a
    message after seconds of downtime: the emulator's subscriptions get
    Pub/Sub's maximum instead. Real Pub/Sub gets the topology file's values.
    """
    publisher = publisher or pubsub_v1.PublisherClient()
    subscriber = subscriber or pubsub_v1.SubscriberClient()
    plan = topology.load()

    for topic in plan.topics.values():
        for name in (topic.name, topic.dead_letter_topic):
            _ensure_topic(publisher, publisher.topic_path(project, name))

    for subscription in plan.subscriptions.values():
        topic = plan.topics[subscription.topic]
        endpoint = (
            service_urls[subscription.service].rstrip("/") + subscription.push_path
        )
        request = {
            "name": subscriber.subscription_path(project, subscription.name),
            "topic": publisher.topic_path(project, topic.name),
            "push_config": {"push_endpoint": endpoint},
            "ack_deadline_seconds": subscription.ack_deadline_seconds,
            "message_retention_duration": _seconds(
                subscription.message_retention_seconds
            ),
            "dead_letter_policy": {
                "dead_letter_topic": publisher.topic_path(
                    project, topic.dead_letter_topic
                ),
                "max_delivery_attempts": (
                    subscription.max_delivery_attempts
                    if retry_policy
                    else EMULATOR_MAX_DELIVERY_ATTEMPTS
                ),
            },
        }
        if retry_policy:
            request["retry_policy"] = {
                "minimum_backoff": _seconds(subscription.min_retry_backoff_seconds),
                "maximum_backoff": _seconds(subscription.max_retry_backoff_seconds),
            }
        _ensure_subscription(subscriber, request)


def _ensure_topic(publisher, path: str) -> None:
    try:
        publisher.create_topic(request={"name": path})
        log.info("created topic %s", path)
    except api_exceptions.AlreadyExists:
        pass


def _ensure_subscription(subscriber, request: dict) -> None:
    try:
        subscriber.create_subscription(request=request)
        log.info("created push subscription %s", request["name"])
        return
    except api_exceptions.AlreadyExists:
        pass

    fields = [key for key in request if key not in ("name", "topic")]
    subscriber.update_subscription(
        request={
            "subscription": request,
            "update_mask": field_mask_pb2.FieldMask(paths=fields),
        }
    )
    log.info("updated push subscription %s", request["name"])


def _seconds(seconds: int) -> duration_pb2.Duration:
    return duration_pb2.Duration(seconds=seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", required=True)
    parser.add_argument("--dashboard-api-url", required=True)
    parser.add_argument(
        "--emulator", action="store_true", help="leave out the retry policy"
    )
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    provision(
        args.project,
        {"dashboard-api": args.dashboard_api_url},
        retry_policy=not args.emulator,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
