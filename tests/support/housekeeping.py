"""Fixtures of the housekeeping tests: a Cloud Storage emulator, artifacts.

The emulator is gcp-storage-emulator (PyPI, pinned in requirements-dev.txt),
run in-process on a free loopback port with in-memory storage, and reached
by the real google-cloud-storage client through client_options api_endpoint.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

from devtools.ports import free_port
from recs_shared.platform import REGISTERED_MODELS

PROJECT = "b2b-recs"
BUCKET = "b2b-recs-training-artifacts"


@pytest.fixture(scope="session")
def storage_emulator() -> Iterator[str]:
    from gcp_storage_emulator.server import create_server

    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(storage_emulator) -> Iterator[storage.Bucket]:
    client = storage.Client(
        project=PROJECT,
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=storage_emulator),
    )
    created = client.create_bucket(BUCKET)
    yield created
    for blob in client.list_blobs(BUCKET):
        blob.delete()
    created.delete()


def upload(bucket: storage.Bucket, objects: dict[str, bytes]) -> datetime:
    """Upload the objects; return an instant after all of them were created.

    Objects cannot be back-dated (Cloud Storage sets timeCreated itself), so
    the tests make "old" and "new" objects in successive generations and put
    the clean-up's clock a chosen number of days after a boundary between two.
    """
    for name, content in objects.items():
        bucket.blob(name).upload_from_string(content)
    time.sleep(0.01)
    boundary = datetime.now(UTC)
    time.sleep(0.01)
    return boundary


def names(bucket: storage.Bucket) -> set[str]:
    return {blob.name for blob in bucket.client.list_blobs(bucket.name)}


def register_model(store, model_id: str, artifact_uri=None, vertex_model=None):
    store.put(
        REGISTERED_MODELS,
        model_id,
        {
            "project_id": "p-shop",
            "name": model_id,
            "model_type": "retrieval",
            "artifact_uri": artifact_uri,
            "vertex_model": vertex_model,
            "created_at": "2026-11-02T09:20:00+00:00",
        },
    )
