"""Production's check of Identity-Aware Proxy's signed header, with
assertions signed by a test ES256 key whose public key is served on loopback
in the format of IAP's key endpoint (PEM by key id)."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, jsonify
from google.auth import jwt
from google.auth.crypt import es

from tests.support import web
from tests.support.servers import LoopbackServer, free_port

AUDIENCE = "/projects/123456/global/backendServices/987654"
USER = "alice@example.com"


@pytest.fixture(scope="module")
def signer_and_certs():
    key = ec.generate_private_key(ec.SECP256R1())
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    keys = Flask("iap_keys")
    keys.get("/public_key")(lambda: jsonify({"test-iap": public_pem.decode()}))
    with LoopbackServer(keys) as server:
        signer = es.EsSigner.from_string(private_pem, key_id="test-iap")
        yield signer, f"{server.url}/public_key"


def assertion(signer, **claims) -> str:
    now = int(time.time())
    payload = {
        "iss": "https://cloud.google.com/iap",
        "aud": AUDIENCE,
        "email": USER,
        "sub": "accounts.google.com:1234",
        "iat": now,
        "exp": now + 600,
        **claims,
    }
    return jwt.encode(signer, payload).decode()


@pytest.fixture
def client(signer_and_certs, tmp_path):
    _, certs_url = signer_and_certs
    closed_api = f"http://127.0.0.1:{free_port()}"
    app = web.web_app(
        closed_api,
        tmp_path / "data",
        RECS_PROFILE="production",
        RECS_REGION="europe-central2",
        RECS_IAP_AUDIENCE=AUDIENCE,
        RECS_IAP_CERTS_URL=certs_url,
    )
    return app.test_client()


def test_a_valid_assertion_names_the_user_in_the_header(client, signer_and_certs):
    signer, _ = signer_and_certs

    page = client.get("/", headers={"X-Goog-IAP-JWT-Assertion": assertion(signer)})

    assert page.status_code == 200
    assert f'id="userIdentity">{USER}<' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "/projects/123456/global/backendServices/other"},
        {"iss": "https://accounts.google.com"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000},
        {"email": ""},
    ],
    ids=["other audience", "not IAP", "expired", "no user"],
)
def test_an_invalid_assertion_is_refused(client, signer_and_certs, claims):
    signer, _ = signer_and_certs

    page = client.get(
        "/", headers={"X-Goog-IAP-JWT-Assertion": assertion(signer, **claims)}
    )

    assert page.status_code == 401


def test_the_plain_email_header_alone_is_not_enough(client):
    forged = {"X-Goog-Authenticated-User-Email": f"accounts.google.com:{USER}"}

    assert client.get("/", headers=forged).status_code == 401
    assert client.get("/api/system/kpis/", headers=forged).status_code == 401


def test_an_assertion_signed_by_another_key_is_refused(client):
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    forger = es.EsSigner.from_string(other, key_id="test-iap")

    page = client.get("/", headers={"X-Goog-IAP-JWT-Assertion": assertion(forger)})

    assert page.status_code == 401


@pytest.fixture
def iam_client(tmp_path):
    app = web.web_app(
        f"http://127.0.0.1:{free_port()}",
        tmp_path / "data",
        RECS_PROFILE="production",
        RECS_REGION="europe-central2",
        RECS_WEB_ACCESS="cloud-run-iam",
    )
    return app.test_client()


def test_with_cloud_run_iam_the_user_comes_from_the_id_token(
    iam_client, signer_and_certs
):
    signer, _ = signer_and_certs
    # Cloud Run checked this token before forwarding it; any signer will do.
    token = assertion(signer, iss="https://accounts.google.com", aud="https://web")

    page = iam_client.get("/", headers={"Authorization": f"Bearer {token}"})

    assert page.status_code == 200
    assert f'id="userIdentity">{USER}<' in page.get_data(as_text=True)


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer not.a.jwt"])
def test_with_cloud_run_iam_a_request_without_a_readable_token_is_refused(
    iam_client, authorization
):
    headers = {"Authorization": authorization} if authorization else {}

    assert iam_client.get("/", headers=headers).status_code == 401
