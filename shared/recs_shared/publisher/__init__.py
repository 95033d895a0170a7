"""The publisher port and its adapters (Pub/Sub, embedded loopback push)."""

from __future__ import annotations

from recs_shared.publisher.port import Publisher, PublishError, publish_event
from recs_shared.settings import CollectorSettings

__all__ = [
    "PublishError",
    "Publisher",
    "make_deliverer",
    "make_publisher",
    "publish_event",
]


def make_publisher(settings: CollectorSettings) -> Publisher:
    """The adapter the profile asks for (imports Pub/Sub only when used)."""
    if settings.uses_google_cloud:
        from recs_shared.publisher.pubsub_publisher import PubSubPublisher

        return PubSubPublisher(
            settings.gcp_project, float(settings.publish_timeout_seconds)
        )

    from recs_shared.publisher.embedded import EmbeddedPublisher
    from recs_shared.publisher.outbox import Outbox

    outbox = Outbox(settings.outbox_path)
    return EmbeddedPublisher(outbox, make_deliverer(settings, outbox))


def make_deliverer(settings: CollectorSettings, outbox):
    from recs_shared.publisher.embedded import Deliverer

    return Deliverer(
        outbox,
        service_urls={"dashboard-api": settings.dashboard_api_url},
        project=settings.gcp_project,
    )
