"""The spec's category map, with the Vertex AI and Cloud Run rules."""

from __future__ import annotations

import pytest

from recs_shared.categories import (
    CATEGORY_MAP,
    DATA,
    INFERENCE,
    SYSTEM,
    TRAINING,
    classify,
)


@pytest.mark.parametrize(
    ("service", "category"),
    [
        ("BigQuery", DATA),
        ("Cloud SQL", DATA),
        ("Cloud Dataflow", DATA),
        ("Cloud Storage", DATA),
        ("Cloud Scheduler", SYSTEM),
        ("Secret Manager", SYSTEM),
    ],
)
def test_the_spec_services_fall_in_the_spec_categories(service, category):
    assert classify(service) == (category, service, True)
    assert CATEGORY_MAP[service] == category


@pytest.mark.parametrize(
    ("sku", "line"),
    [
        ("Custom Training: Nvidia Tesla T4 GPU running in Warsaw", "Vertex AI (GPU)"),
        ("Training: NVIDIA A100 80GB accelerator in Americas", "Vertex AI (GPU)"),
        ("Vertex AI: Training on TPU v5e", "Vertex AI (GPU)"),
        (
            "Custom Training: N1 Predefined Instance Core running in Warsaw",
            "Vertex AI (CPU)",
        ),
        (
            "Custom Training: N1 Predefined Instance Ram running in Warsaw",
            "Vertex AI (CPU)",
        ),
        (None, "Vertex AI (CPU)"),
    ],
)
def test_vertex_ai_is_training_split_by_sku(sku, line):
    result = classify("Vertex AI", sku_description=sku)

    assert (result.category, result.service) == (TRAINING, line)


def test_cloud_run_of_a_deployed_endpoint_is_inference_the_rest_system():
    endpoints = {"shop-serving"}

    served = classify(
        "Cloud Run", resource_name="shop-serving", endpoint_services=endpoints
    )
    by_path = classify(
        "Cloud Run",
        resource_name="projects/p/locations/europe-central2/services/shop-serving",
        endpoint_services=endpoints,
    )
    app = classify("Cloud Run", resource_name="web", endpoint_services=endpoints)
    unnamed = classify("Cloud Run", resource_name=None, endpoint_services=endpoints)

    assert served.category == by_path.category == INFERENCE
    assert app.category == unnamed.category == SYSTEM
    assert {served.service, app.service} == {"Cloud Run"}


def test_an_unknown_service_is_system_and_flagged_unknown():
    result = classify("Compute Engine")

    assert result == (SYSTEM, "Compute Engine", False)
