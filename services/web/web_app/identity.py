"""Who is looking at the page.

In production, web sits behind Identity-Aware Proxy, which signs the user in
and passes their identity in ``X-Goog-Authenticated-User-Email``
(``accounts.google.com:alice@example.com``). A request without it did not
come through the proxy, so it is refused. Outside production there is no
proxy: a development identity (RECS_DEV_IDENTITY) is used and the header
says so.

Known shortcoming: the header is trusted as it is. IAP also sends a signed
JWT (``X-Goog-IAP-JWT-Assertion``) that would prove the request came through
the proxy even if web's ingress were opened by mistake; it is not verified
yet (infra keeps web's ingress restricted to the load balancer).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, g, jsonify, render_template, request

log = logging.getLogger(__name__)

IAP_EMAIL_HEADER = "X-Goog-Authenticated-User-Email"
# Cloud Run's own probes reach the container directly, not through IAP.
OPEN_PATHS = ("/healthz",)


@dataclass(frozen=True)
class User:
    email: str
    development: bool = False


def from_iap_header(value: str | None) -> User | None:
    """The user in IAP's header, without its ``accounts.google.com:`` prefix."""
    if not value:
        return None
    _, _, email = value.strip().rpartition(":")
    return User(email) if email else None


def install(app: Flask) -> None:
    config = app.extensions["settings"]
    production = config.profile == "production"
    development_user = User(config.dev_identity, development=True)

    @app.before_request
    def _identify():
        if not production:
            g.user = development_user
            return None

        g.user = from_iap_header(request.headers.get(IAP_EMAIL_HEADER))
        if g.user is not None or request.path in OPEN_PATHS:
            return None

        log.warning(
            "refused %s %s: no %s header (the request did not come through "
            "Identity-Aware Proxy)",
            request.method,
            request.path,
            IAP_EMAIL_HEADER,
        )
        return _refusal()


def _refusal():
    message = "Sign-in required: this page is only served through Identity-Aware Proxy."
    if request.path.startswith("/api/"):
        return jsonify(success=False, error=message), 401
    page = render_template("error.html", title="Sign-in required", message=message)
    return page, 401
