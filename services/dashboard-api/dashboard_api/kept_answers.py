"""Each worker keeps the page's answers while the store stays the same.

Every page load asks the same GET endpoints about the same store, and
computing an answer (reading its documents, loading them through their
schemas, dumping the response) cost 3 to 10 times what serving its bytes
did (bench/read_path.py). So a view marked ``@kept`` keeps its answer,
keyed by its path and the UTC minute of the app's clock, and serves it
again while both stay the same and the store's ``version()`` has not
moved: any commit by any writer, in any process (the push endpoints, the
platform, the seeders, the day's first Your Projects answer keeping its
counts), moves it, and the next request computes afresh.

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
from collections.abc import Callable
from datetime import datetime

from flask import current_app, request

from dashboard_api import clock

EXTENSION = "kept_answers"
# Answers of one store version and minute, by path: eight of the page's
# APIs, and one per project page asked for.
MOST_KEPT = 512

Generation = tuple[int, datetime]  # the store's version, the UTC minute


class KeptAnswers:
    """Response bodies of one generation, the least recently served dropped
    first; a new generation drops them all, as none would be served again."""

    def __init__(self, most: int = MOST_KEPT) -> None:
        self.most = most
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._bodies: OrderedDict[str, bytes] = OrderedDict()

    def get(self, generation: Generation, path: str) -> bytes | None:
        with self._lock:
            if generation != self._generation:
                return None
            body = self._bodies.get(path)
            if body is not None:
                self._bodies.move_to_end(path)
            return body

    def keep(self, generation: Generation, path: str, body: bytes) -> None:
        with self._lock:
            if generation != self._generation:
                self._bodies.clear()
                self._generation = generation
            self._bodies[path] = body
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

        generation = (version, clock.now().replace(second=0, microsecond=0))
        body = answers.get(generation, request.path)
        if body is not None:
            return current_app.response_class(body, mimetype="application/json")

        response = current_app.make_response(view(**kwargs))
        if response.status_code == 200:
            answers.keep(generation, request.path, response.get_data())
        return response

    return kept_or_computed
