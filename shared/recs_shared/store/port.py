"""The document store port: what dashboard-api and the seeders need of a store.

Two adapters implement it, Firestore (production, emulators) and SQLite
(local), and one contract test suite runs against both. Documents are JSON
objects; ``to_storable`` turns Decimal, date and datetime into strings so both
adapters store and return the same thing (Firestore's client refuses Decimal
and date outright).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

from recs_shared.money import decimal_string

OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in")

Filter = tuple[str, str, Any]
Order = tuple[str, str]  # (field, "asc" | "desc")
Change = Callable[[dict[str, Any] | None], dict[str, Any] | None]


class StoreUnavailable(RuntimeError):
    """The store cannot be reached now; the caller should retry later."""


@dataclass(frozen=True)
class Doc:
    id: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Mutation:
    written: bool
    data: dict[str, Any] | None


class DocumentStore(Protocol):
    def get(self, collection: str, doc_id: str) -> dict[str, Any] | None: ...

    def get_many(
        self, collection: str, doc_ids: Sequence[str]
    ) -> dict[str, dict[str, Any]]: ...

    def put(self, collection: str, doc_id: str, data: Mapping[str, Any]) -> None: ...

    def create(self, collection: str, doc_id: str, data: Mapping[str, Any]) -> bool:
        """Write only if absent; False when the document already exists."""
        ...

    def delete(self, collection: str, doc_id: str) -> bool: ...

    def mutate(self, collection: str, doc_id: str, change: Change) -> Mutation:
        """Read-modify-write with optimistic concurrency.

        ``change`` gets the current document (None when absent) and returns
        the new one, or None to leave it as it is. It may run more than once
        when writers contend, so it must not have side effects.
        """
        ...

    def query(
        self,
        collection: str,
        where: Sequence[Filter] = (),
        order_by: Sequence[Order] = (),
        limit: int | None = None,
    ) -> list[Doc]: ...

    def count(self, collection: str, where: Sequence[Filter] = ()) -> int: ...

    def ping(self) -> None:
        """Raise StoreUnavailable when the store cannot answer."""
        ...

    def version(self) -> int | None:
        """A number that changes whenever any writer, in any process, commits
        a change to the store; None where the store has no cheap way to tell.

        Readers may keep what they computed from the store for as long as it
        stays the same (dashboard_api.kept_answers). A wrapper that changes
        what reads return without committing anything must answer None.
        """
        ...


def to_storable(value: Any, path: str = "") -> Any:
    """A JSON-compatible copy: Decimal, date and datetime become strings."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return decimal_string(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError(f"{path or 'value'}: naive datetime; dates are UTC")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {
            str(k): to_storable(v, f"{path}.{k}".lstrip(".")) for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [to_storable(v, f"{path}[{i}]") for i, v in enumerate(value)]
    raise TypeError(f"{path or 'value'}: cannot store {type(value).__name__}")


def check_query(where: Sequence[Filter], order_by: Sequence[Order]) -> None:
    for field, op, _ in where:
        if op not in OPERATORS:
            raise ValueError(f"unsupported operator {op!r} on {field}")
    for field, direction in order_by:
        if direction not in ("asc", "desc"):
            raise ValueError(f"order of {field} must be 'asc' or 'desc'")


def keep_latest(
    store: DocumentStore,
    collection: str,
    doc_id: str,
    data: Mapping[str, Any],
    version_field: str,
) -> Mutation:
    """Store ``data`` unless the stored document's version is as new or newer.

    Versions are RFC 3339 timestamps (``collected_at``). This makes delivery
    order and duplicates irrelevant: any sequence of deliveries leaves the
    newest version stored, written once.
    """
    new = to_storable(data)
    version = datetime.fromisoformat(new[version_field])

    def change(current: dict[str, Any] | None) -> dict[str, Any] | None:
        if current is not None and _version(current, version_field) >= version:
            return None
        return new

    return store.mutate(collection, doc_id, change)


def _version(document: Mapping[str, Any], version_field: str) -> datetime:
    stored = document.get(version_field)
    if not stored:
        return datetime.min.replace(tzinfo=UTC)
    return datetime.fromisoformat(stored)
