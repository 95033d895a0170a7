"""The Pub/Sub push envelope, as the OpenAPI document describes it.

recs_shared.events.decode_push is what reads a delivery; these schemas only
describe the body it accepts, for /openapi.json. The message's ``data`` is
the base64 of the event's UTF-8 JSON, whose schema is the event contract
(docs/events.md; components ``resource_metrics.snapshot.v1`` and
``billing.snapshot.v1`` of the document).
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields


class PushMessage(Schema):
    class Meta:
        # Pub/Sub may add fields (orderingKey...); the endpoint ignores them.
        unknown = INCLUDE

    data = fields.String(
        required=True,
        metadata={"description": "base64 of the event's UTF-8 JSON"},
    )
    attributes = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "event_type, schema_version and snapshot_date; when "
            "present they must agree with the data"
        },
    )
    messageId = fields.String()
    message_id = fields.String()
    publishTime = fields.String()
    publish_time = fields.String()


class PushEnvelope(Schema):
    class Meta:
        unknown = INCLUDE

    message = fields.Nested(PushMessage, required=True)
    subscription = fields.String()
    deliveryAttempt = fields.Integer()
