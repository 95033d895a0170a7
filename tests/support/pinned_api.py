"""A test client of dashboard-api whose clock says a given instant, and a clock
a test can move."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from dashboard_api.app import create_app


def client(settings, store, now: datetime | Callable[[], datetime]):
    """``now`` is an instant, or a clock (such as ``Clock``) the test moves."""
    app = create_app(settings, store)
    app.extensions["clock"] = now if callable(now) else lambda: now
    return app.test_client()


class Clock:
    """An app clock that says ``now`` until the test sets another."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
