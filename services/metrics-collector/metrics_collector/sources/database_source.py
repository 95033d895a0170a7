"""The platform database's size, for the local profile: the SQLite store file.

The store keeps every collection in one table of JSON documents, so the
"tables" shown are its collections: a collection's size is the bytes of
its documents' JSON, and the database size is the whole file (documents,
index and free pages), read from SQLite's own page counts.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from metrics_collector.sources.ports import (
    DatabaseSize,
    DatabaseTable,
    SourceUnavailable,
)

TOP_TABLES = 10

# Couples to recs_shared.store.sqlite_store's one table, "documents".
COLLECTIONS_SQL = """
SELECT collection, SUM(LENGTH(data)) AS size_bytes, COUNT(*) AS row_count
FROM documents
GROUP BY collection
ORDER BY size_bytes DESC, collection
"""


class SQLiteStoreFile:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def size(self) -> DatabaseSize:
        if not self.path.exists():
            raise SourceUnavailable(f"the local store file {self.path} does not exist")

        # Read-only, so measuring never creates or locks the store.
        uri = f"file:{self.path}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=10)) as connection:
            page_count = connection.execute("PRAGMA page_count").fetchone()[0]
            page_size = connection.execute("PRAGMA page_size").fetchone()[0]
            rows = connection.execute(COLLECTIONS_SQL).fetchall()

        return DatabaseSize(
            size_bytes=page_count * page_size,
            tables=[
                DatabaseTable(name=name, size_bytes=size, row_count=count)
                for name, size, count in rows[:TOP_TABLES]
            ],
        )
