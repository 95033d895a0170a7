"""A dashboard-api with something on every chart, for the OpenAPI tests.

Responses of an empty store are mostly empty lists; checking them against
the document would prove little. ``seed`` writes the demo platform and
pushes a month and a half of resource and billing snapshots through the
push endpoints, so every list and nested object of every response has
items, some figures null (not measured) and one day partial.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from devtools import platform_seed
from tests.support import billing, events
from tests.support.push import envelope_for

DAYS = 45


def seed(app, now: datetime) -> None:
    platform_seed.write(app.extensions["store"], platform_seed.build(now, days=DAYS))
    client = app.test_client()
    today = now.date()

    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        metrics = _resource_metrics(day, back, events.collected(day, 2, now))
        bill = _billing(day, back, events.collected(day, 5, now))
        _push(client, "/push/resource-metrics", metrics)
        _push(client, "/push/billing", bill)


def _push(client, path: str, event: dict) -> None:
    response = client.post(path, json=envelope_for(event))
    assert response.status_code == 204, response.get_data(as_text=True)


def _resource_metrics(day: date, back: int, collected_at: datetime) -> dict:
    if back % 7:
        return events.resource_metrics(day=day, collected_at=collected_at)

    # Weekly, Cloud Storage could not be read: its figures are not measured.
    return events.resource_metrics(
        day=day,
        collected_at=collected_at,
        status="partial",
        collection_errors=[{"collector": "cloud_storage", "error": "403 denied"}],
        gcs_bucket_details=None,
        gcs_total_bytes=None,
    )


def _billing(day: date, back: int, collected_at: datetime) -> dict:
    runs = [billing.run(f"run-{back:03d}", "retrieval", "3.00")] if back % 3 else []
    return billing.snapshot(
        day,
        [
            billing.line("Data", "BigQuery", "2.50"),
            billing.line("Data", "Cloud SQL", "5.00"),
            billing.line("Training", "Vertex AI (GPU)", f"{back % 5}.00"),
            billing.line("System", "Cloud Scheduler", "0.20"),
        ],
        runs,
        provisional=back <= 2,
        collected_at=collected_at,
    )
