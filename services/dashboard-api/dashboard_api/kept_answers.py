"""Each worker keeps the page's answers while the store stays the same.

A page load asks nine GET endpoints, and every client asks the same ones
about the same store; computing an answer (reading its documents, loading
them through their schemas, dumping the response) cost 3 to 10 times what
serving its bytes did (bench/read_path.py). So a view marked ``@kept``
keeps its answer, keyed by its path and the UTC minute of the app's clock,
and serves it again while both stay the same and the store's ``version()``
has not moved: any commit by any writer, in any process (the push
endpoints, the platform, the seeders), moves it, and the next request
computes afresh.

What this changes: figures drawn from the clock, not the store (the
platform's ``collected_at``, the 24-hour ETL window, the month's elapsed
share) move once a minute rather than at every request. Nothing drawn from
the store is ever older than the store.

Known shortcoming: only the SQLite store has a cheap change number, so on
Firestore (production) every answer is computed; see
FirestoreStore.version.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, request

from dashboard_api import clock

EXTENSION = "kept_answers"
MOST_KEPT = 512  # answers of one store version; the page asks nine


class KeptAnswers:
    """Response bodies of one store version, the oldest dropped first."""

    def __init__(self, most: int = MOST_KEPT) -> None:
        self.most = most
        self._lock = threading.Lock()
        self._version: int | None = None
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()

    def get(self, version: int, key: Hashable) -> bytes | None:
        with self._lock:
            if version != self._version:
                return None
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def keep(self, version: int, key: Hashable, body: bytes) -> None:
        with self._lock:
            if version != self._version:
                # Answers of another version are never served again.
                self._bodies.clear()
                self._version = version
            self._bodies[key] = body
            if len(self._bodies) > self.most:
                self._bodies.popitem(last=False)


def install(app) -> None:
    """Keep answers for ``app`` unless its settings say to compute each one."""
    if app.extensions["settings"].keep_answers:
        app.extensions[EXTENSION] = KeptAnswers()


def kept(view: Callable) -> Callable:
    """Serve the view's last 200 answer while the store and minute are the same."""

    @functools.wraps(view)
    def kept_or_computed(**kwargs):
        answers: KeptAnswers | None = current_app.extensions.get(EXTENSION)
        if answers is None:
            return view(**kwargs)

        # Asked before computing: an answer is kept under the version it
        # started from, so one that a commit overtook while it read is kept
        # under a version no later request is asked with.
        version = current_app.extensions["store"].version()
        if version is None:
            return view(**kwargs)

        key = (request.path, clock.now().replace(second=0, microsecond=0))
        body = answers.get(version, key)
        if body is not None:
            return current_app.response_class(body, mimetype="application/json")

        response = current_app.make_response(view(**kwargs))
        if response.status_code == 200:
            answers.keep(version, key, response.get_data())
        return response

    return kept_or_computed
