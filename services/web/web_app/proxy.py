"""Forwarding of the page's /api calls to dashboard-api, server to server.

The browser only ever talks to web. Only the client endpoints are
forwarded; admin and push endpoints of dashboard-api are not reachable
through here. On Cloud Run, dashboard-api requires IAM, so each forwarded
request carries a Google identity token for its URL (fetched with
google-auth and reused until shortly before it expires).
"""

from __future__ import annotations

import logging
import re
import threading
import time

import google.auth.transport.requests
from flask import Blueprint, Response, jsonify, request
from google.oauth2 import id_token

from web_app import api_client

log = logging.getLogger(__name__)
blueprint = Blueprint("proxy", __name__)

# (method, path pattern) pairs the page may call.
FORWARDED = [
    ("GET", re.compile(r"/api/system/(kpis|resource-charts|charts|recent-activity)/")),
    ("GET", re.compile(r"/api/system/projects/([A-Za-z0-9_-]+/)?")),
    ("POST", re.compile(r"/api/system/projects/")),
    ("GET", re.compile(r"/api/system/billing/(summary|charts|invoice)/")),
]
PASSED_HEADERS = ("Content-Type", "Accept", "X-Cloud-Trace-Context", "traceparent")
TOKEN_MARGIN_SECONDS = 300


class IdentityTokens:
    """Identity tokens for one audience, fetched when missing or near expiry."""

    def __init__(self, audience: str) -> None:
        self.audience = audience
        self._token = ""
        self._expires = 0.0
        self._lock = threading.Lock()

    def get(self) -> str:
        with self._lock:
            if time.time() > self._expires - TOKEN_MARGIN_SECONDS:
                auth_request = google.auth.transport.requests.Request()
                self._token = id_token.fetch_id_token(auth_request, self.audience)
                claims = id_token.verify_oauth2_token(
                    self._token, auth_request, audience=self.audience
                )
                self._expires = float(claims["exp"])
            return self._token


def is_forwarded(method: str, path: str) -> bool:
    return any(m == method and p.fullmatch(path) for m, p in FORWARDED)


def is_cross_site_write() -> bool:
    """A POST that another site's page made the browser send (CSRF).

    Browsers label every request with Sec-Fetch-Site; older ones at least send
    Origin on a POST. The page itself always posts JSON from its own origin.
    """
    if request.method != "POST":
        return False
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin is not None and origin.rstrip("/") != request.host_url.rstrip("/")


@blueprint.route("/api/<path:rest>", methods=["GET", "POST"])
def forward(rest: str):
    path = request.path
    # HEAD is a GET without the body (Flask drops it from the answer).
    method = "GET" if request.method == "HEAD" else request.method
    if not is_forwarded(method, path):
        message = f"{request.method} {path} is not an API of this page"
        return jsonify(success=False, error=message), 404

    if is_cross_site_write():
        message = "cross-site requests may not change anything here"
        return jsonify(success=False, error=message), 403

    headers = {k: v for k, v in request.headers.items() if k in PASSED_HEADERS}
    try:
        upstream = api_client.send(
            method,
            path,
            params=request.args,
            data=request.get_data(),
            headers=headers,
        )
    except api_client.ApiUnavailable as error:
        log.error("dashboard-api unreachable: %s", error)
        return jsonify(success=False, error="dashboard-api is unreachable"), 502

    return Response(
        upstream.content,
        status=upstream.status_code,
        content_type=upstream.headers.get("Content-Type", "application/json"),
    )
