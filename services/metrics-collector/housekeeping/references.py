"""What the platform's registered models hold on to: artifacts and Vertex models.

Both clean-up jobs keep what a registered model references. They read the
ML platform's registered_models collection (recs_shared.platform) from the
dashboard store; the platform writes it, the collectors only read it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from recs_shared.platform import REGISTERED_MODELS
from recs_shared.store import DocumentStore

log = logging.getLogger(__name__)

VERTEX_MODEL = re.compile(r"projects/[^/]+/locations/[^/]+/models/([^/@]+)(@.+)?")


@dataclass(frozen=True)
class References:
    artifact_uris: tuple[str, ...]
    vertex_model_ids: frozenset[str]
    unreadable: tuple[str, ...]  # ids of models whose vertex_model is malformed


def registered_references(store: DocumentStore) -> References:
    uris: list[str] = []
    model_ids: set[str] = set()
    unreadable: list[str] = []

    for doc in store.query(REGISTERED_MODELS):
        if doc.data.get("artifact_uri"):
            uris.append(doc.data["artifact_uri"])

        vertex_model = doc.data.get("vertex_model")
        if not vertex_model:
            continue
        match = VERTEX_MODEL.fullmatch(vertex_model)
        if match:
            model_ids.add(match[1])
        else:
            log.warning(
                "registered model %s has an unreadable vertex_model %r; "
                "expected projects/P/locations/L/models/ID",
                doc.id,
                vertex_model,
            )
            unreadable.append(doc.id)

    return References(tuple(uris), frozenset(model_ids), tuple(unreadable))


def prefixes_in_bucket(uris: tuple[str, ...], bucket: str) -> tuple[str, ...]:
    """The object-name prefixes, inside ``bucket``, of the gs:// URIs given.

    A URI names a folder or one object: ``gs://b/runs/7`` protects
    ``runs/7`` and everything under ``runs/7/``, never ``runs/70``.
    """
    prefixes = []
    for uri in uris:
        if not uri.startswith(f"gs://{bucket}/"):
            continue
        path = uri.removeprefix(f"gs://{bucket}/").rstrip("/")
        if path:
            prefixes.append(path)
    return tuple(prefixes)


def is_under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + "/") for p in prefixes)
