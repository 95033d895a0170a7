"""The document store on Firestore (production, and the emulators profile).

``mutate`` is a compare-and-set on the document's update time rather than a
transaction: transactions that contend on one document back off for seconds,
while a precondition fails at once and the loop simply reads again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from google.api_core import exceptions as api_exceptions
from google.api_core.retry import Retry
from google.cloud import firestore
from google.cloud.firestore_v1 import field_path
from google.cloud.firestore_v1.base_query import FieldFilter

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

_UNAVAILABLE = (
    api_exceptions.ServiceUnavailable,
    api_exceptions.DeadlineExceeded,
    api_exceptions.InternalServerError,
    api_exceptions.RetryError,
)
_CONTENDED = (api_exceptions.FailedPrecondition, api_exceptions.AlreadyExists)
_DIRECTIONS = {"asc": firestore.Query.ASCENDING, "desc": firestore.Query.DESCENDING}
_MAX_ATTEMPTS = 50
_TIMEOUT_SECONDS = 10.0


class FirestoreStore:
    def __init__(
        self,
        project: str,
        database: str = "(default)",
        prefix: str = "",
        client: firestore.Client | None = None,
    ) -> None:
        self.client = client or firestore.Client(project=project, database=database)
        self.prefix = prefix
        self.retry = Retry(deadline=_TIMEOUT_SECONDS)

    def get(self, collection: str, doc_id: str) -> dict[str, Any] | None:
        with _errors():
            snapshot = self._ref(collection, doc_id).get(**self._call())
        return snapshot.to_dict() if snapshot.exists else None

    def get_many(
        self, collection: str, doc_ids: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        refs = [self._ref(collection, doc_id) for doc_id in dict.fromkeys(doc_ids)]
        if not refs:
            return {}
        with _errors():
            snapshots = list(self.client.get_all(refs, **self._call()))
        return {s.id: s.to_dict() for s in snapshots if s.exists}

    def put(self, collection: str, doc_id: str, data: Mapping[str, Any]) -> None:
        with _errors():
            self._ref(collection, doc_id).set(to_storable(data), **self._call())

    def create(self, collection: str, doc_id: str, data: Mapping[str, Any]) -> bool:
        try:
            with _errors():
                self._ref(collection, doc_id).create(to_storable(data), **self._call())
        except api_exceptions.AlreadyExists:
            return False
        return True

    def delete(self, collection: str, doc_id: str) -> bool:
        option = self.client.write_option(exists=True)
        try:
            with _errors():
                self._ref(collection, doc_id).delete(option=option, **self._call())
        except api_exceptions.NotFound:
            return False
        return True

    def mutate(self, collection: str, doc_id: str, change: Change) -> Mutation:
        ref = self._ref(collection, doc_id)

        for _ in range(_MAX_ATTEMPTS):
            with _errors():
                snapshot = ref.get(**self._call())
            current = snapshot.to_dict() if snapshot.exists else None
            new = change(current)
            if new is None:
                return Mutation(written=False, data=current)

            stored = to_storable(new)
            try:
                with _errors():
                    self._write(ref, snapshot, current, stored)
            except _CONTENDED:
                continue  # another writer got there first: read again
            return Mutation(written=True, data=stored)

        raise StoreUnavailable(
            f"{collection}/{doc_id}: still contended after {_MAX_ATTEMPTS} attempts"
        )

    def query(
        self,
        collection: str,
        where: Sequence[Filter] = (),
        order_by: Sequence[Order] = (),
        limit: int | None = None,
    ) -> list[Doc]:
        query = self._query(collection, where)
        for field, direction in order_by:
            query = query.order_by(field, direction=_DIRECTIONS[direction])
        if limit is not None:
            query = query.limit(int(limit))

        with _errors():
            return [Doc(s.id, s.to_dict()) for s in query.stream(**self._call())]

    def count(self, collection: str, where: Sequence[Filter] = ()) -> int:
        with _errors():
            results = self._query(collection, where).count().get(**self._call())
        return int(results[0][0].value)

    def ping(self) -> None:
        with _errors():
            list(
                self.client.collection(self.prefix + "_ping")
                .limit(1)
                .stream(**self._call())
            )

    def version(self) -> None:
        # Firestore has no cheap change number for a database; the platform
        # writes its collections without telling dashboard-api, and a
        # listener per collection is more than a page's reads save. So
        # nothing read from Firestore is kept (dashboard_api.kept_answers).
        return None

    def _write(self, ref, snapshot, current, stored) -> None:
        if current is None:
            ref.create(stored, **self._call())
            return

        # update() with a last-update-time precondition replaces each named
        # field whole; fields the new document drops are deleted explicitly.
        changes = {field_path.FieldPath(k).to_api_repr(): v for k, v in stored.items()}
        for dropped in set(current) - set(stored):
            changes[field_path.FieldPath(dropped).to_api_repr()] = (
                firestore.DELETE_FIELD
            )
        option = self.client.write_option(last_update_time=snapshot.update_time)
        ref.update(changes, option=option, **self._call())

    def _query(self, collection: str, where: Sequence[Filter]):
        check_query(where, ())
        query = self.client.collection(self.prefix + collection)
        for field, op, value in where:
            query = query.where(filter=FieldFilter(field, op, to_storable(value)))
        return query

    def _ref(self, collection: str, doc_id: str):
        return self.client.collection(self.prefix + collection).document(doc_id)

    def _call(self) -> dict[str, Any]:
        return {"retry": self.retry, "timeout": _TIMEOUT_SECONDS}


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except _UNAVAILABLE as error:
        raise StoreUnavailable(f"Firestore: {error}") from error
