"""The topology file: every subscription well formed and routed."""

from __future__ import annotations

from recs_shared import topology
from recs_shared.events import EVENT_TYPES


def test_every_event_type_has_a_topic_with_a_dead_letter_topic():
    plan = topology.load()

    for event_type in EVENT_TYPES:
        topic = plan.topic_for(event_type)
        assert topic.dead_letter_topic not in (topic.name, "")


def test_every_topic_is_pushed_to_dashboard_api():
    plan = topology.load()

    for name in plan.topics:
        [subscription] = plan.subscriptions_of(name)
        assert subscription.service == "dashboard-api"
        assert subscription.push_path.startswith("/push/")
        assert 5 <= subscription.max_delivery_attempts <= 100
