"""A test client of dashboard-api whose clock says a given instant."""

from __future__ import annotations

from datetime import datetime

from dashboard_api.app import create_app


def client(settings, store, now: datetime):
    app = create_app(settings, store)
    app.extensions["clock"] = lambda: now
    return app.test_client()
