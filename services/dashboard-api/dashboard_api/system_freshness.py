"""The ``freshness`` of a response: which day, collected when, what failed.

docs/api.md gives the shape. Resource figures come from the newest daily
snapshot; platform figures are read live from the store, so they are as
fresh as the request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, fields


class FailedCollectorSchema(Schema):
    collector = fields.String(required=True)
    error = fields.String(required=True)


class FreshnessSchema(Schema):
    source = fields.String(required=True)  # resource_metrics, billing, platform
    snapshot_date = fields.String(required=True, allow_none=True)
    collected_at = fields.String(required=True, allow_none=True)
    status = fields.String(required=True)  # success, partial, error, none
    failed_collectors = fields.List(fields.Nested(FailedCollectorSchema))
    provisional_days = fields.List(fields.String())


def of_resource_metrics(newest: dict[str, Any] | None) -> dict[str, Any]:
    if newest is None:
        return {
            "source": "resource_metrics",
            "snapshot_date": None,
            "collected_at": None,
            "status": "none",
            "failed_collectors": [],
            "provisional_days": [],
        }
    return {
        "source": "resource_metrics",
        "snapshot_date": newest["snapshot_date"],
        "collected_at": newest["collected_at"],
        "status": newest["status"],
        "failed_collectors": newest["collection_errors"],
        "provisional_days": [],
    }


def of_platform(read_at: datetime) -> dict[str, Any]:
    return {
        "source": "platform",
        "snapshot_date": None,
        "collected_at": read_at.isoformat(),
        "status": "success",
        "failed_collectors": [],
        "provisional_days": [],
    }
