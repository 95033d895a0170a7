"""The four client-facing cost categories and the platform's model types.

``CATEGORY_MAP`` is the spec's classification of Google Cloud services (by
the billing export's ``service.description``); ``classify`` adds the two
rules a service name alone cannot decide:

- Vertex AI is Training, split into a GPU and a CPU line by SKU description;
- Cloud Run is Inference when the row's resource is the Cloud Run service of
  a deployed endpoint of the platform, System otherwise (the app itself).

A service the map does not know is System; the caller logs it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple

DATA = "Data"
TRAINING = "Training"
INFERENCE = "Inference"
SYSTEM = "System"
CATEGORIES = (DATA, TRAINING, INFERENCE, SYSTEM)

MODEL_TYPES = ("retrieval", "ranking", "multitask", "unknown")

VERTEX_AI = "Vertex AI"
CLOUD_RUN = "Cloud Run"
VERTEX_AI_GPU = "Vertex AI (GPU)"
VERTEX_AI_CPU = "Vertex AI (CPU)"

CATEGORY_MAP: dict[str, str] = {
    "BigQuery": DATA,
    "BigQuery Storage API": DATA,
    "BigQuery Reservation API": DATA,
    "Cloud SQL": DATA,
    "Cloud Dataflow": DATA,
    "Cloud Storage": DATA,
    VERTEX_AI: TRAINING,
    CLOUD_RUN: SYSTEM,
    "Cloud Scheduler": SYSTEM,
    "Secret Manager": SYSTEM,
    "Artifact Registry": SYSTEM,
    "Cloud Build": SYSTEM,
    "Cloud Logging": SYSTEM,
    "Cloud Monitoring": SYSTEM,
    "Cloud Pub/Sub": SYSTEM,
    "Cloud Firestore": SYSTEM,
    "Networking": SYSTEM,
}

# Services whose rows the billing query keeps apart by resource name (to find
# the serving endpoints) or by SKU description (to find GPUs).
RESOURCE_SERVICES = (CLOUD_RUN,)
SKU_SERVICES = (VERTEX_AI,)

# Vertex AI accelerator SKUs read "... Nvidia Tesla T4 GPU running in ...",
# "... NVIDIA A100 80GB GPU ..." or "... TPU v5e ...".
_ACCELERATOR = re.compile(r"\b(gpu|tpu)\b|nvidia", re.IGNORECASE)


class Classified(NamedTuple):
    category: str
    service: str
    known: bool


def is_accelerator_sku(sku_description: str | None) -> bool:
    return bool(sku_description and _ACCELERATOR.search(sku_description))


def serves_endpoint(
    resource_name: str | None, endpoint_services: Collection[str]
) -> bool:
    """True when the Cloud Run resource is one of the endpoints' services.

    The detailed export names a Cloud Run resource by its service name; a
    full resource path (``.../services/NAME``) is accepted too. Known
    shortcoming: Cloud Run *jobs* and revisions are matched by that last
    segment only, so a job named like a serving service would count as
    Inference.
    """
    if not resource_name:
        return False
    name = resource_name.rstrip("/").rsplit("/services/", 1)[-1]
    return name in endpoint_services


def classify(
    service: str,
    *,
    sku_description: str | None = None,
    resource_name: str | None = None,
    endpoint_services: Collection[str] = (),
) -> Classified:
    """The category and invoice service name of one export service."""
    if service == VERTEX_AI:
        split = VERTEX_AI_GPU if is_accelerator_sku(sku_description) else VERTEX_AI_CPU
        return Classified(TRAINING, split, True)

    if service == CLOUD_RUN and serves_endpoint(resource_name, endpoint_services):
        return Classified(INFERENCE, CLOUD_RUN, True)

    category = CATEGORY_MAP.get(service)
    if category is None:
        return Classified(SYSTEM, service, False)
    return Classified(category, service, True)
