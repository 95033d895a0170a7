"""The Google clients of the clean-up jobs, pointed where the settings say.

In production they use the service's own identity (Application Default
Credentials). With an API endpoint set (a local Cloud Storage emulator, or
the recorded answers of the tests) they send no credentials at all.
"""

from __future__ import annotations

from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import aiplatform_v1, storage

from recs_shared.settings import HousekeepingSettings


class Unavailable(RuntimeError):
    """The job cannot run in this profile; the message says what to set."""


def storage_client(config: HousekeepingSettings) -> storage.Client:
    if config.storage_api_endpoint:
        return storage.Client(
            project=config.gcp_project,
            credentials=AnonymousCredentials(),
            client_options=ClientOptions(api_endpoint=config.storage_api_endpoint),
        )
    if config.profile != "production":
        raise Unavailable(
            "the artifact clean-up needs Cloud Storage: outside production, set "
            "RECS_STORAGE_API_ENDPOINT to a Cloud Storage emulator "
            "(infra/README.md, 'Housekeeping jobs locally')"
        )
    return storage.Client(project=config.gcp_project)


def vertex_location(config: HousekeepingSettings) -> str:
    return config.vertex_location or config.region


def model_client(config: HousekeepingSettings) -> aiplatform_v1.ModelServiceClient:
    if config.vertex_api_endpoint:
        return aiplatform_v1.ModelServiceClient(
            transport="rest",
            credentials=AnonymousCredentials(),
            client_options=ClientOptions(api_endpoint=config.vertex_api_endpoint),
        )
    if config.profile != "production":
        raise Unavailable(
            "the orphan-model clean-up needs the Vertex AI API, which has no "
            "emulator: it runs in production only (or against "
            "RECS_VERTEX_API_ENDPOINT)"
        )
    endpoint = f"{vertex_location(config)}-aiplatform.googleapis.com"
    return aiplatform_v1.ModelServiceClient(
        transport="rest", client_options=ClientOptions(api_endpoint=endpoint)
    )
