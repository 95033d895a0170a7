"""Verification of the OIDC tokens Pub/Sub push subscriptions attach.

With RECS_PUSH_AUDIENCE set, a push request must carry
``Authorization: Bearer <token>`` signed by Google for that audience (401
otherwise) and issued to one of RECS_PUSH_SERVICE_ACCOUNTS (403 otherwise).
"""

from __future__ import annotations

import logging

import google.auth.exceptions
import google.auth.transport.requests
import requests
from google.oauth2 import id_token

from recs_shared.settings import DashboardApiSettings

log = logging.getLogger(__name__)

GOOGLE_ISSUERS = ("accounts.google.com", "https://accounts.google.com")


class PushAuthError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class PushAuthenticator:
    def __init__(self, settings: DashboardApiSettings) -> None:
        self.audience = settings.push_audience
        self.allowed = set(settings.push_service_accounts)
        self.certs_url = settings.push_certs_url
        # A session reused across requests keeps the fetched certificates'
        # connection warm; google-auth caches nothing itself.
        self.request = google.auth.transport.requests.Request(requests.Session())

    @property
    def enabled(self) -> bool:
        return bool(self.audience)

    def verify(self, authorization: str | None) -> str:
        """The verified service account email; PushAuthError otherwise."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise PushAuthError("missing bearer token", 401)

        try:
            claims = id_token.verify_token(
                token, self.request, audience=self.audience, certs_url=self.certs_url
            )
        except (ValueError, google.auth.exceptions.GoogleAuthError) as error:
            raise PushAuthError(f"invalid token: {error}", 401) from None

        if claims.get("iss") not in GOOGLE_ISSUERS:
            raise PushAuthError(
                f"token issuer {claims.get('iss')!r} is not Google", 401
            )
        email = claims.get("email", "")
        if not claims.get("email_verified") or email not in self.allowed:
            raise PushAuthError(f"{email or 'this identity'} may not push here", 403)
        return email
