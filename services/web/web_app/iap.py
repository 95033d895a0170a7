"""Verification of Identity-Aware Proxy's signed header.

IAP signs every request it lets through with an ES256 JWT in
``X-Goog-IAP-JWT-Assertion``; its audience names the backend service, its
``email`` claim the user. Verifying it proves the request came through the
proxy, even if web's ingress were opened by mistake. IAP's public keys are
fetched from RECS_IAP_CERTS_URL and kept for an hour (they rotate rarely).
"""

from __future__ import annotations

import threading
import time

import requests
from google.auth import exceptions, jwt

ASSERTION_HEADER = "X-Goog-IAP-JWT-Assertion"
ISSUER = "https://cloud.google.com/iap"
CERTS_TTL_SECONDS = 3600
CERTS_TIMEOUT_SECONDS = 5


class IapError(Exception):
    """The request carries no valid IAP assertion; the message says why."""


class IapVerifier:
    def __init__(self, audience: str, certs_url: str) -> None:
        self.audience = audience
        self.certs_url = certs_url
        self._certs: dict[str, str] = {}
        self._fetched = 0.0
        self._lock = threading.Lock()
        self._session = requests.Session()

    def email(self, assertion: str | None) -> str:
        """The verified user's email; IapError when the assertion is not valid."""
        if not assertion:
            raise IapError(f"no {ASSERTION_HEADER} header")

        try:
            claims = jwt.decode(assertion, certs=self._keys(), audience=self.audience)
        except (ValueError, exceptions.GoogleAuthError) as error:
            raise IapError(f"invalid IAP assertion: {error}") from None

        if claims.get("iss") != ISSUER:
            raise IapError(f"assertion issuer {claims.get('iss')!r} is not IAP")
        if not claims.get("email"):
            raise IapError("the IAP assertion names no user")
        return claims["email"]

    def _keys(self) -> dict[str, str]:
        with self._lock:
            if time.monotonic() - self._fetched > CERTS_TTL_SECONDS or not self._certs:
                try:
                    response = self._session.get(
                        self.certs_url, timeout=CERTS_TIMEOUT_SECONDS
                    )
                    response.raise_for_status()
                    self._certs = response.json()
                except (requests.RequestException, ValueError) as error:
                    raise IapError(f"IAP keys unavailable: {error}") from None
                self._fetched = time.monotonic()
            return self._certs
