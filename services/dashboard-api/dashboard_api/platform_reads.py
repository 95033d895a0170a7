"""Reads of the ML platform's collections, bounded and validated.

Every query here is limited by a time window or a count, never a scan of
history. Documents are loaded through the platform schemas
(recs_shared.platform); one the platform wrote in a shape we cannot read
is skipped with a warning naming it, so a stray document never turns a
page into an error.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from marshmallow import ValidationError

from recs_shared import platform
from recs_shared.store import Doc, DocumentStore

log = logging.getLogger(__name__)


# Built once: building a schema (0.1 ms) cost more than loading a project's
# documents with it, and loading keeps no state in the schema.
_SCHEMAS = {name: schema() for name, schema in platform.SCHEMAS.items()}


def load(collection: str, docs: Sequence[Doc]) -> list[tuple[str, dict[str, Any]]]:
    schema = _SCHEMAS[collection]
    loaded = []
    for doc in docs:
        try:
            loaded.append((doc.id, schema.load(doc.data)))
        except ValidationError as error:
            log.warning(
                "skipped %s/%s, which does not match the platform schema: %s",
                collection,
                doc.id,
                error.messages,
            )
    return loaded


def get(store: DocumentStore, collection: str, doc_id: str) -> dict[str, Any] | None:
    found = store.get(collection, doc_id)
    loaded = load(collection, [Doc(doc_id, found)]) if found is not None else []
    return loaded[0][1] if loaded else None


def started_since(
    store: DocumentStore, collection: str, since: datetime
) -> list[tuple[str, dict[str, Any]]]:
    docs = store.query(collection, where=[("started_at", ">=", since)])
    return load(collection, docs)


def newest(
    store: DocumentStore, collection: str, field: str, limit: int
) -> list[tuple[str, dict[str, Any]]]:
    docs = store.query(collection, order_by=[(field, "desc")], limit=limit)
    return load(collection, docs)


def project_names(store: DocumentStore, ids: Sequence[str]) -> dict[str, str]:
    found = store.get_many(platform.PROJECTS, list(ids))
    return {doc_id: data.get("name", doc_id) for doc_id, data in found.items()}
