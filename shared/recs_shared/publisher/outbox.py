"""The embedded bridge's durable outbox: one row per message and subscription.

A published message is committed here before anyone tries to deliver it, so
a subscriber that is down, a crash or a restart loses nothing. A row leaves
the outbox only when its subscriber acknowledged it (2xx), or is parked as
dead after the subscription's max delivery attempts were refused.

Deliverers claim a row with a short lease before posting it, so the inline
delivery of a collector and the relay process do not post the same row at
the same time (a duplicate would be harmless, the store being idempotent,
but it is needless).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    row_id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    subscription TEXT NOT NULL,
    data BLOB NOT NULL,
    attributes TEXT NOT NULL,
    publish_time TEXT NOT NULL,
    answered_attempts INTEGER NOT NULL DEFAULT 0,
    tries INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    lease_until REAL NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    dead INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (dead, next_attempt_at);
"""
LEASE_SECONDS = 30.0


@dataclass(frozen=True)
class Delivery:
    row_id: int
    message_id: str
    subscription: str
    data: bytes
    attributes: dict[str, str]
    publish_time: str
    answered_attempts: int
    tries: int
    last_error: str


class Outbox:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connection().executescript(_SCHEMA)

    def add(
        self,
        message_id: str,
        subscriptions: list[str],
        data: bytes,
        attributes: Mapping[str, str],
        publish_time: str,
    ) -> None:
        rows = [
            (message_id, name, data, json.dumps(dict(attributes)), publish_time)
            for name in subscriptions
        ]
        with self._transaction() as connection:
            connection.executemany(
                "INSERT INTO deliveries "
                "(message_id, subscription, data, attributes, publish_time) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def claim_due(
        self, limit: int = 100, message_id: str | None = None
    ) -> list[Delivery]:
        """Lease due rows to this deliverer; other deliverers skip them."""
        now = time.time()
        condition = "dead = 0 AND next_attempt_at <= ? AND lease_until <= ?"
        params: list[object] = [now, now]
        if message_id is not None:
            condition += " AND message_id = ?"
            params.append(message_id)

        with self._transaction() as connection:
            rows = connection.execute(
                f"SELECT * FROM deliveries WHERE {condition} ORDER BY row_id LIMIT ?",
                (*params, limit),
            ).fetchall()
            connection.executemany(
                "UPDATE deliveries SET lease_until = ? WHERE row_id = ?",
                [(now + LEASE_SECONDS, row["row_id"]) for row in rows],
            )
        return [_delivery(row) for row in rows]

    def acknowledge(self, row_id: int) -> None:
        with self._transaction() as connection:
            connection.execute("DELETE FROM deliveries WHERE row_id = ?", (row_id,))

    def retry_later(
        self, row_id: int, delay: float, error: str, *, answered: bool
    ) -> None:
        with self._transaction() as connection:
            connection.execute(
                "UPDATE deliveries SET tries = tries + 1, "
                "answered_attempts = answered_attempts + ?, next_attempt_at = ?, "
                "lease_until = 0, last_error = ? WHERE row_id = ?",
                (int(answered), time.time() + delay, error, row_id),
            )

    def park(self, row_id: int, error: str) -> None:
        with self._transaction() as connection:
            connection.execute(
                "UPDATE deliveries SET dead = 1, tries = tries + 1, "
                "answered_attempts = answered_attempts + 1, lease_until = 0, "
                "last_error = ? WHERE row_id = ?",
                (error, row_id),
            )

    def requeue_dead(self) -> int:
        with self._transaction() as connection:
            cursor = connection.execute(
                "UPDATE deliveries SET dead = 0, answered_attempts = 0, tries = 0, "
                "next_attempt_at = 0 WHERE dead = 1"
            )
        return cursor.rowcount

    def pending(self) -> list[Delivery]:
        return self._select("dead = 0")

    def dead(self) -> list[Delivery]:
        return self._select("dead = 1")

    def next_due_in(self) -> float | None:
        """Seconds until the earliest pending row is due (None: nothing pending)."""
        row = (
            self._connection()
            .execute(
                "SELECT MIN(MAX(next_attempt_at, lease_until)) FROM deliveries "
                "WHERE dead = 0"
            )
            .fetchone()
        )
        if row[0] is None:
            return None
        return max(0.0, row[0] - time.time())

    def _select(self, condition: str) -> list[Delivery]:
        rows = (
            self._connection()
            .execute(f"SELECT * FROM deliveries WHERE {condition} ORDER BY row_id")
            .fetchall()
        )
        return [_delivery(row) for row in rows]

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            self._local.connection = connection
        return connection


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(
        row_id=row["row_id"],
        message_id=row["message_id"],
        subscription=row["subscription"],
        data=bytes(row["data"]),
        attributes=json.loads(row["attributes"]),
        publish_time=row["publish_time"],
        answered_attempts=row["answered_attempts"],
        tries=row["tries"],
        last_error=row["last_error"],
    )
