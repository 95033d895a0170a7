"""Reads of the ML platform's collections, bounded and validated.

Every query here is limited by a time window or a count, never a scan of
history. Documents are loaded through the platform schemas
(recs_shared.platform); one the platform wrote in a shape we cannot read
is skipped with a warning naming it, so a stray document never turns a
page into an error.
"""

from __future__ import annotations

import functools
import json
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
# Loading a document through its schema (about 50 µs) was most of a page
# load's time, and the platform's documents rarely change between loads;
# writing one as JSON costs a seventh of that. So each worker keeps what it
# loaded, keyed by the document's content: a changed document is another
# key and is loaded afresh. A refused document is not kept (and is logged
# at every answer computed; see kept_answers). About 10 MB at the most.
LOADED_KEPT = 20_000


def _load_one(collection: str, data: dict[str, Any]) -> dict[str, Any]:
    try:
        content = json.dumps(data, sort_keys=True)
    except (TypeError, ValueError):
        # Not plain JSON (a native timestamp the platform wrote): loaded as
        # it is, so the schema judges the value itself, not a text of it.
        return _SCHEMAS[collection].load(data)
    # A copy: callers may add keys to what they are given.
    return dict(_loaded(collection, content))


@functools.lru_cache(maxsize=LOADED_KEPT)
def _loaded(collection: str, content: str) -> dict[str, Any]:
    return _SCHEMAS[collection].load(json.loads(content))


def load(collection: str, docs: Sequence[Doc]) -> list[tuple[str, dict[str, Any]]]:
    loaded = []
    for doc in docs:
        try:
            loaded.append((doc.id, _load_one(collection, doc.data)))
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
