"""Who is looking at the page.

In production, web sits behind Identity-Aware Proxy, which signs the user in
and passes their identity in ``X-Goog-Authenticated-User-Email``
(``accounts.google.com:alice@example.com``) and, signed, in
``X-Goog-IAP-JWT-Assertion``. With RECS_IAP_AUDIENCE set, the signed
assertion is verified and names the user; without it, the plain header is
trusted (web logs a warning at start) and its absence alone is refused. A
request that did not come through the proxy is refused with 401.

With RECS_WEB_ACCESS=cloud-run-iam there is no proxy: Cloud Run itself
refuses every request without a valid Google ID token of an invoker (the
service is deployed with --no-allow-unauthenticated) and passes the token on
in ``Authorization``, so the page reads the user's email from it without
verifying it again.

Outside production there is no proxy: a development identity
(RECS_DEV_IDENTITY) is used, and the header's tooltip says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, g, jsonify, render_template, request
from google.auth import exceptions, jwt

from web_app.iap import ASSERTION_HEADER, IapError, IapVerifier

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
    if config.profile != "production":
        development_user = User(config.dev_identity, development=True)
        app.before_request(lambda: setattr(g, "user", development_user))
        return

    if config.access == "cloud-run-iam":
        _install(app, _user_of_bearer_token)
        return

    verifier = None
    if config.iap_audience:
        verifier = IapVerifier(config.iap_audience, config.iap_certs_url)
    else:
        log.warning(
            "RECS_IAP_AUDIENCE is not set: the page trusts the %s header without "
            "verifying IAP's signed %s; keep web's ingress restricted to the "
            "load balancer",
            IAP_EMAIL_HEADER,
            ASSERTION_HEADER,
        )

    _install(app, lambda: _user_of_request(verifier))


def _install(app: Flask, identify) -> None:
    @app.before_request
    def _identify():
        g.user = None
        if request.path in OPEN_PATHS:
            return None

        try:
            g.user = identify()
        except IapError as error:
            log.warning(
                "refused %s %s: %s (the request did not come through "
                "Identity-Aware Proxy)",
                request.method,
                request.path,
                error,
            )
            return _refusal()
        return None


def _user_of_request(verifier: IapVerifier | None) -> User:
    if verifier is not None:
        return User(verifier.email(request.headers.get(ASSERTION_HEADER)))

    user = from_iap_header(request.headers.get(IAP_EMAIL_HEADER))
    if user is None:
        raise IapError(f"no {IAP_EMAIL_HEADER} header")
    return user


def _user_of_bearer_token() -> User:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise IapError("no bearer token (Cloud Run IAM should have refused this)")
    try:
        # Cloud Run verified the signature and audience before forwarding.
        claims = jwt.decode(token, verify=False)
    except (ValueError, exceptions.GoogleAuthError) as error:
        raise IapError(f"unreadable bearer token: {error}") from None
    if not claims.get("email"):
        raise IapError("the bearer token names no email")
    return User(claims["email"])


def _refusal():
    message = (
        "Sign-in required: this page is only served through Identity-Aware Proxy "
        "or to callers Cloud Run IAM admits."
    )
    if request.path.startswith("/api/"):
        return jsonify(success=False, error=message), 401
    page = render_template("error.html", title="Sign-in required", message=message)
    return page, 401
