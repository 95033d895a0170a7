"""Changing BillingConfig: merge, validate as a whole, save, or change nothing.

Shared by the admin endpoint and the CLI. The fields sent replace the
stored ones; the others keep their value. The result is validated as a
whole by BillingConfigSchema (percentages 0-100, margins and amounts 0 or
more, exchange rate above 0, money as decimal strings); a fault refuses the
whole change. The save is a compare-and-set, so two operators' changes to
different fields never undo each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError

from recs_shared import billing_config
from recs_shared.billing_config import BillingConfigSchema
from recs_shared.events.codec import describe
from recs_shared.store import DocumentStore

SERVER_FIELDS = ("updated_at",)


class ConfigError(ValueError):
    """A refused change; ``fields`` maps each faulty field to its messages."""

    def __init__(self, message: str, fields: dict[str, Any]) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


def current(store: DocumentStore) -> dict[str, Any]:
    return billing_config.load(store)


def update(store: DocumentStore, changes: Any) -> dict[str, Any]:
    """Apply ``changes`` (JSON values) and return the saved config."""
    _check_shape(changes)
    schema = BillingConfigSchema()
    now = datetime.now(UTC)

    def change(stored: dict[str, Any] | None) -> dict[str, Any]:
        base = {**schema.dump(billing_config.DEFAULTS), **(stored or {})}
        merged = schema.load({**base, **changes, "updated_at": now.isoformat()})
        return schema.dump(merged)

    try:
        store.mutate(billing_config.COLLECTION, billing_config.DOCUMENT, change)
    except ValidationError as error:
        faults = "; ".join(sorted(describe(error.messages)))
        raise ConfigError(
            f"billing config not changed: {faults}", error.messages
        ) from None
    return current(store)


def _check_shape(changes: Any) -> None:
    if not isinstance(changes, Mapping) or not changes:
        raise ConfigError(
            "billing config not changed: send a JSON object with the fields to change",
            {},
        )
    for name in SERVER_FIELDS:
        if name in changes:
            raise ConfigError(
                f"billing config not changed: {name} is set by the service",
                {name: ["Set by the service; do not send it."]},
            )
