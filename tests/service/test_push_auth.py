"""OIDC verification of push requests, with tokens signed by a test key.

The Pub/Sub emulator sends no Authorization header, so these tokens are made
here: an RSA key and a self-signed certificate generated per test session,
served on loopback in the format of Google's v1 certs endpoint.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from flask import Flask, jsonify
from google.auth import crypt, jwt

from dashboard_api.app import create_app
from dashboard_api.snapshots import BILLING_COLLECTION
from recs_shared import settings
from tests.support import events
from tests.support.push import envelope_for
from tests.support.servers import LoopbackServer

AUDIENCE = "https://dashboard-api.example.run.app/push/billing"
PUSHER = "pubsub-push@demo.iam.gserviceaccount.com"


def _key_and_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test signer")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def signer_and_certs():
    key_pem, certificate_pem = _key_and_certificate()
    certs = Flask("certs")
    certs.get("/certs")(lambda: jsonify({"test-key": certificate_pem}))
    with LoopbackServer(certs) as server:
        yield crypt.RSASigner.from_string(key_pem, key_id="test-key"), server.url


def token(signer, **claims) -> str:
    now = int(time.time())
    payload = {
        "iss": "https://accounts.google.com",
        "aud": AUDIENCE,
        "email": PUSHER,
        "email_verified": True,
        "iat": now,
        "exp": now + 600,
        "sub": "1234",
        **claims,
    }
    return jwt.encode(signer, payload).decode()


@pytest.fixture
def client(signer_and_certs, sqlite_store, tmp_path):
    _, certs_url = signer_and_certs
    config = settings.load(
        settings.DashboardApiSettings,
        {
            "RECS_DATA_DIR": str(tmp_path),
            "RECS_PUSH_AUDIENCE": AUDIENCE,
            "RECS_PUSH_SERVICE_ACCOUNTS": f"other@demo.iam.gserviceaccount.com,"
            f"{PUSHER}",
            "RECS_PUSH_CERTS_URL": f"{certs_url}/certs",
        },
    )
    return create_app(config, sqlite_store).test_client()


def push(client, authorization: str | None):
    headers = {"Authorization": authorization} if authorization else {}
    return client.post(
        "/push/billing", json=envelope_for(events.billing()), headers=headers
    )


def test_a_token_for_the_audience_from_an_allowed_account_is_accepted(
    client, signer_and_certs, sqlite_store
):
    signer, _ = signer_and_certs

    response = push(client, f"Bearer {token(signer)}")

    assert response.status_code == 204
    assert sqlite_store.count(BILLING_COLLECTION) == 1


@pytest.mark.parametrize(
    ("claims", "status", "fault"),
    [
        ({"aud": "https://elsewhere.example"}, 401, "invalid token"),
        (
            {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
            401,
            "invalid token",
        ),
        ({"iss": "https://evil.example"}, 401, "is not Google"),
        ({"email": "intruder@demo.iam.gserviceaccount.com"}, 403, "may not push here"),
        ({"email_verified": False}, 403, "may not push here"),
    ],
)
def test_a_token_that_does_not_fit_is_refused(
    client, signer_and_certs, sqlite_store, claims, status, fault
):
    signer, _ = signer_and_certs

    response = push(client, f"Bearer {token(signer, **claims)}")

    assert response.status_code == status
    assert fault in response.json["error"]
    assert sqlite_store.count(BILLING_COLLECTION) == 0


@pytest.mark.parametrize("authorization", [None, "Basic abc", "Bearer", "Bearer x.y.z"])
def test_a_missing_or_malformed_token_is_refused_401(
    client, sqlite_store, authorization
):
    response = push(client, authorization)

    assert response.status_code == 401
    assert sqlite_store.count(BILLING_COLLECTION) == 0


def test_a_token_signed_by_another_key_is_refused(client, sqlite_store):
    other_key, _ = _key_and_certificate()
    forger = crypt.RSASigner.from_string(other_key, key_id="test-key")

    response = push(client, f"Bearer {token(forger)}")

    assert response.status_code == 401
    assert sqlite_store.count(BILLING_COLLECTION) == 0
