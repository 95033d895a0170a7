"""The document store on an embedded SQLite file (the local profile).

One table holds every collection; a document is a JSON text. Several
processes (gunicorn workers, seeders, tests) may share the file, so it runs
in WAL mode and every read-modify-write takes the write lock first
(BEGIN IMMEDIATE), which makes ``mutate`` a true compare-and-set.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from recs_shared.store.port import (
    Change,
    Doc,
    Filter,
    Mutation,
    Order,
    StoreUnavailable,
    check_query,
    to_storable,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (collection, id)
) WITHOUT ROWID
"""
_BUSY_TIMEOUT_MS = 10_000

# One lock per database file and process, taken by every write. Threads of
# one process (gunicorn's) then queue on it and wake as soon as it is free;
# left to SQLite, a writer that finds the file locked sleeps in growing
# steps (up to 100 ms) before it tries again, which under a burst of pushes
# cost more than the writes (bench/ingest.py).
_WRITE_LOCKS: dict[Path, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.RLock:
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(path.resolve(), threading.RLock())


class SQLiteStore:
    def __init__(self, path: Path, prefix: str = "") -> None:
        self.path = Path(path)
        self.prefix = prefix
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writing = _write_lock(self.path)
        self._indexed_fields: set[str] = set()
        self._versioning = threading.Lock()
        self._version_connection: sqlite3.Connection | None = None
        with self._errors():
            self._connection().execute(_SCHEMA)

    def get(self, collection: str, doc_id: str) -> dict[str, Any] | None:
        with self._errors():
            row = (
                self._connection()
                .execute(
                    "SELECT data FROM documents WHERE collection = ? AND id = ?",
                    (self._name(collection), doc_id),
                )
                .fetchone()
            )
        return json.loads(row[0]) if row else None

    def get_many(
        self, collection: str, doc_ids: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._errors():
            rows = (
                self._connection()
                .execute(
                    "SELECT id, data FROM documents "
                    f"WHERE collection = ? AND id IN ({marks})",
                    (self._name(collection), *ids),
                )
                .fetchall()
            )
        return {doc_id: json.loads(data) for doc_id, data in rows}

    def put(self, collection: str, doc_id: str, data: Mapping[str, Any]) -> None:
        text = json.dumps(to_storable(data))
        with self._writing, self._errors():
            self._connection().execute(
                "INSERT INTO documents (collection, id, data) VALUES (?, ?, ?) "
                "ON CONFLICT (collection, id) DO UPDATE SET data = excluded.data",
                (self._name(collection), doc_id, text),
            )

    def create(self, collection: str, doc_id: str, data: Mapping[str, Any]) -> bool:
        text = json.dumps(to_storable(data))
        with self._writing, self._errors():
            cursor = self._connection().execute(
                "INSERT OR IGNORE INTO documents (collection, id, data) "
                "VALUES (?, ?, ?)",
                (self._name(collection), doc_id, text),
            )
        return cursor.rowcount == 1

    def delete(self, collection: str, doc_id: str) -> bool:
        with self._writing, self._errors():
            cursor = self._connection().execute(
                "DELETE FROM documents WHERE collection = ? AND id = ?",
                (self._name(collection), doc_id),
            )
        return cursor.rowcount == 1

    def mutate(self, collection: str, doc_id: str, change: Change) -> Mutation:
        connection = self._connection()
        key = (self._name(collection), doc_id)

        with self._writing, self._errors():
            connection.execute("BEGIN IMMEDIATE")
            try:
                row = connection.execute(
                    "SELECT data FROM documents WHERE collection = ? AND id = ?", key
                ).fetchone()
                current = json.loads(row[0]) if row else None
                new = change(current)

                if new is None:
                    connection.execute("ROLLBACK")
                    return Mutation(written=False, data=current)

                stored = to_storable(new)
                connection.execute(
                    "INSERT INTO documents (collection, id, data) VALUES (?, ?, ?) "
                    "ON CONFLICT (collection, id) DO UPDATE SET data = excluded.data",
                    (*key, json.dumps(stored)),
                )
                connection.execute("COMMIT")
                return Mutation(written=True, data=stored)
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def query(
        self,
        collection: str,
        where: Sequence[Filter] = (),
        order_by: Sequence[Order] = (),
        limit: int | None = None,
    ) -> list[Doc]:
        check_query(where, order_by)
        self._index([field for field, _, _ in where] + [f for f, _ in order_by])
        clauses, params = self._where(collection, where)

        # Like Firestore, a query ordered by a field leaves out documents
        # that lack the field.
        for field, _ in order_by:
            clauses.append(f"json_type(data, {_path(field)}) IS NOT NULL")
        sql = "SELECT id, data FROM documents WHERE " + " AND ".join(clauses)
        if order_by:
            ordering = (
                f"json_extract(data, {_path(field)}) {direction.upper()}"
                for field, direction in order_by
            )
            sql += " ORDER BY " + ", ".join(ordering) + ", id"
        else:
            # "+id": ordering by the primary key must not make SQLite walk
            # the whole collection in key order rather than use the index of
            # a filtered field (8 ms instead of 0.1 over 10 years of runs).
            sql += " ORDER BY +id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))

        with self._errors():
            rows = self._connection().execute(sql, params).fetchall()
        return [Doc(doc_id, json.loads(data)) for doc_id, data in rows]

    def count(self, collection: str, where: Sequence[Filter] = ()) -> int:
        check_query(where, ())
        self._index(field for field, _, _ in where)
        clauses, params = self._where(collection, where)
        sql = "SELECT COUNT(*) FROM documents WHERE " + " AND ".join(clauses)
        with self._errors():
            return self._connection().execute(sql, params).fetchone()[0]

    def ping(self) -> None:
        with self._errors():
            self._connection().execute("SELECT 1 FROM documents LIMIT 1").fetchall()

    def version(self) -> int:
        """SQLite's data_version, asked on a connection of its own that never
        writes: it then changes at every commit of any other connection, this
        process's threads and every other process alike (4 µs).

        One connection for every thread, because two connections' numbers
        cannot be compared: each counts from its own start. The file must
        not be replaced under a running service; this connection, like every
        thread's, would go on reading the old one.
        """
        with self._versioning, self._errors():
            if self._version_connection is None:
                self._version_connection = sqlite3.connect(
                    self.path,
                    isolation_level=None,
                    timeout=_BUSY_TIMEOUT_MS / 1000,
                    check_same_thread=False,
                )
            return self._version_connection.execute("PRAGMA data_version").fetchone()[0]

    def _where(
        self, collection: str, where: Sequence[Filter]
    ) -> tuple[list[str], list[Any]]:
        clauses = ["collection = ?"]
        params: list[Any] = [self._name(collection)]

        for field, op, value in where:
            column = f"json_extract(data, {_path(field)})"
            stored = to_storable(value)
            if op == "in":
                values = list(stored)
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
            elif stored is None and op in ("==", "!="):
                # A JSON null; a missing field matches neither, as in Firestore.
                null = "=" if op == "==" else "!="
                clauses.append(f"json_type(data, {_path(field)}) {null} 'null'")
            else:
                sql_op = "=" if op == "==" else op
                clauses.append(f"{column} {sql_op} ?")
                params.append(stored)
        return clauses, params

    def _index(self, fields: Iterable[str]) -> None:
        """An index per queried field, made on first use, as Firestore keeps
        one for every field: a query then reads what it matches (the days on
        screen, the runs of the window) instead of scanning its collection,
        which made a page load 5 to 10 times slower over 10 years of history
        (bench/read_path.py)."""
        for field in fields:
            if field in self._indexed_fields:
                continue
            readable = re.sub(r"[^A-Za-z0-9]+", "_", field)
            digest = hashlib.sha1(field.encode()).hexdigest()[:8]
            with self._writing, self._errors():
                self._connection().execute(
                    f'CREATE INDEX IF NOT EXISTS "by_{readable}_{digest}" '
                    f"ON documents (collection, json_extract(data, {_path(field)}))"
                )
            self._indexed_fields.add(field)

    def _name(self, collection: str) -> str:
        return self.prefix + collection

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self.path, isolation_level=None, timeout=_BUSY_TIMEOUT_MS / 1000
            )
            connection.execute("PRAGMA journal_mode=WAL")
            # Durable across a crash of the process (the tests SIGKILL it);
            # only an OS crash or power loss may lose the last commits. FULL
            # would sync to disk at every commit: 2 per billing push.
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
            self._local.connection = connection
        return connection

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn SQLite's operational failures (locked, unreadable) into
        StoreUnavailable, which callers answer with 503."""
        try:
            yield
        except sqlite3.OperationalError as error:
            raise StoreUnavailable(f"SQLite store {self.path}: {error}") from error


def _path(field: str) -> str:
    """A JSON path literal for a (possibly dotted) field name."""
    parts = "".join(f'."{part}"' for part in field.split("."))
    return "'" + ("$" + parts).replace("'", "''") + "'"
