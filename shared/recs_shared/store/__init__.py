"""The document store port and its two adapters (SQLite and Firestore)."""

from __future__ import annotations

from recs_shared.settings import CommonSettings
from recs_shared.store.port import (
    Doc,
    DocumentStore,
    Mutation,
    StoreUnavailable,
    keep_latest,
    to_storable,
)

__all__ = [
    "Doc",
    "DocumentStore",
    "Mutation",
    "StoreUnavailable",
    "keep_latest",
    "make_store",
    "to_storable",
]


def make_store(settings: CommonSettings) -> DocumentStore:
    """The adapter the profile asks for (imports Firestore only when used)."""
    if settings.uses_google_cloud:
        from recs_shared.store.firestore_store import FirestoreStore

        return FirestoreStore(
            project=settings.gcp_project,
            database=settings.firestore_database,
            prefix=settings.collection_prefix,
        )

    from recs_shared.store.sqlite_store import SQLiteStore

    return SQLiteStore(settings.sqlite_path, prefix=settings.collection_prefix)
