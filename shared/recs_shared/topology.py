"""The messaging topology (topology.toml), read by the bridge and by infra."""

from __future__ import annotations

import json
import sys
import tomllib
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

TOPOLOGY_FILE = Path(__file__).with_name("topology.toml")


@dataclass(frozen=True)
class Topic:
    name: str
    event_type: str
    dead_letter_topic: str


@dataclass(frozen=True)
class Subscription:
    name: str
    topic: str
    service: str
    push_path: str
    max_delivery_attempts: int
    ack_deadline_seconds: int
    min_retry_backoff_seconds: int
    max_retry_backoff_seconds: int
    message_retention_seconds: int


@dataclass(frozen=True)
class Topology:
    topics: dict[str, Topic]
    subscriptions: dict[str, Subscription]

    def topic_for(self, event_type: str) -> Topic:
        for topic in self.topics.values():
            if topic.event_type == event_type:
                return topic
        raise KeyError(f"no topic carries {event_type!r} events")

    def subscriptions_of(self, topic: str) -> list[Subscription]:
        return [s for s in self.subscriptions.values() if s.topic == topic]

    def subscription_at(self, service: str, push_path: str) -> Subscription:
        for subscription in self.subscriptions.values():
            if (subscription.service, subscription.push_path) == (service, push_path):
                return subscription
        raise KeyError(f"no subscription pushes to {service}{push_path}")


@cache
def load(path: Path = TOPOLOGY_FILE) -> Topology:
    raw = tomllib.loads(path.read_text())
    topics = {
        name: Topic(name=name, **values) for name, values in raw["topics"].items()
    }
    subscriptions = {
        name: Subscription(name=name, **values)
        for name, values in raw["subscriptions"].items()
    }

    for subscription in subscriptions.values():
        if subscription.topic not in topics:
            raise ValueError(
                f"subscription {subscription.name} names unknown topic "
                f"{subscription.topic}"
            )
        if not 5 <= subscription.max_delivery_attempts <= 100:
            # Pub/Sub's own bounds for a dead-letter policy.
            raise ValueError(
                f"subscription {subscription.name}: max_delivery_attempts must be "
                "between 5 and 100"
            )
    return Topology(topics, subscriptions)


if __name__ == "__main__":
    # infra/deploy.sh reads the topology as JSON through this entry point.
    topology = load()
    json.dump(
        {
            "topics": [asdict(t) for t in topology.topics.values()],
            "subscriptions": [asdict(s) for s in topology.subscriptions.values()],
        },
        sys.stdout,
        indent=2,
    )
    print()
