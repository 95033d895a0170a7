"""Publisher adapter on google-cloud-pubsub (production and the emulator).

With PUBSUB_EMULATOR_HOST set, the client talks to the emulator without
credentials; nothing here differs between the two.
"""

from __future__ import annotations

from collections.abc import Mapping

from google.api_core import exceptions as api_exceptions
from google.cloud import pubsub_v1

from recs_shared.publisher.port import PublishError


class PubSubPublisher:
    def __init__(
        self,
        project: str,
        timeout_seconds: float = 30.0,
        client: pubsub_v1.PublisherClient | None = None,
    ) -> None:
        self.project = project
        self.timeout_seconds = timeout_seconds
        self.client = client or pubsub_v1.PublisherClient()

    def publish(self, topic: str, data: bytes, attributes: Mapping[str, str]) -> str:
        path = self.client.topic_path(self.project, topic)
        future = self.client.publish(path, data, **attributes)
        try:
            return future.result(timeout=self.timeout_seconds)
        except (api_exceptions.GoogleAPIError, TimeoutError) as error:
            raise PublishError(
                f"Pub/Sub did not accept the message for {path}: {error}"
            ) from error

    def close(self) -> None:
        self.client.stop()
