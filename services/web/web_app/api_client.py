"""Calls from web to dashboard-api, server to server.

Both the /api forwarding (proxy.py) and the server-rendered parts of the page
(the Your Projects chapter, the project page) go through ``send``: one HTTP
session, the configured timeout, and on Cloud Run a Google identity token for
dashboard-api's URL.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import requests
from flask import current_app

log = logging.getLogger(__name__)


class ApiUnavailable(RuntimeError):
    """dashboard-api did not answer (down, unreachable or timed out)."""


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 and self.body.get("success") is True

    @property
    def error(self) -> str:
        return self.body.get("error") or f"dashboard-api answered {self.status}"


def send(method: str, path: str, **kwargs: Any) -> requests.Response:
    """One request to dashboard-api; raises ApiUnavailable when it cannot."""
    config = current_app.extensions["settings"]
    headers = dict(kwargs.pop("headers", {}))
    tokens = current_app.extensions.get("identity_tokens")
    if tokens is not None:
        headers["Authorization"] = f"Bearer {tokens.get()}"

    url = config.dashboard_api_url.rstrip("/") + path
    try:
        return current_app.extensions["http"].request(
            method,
            url,
            headers=headers,
            timeout=float(config.api_timeout_seconds),
            **kwargs,
        )
    except requests.RequestException as error:
        raise ApiUnavailable(f"{method} {url}: {error}") from error


def get_json(path: str) -> ApiAnswer:
    """GET a JSON API of dashboard-api; a non-JSON answer counts as an error."""
    response = send("GET", path, headers={"Accept": "application/json"})
    try:
        body = response.json()
    except ValueError:
        log.error(
            "dashboard-api answered %s to GET %s with non-JSON content",
            response.status_code,
            path,
        )
        body = {}
    if not isinstance(body, dict):
        body = {}
    return ApiAnswer(response.status_code, body)
