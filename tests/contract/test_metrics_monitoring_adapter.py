"""The Cloud Monitoring adapter through google-cloud-monitoring on loopback.

The library has no REST transport, so it runs over gRPC against a local
MetricService. Inputs are recorded timeSeries.list answers: the empty result with no
"timeSeries" key, a DELTA INT64 series whose values are strings (re-labelled
as Cloud Run's request_count) and the GCS total_bytes series (GAUGE DOUBLE,
newest point first), and the same GAUGE shape as a Firestore database's
storage bytes.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from google.api_core import exceptions
from google.cloud import monitoring_v3

from metrics_collector.sources.firestore_size import FirestoreDatabaseSize
from metrics_collector.sources.monitoring_source import (
    FIRESTORE_BYTES,
    OBJECT_COUNT,
    REQUEST_COUNT,
    TOTAL_BYTES,
    CloudMonitoring,
)
from metrics_collector.sources.ports import (
    BucketUsage,
    DatabaseSize,
    ServiceRequests,
    SourceUnavailable,
)
from tests.support.google_apis import FakeMetricService, recorded

PROJECT = "b2b-recs"
DAY_START = datetime(2026, 11, 30, tzinfo=UTC)
DAY_END = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def api():
    fake = FakeMetricService().start()
    yield fake
    fake.stop()


@pytest.fixture
def adapter(api):
    return CloudMonitoring(api.client(), PROJECT, 5.0)


def request_series(service: str, code_class: str, count: str) -> dict:
    """The recorded DELTA INT64 series, as request_count of a Cloud Run service."""
    series = copy.deepcopy(
        recorded("monitoring_timeseries_vertex_delta_int64__c7n.json")["timeSeries"][0]
    )
    series["metric"] = {
        "type": REQUEST_COUNT,
        "labels": {"response_code_class": code_class},
    }
    series["resource"] = {
        "type": "cloud_run_revision",
        "labels": {"service_name": service, "project_id": PROJECT},
    }
    series["points"][0]["value"]["int64Value"] = count
    series["points"][0]["interval"] = {
        "startTime": "2026-11-30T00:00:00Z",
        "endTime": "2026-12-01T00:00:00Z",
    }
    return series


def test_requests_of_the_day_are_summed_per_serving_service(api, adapter):
    api.answer(
        {
            "timeSeries": [
                request_series("shop-serving", "2xx", "120"),
                request_series("shop-serving", "5xx", "3"),
                request_series("shop-serving", "4xx", "2"),
                request_series("books-serving", "2xx", "25"),
                request_series("books-serving", "2xx", "15"),
                # Not an ML endpoint: ignored even if the filter let it in.
                request_series("dashboard-api", "2xx", "999"),
            ],
            "unit": "1",
        }
    )

    assert adapter.serving_requests(DAY_START, DAY_END) == [
        ServiceRequests("books-serving", requests=40, errors=0),
        ServiceRequests("shop-serving", requests=125, errors=3),
    ]


def test_the_request_asks_for_the_day_summed_with_the_aligner_for_a_delta(api, adapter):
    api.answer(recorded("monitoring_timeseries_empty_no_key__c7n.json"))

    adapter.serving_requests(DAY_START, DAY_END)

    [sent] = api.seen
    assert sent.name == f"projects/{PROJECT}"
    assert f'metric.type = "{REQUEST_COUNT}"' in sent.filter
    assert 'resource.labels.service_name = ends_with("-serving")' in sent.filter
    assert sent.interval.start_time == DAY_START
    assert sent.interval.end_time == DAY_END
    assert sent.aggregation.alignment_period.total_seconds() == 86400
    assert sent.aggregation.per_series_aligner == (
        monitoring_v3.Aggregation.Aligner.ALIGN_SUM
    )


def test_an_empty_answer_without_a_timeseries_key_means_no_requests(api, adapter):
    api.answer(recorded("monitoring_timeseries_empty_no_key__c7n.json"))

    assert adapter.serving_requests(DAY_START, DAY_END) == []


def test_every_page_of_series_is_read(api, adapter):
    api.answer(
        {
            "timeSeries": [request_series("a-serving", "2xx", "1")],
            "nextPageToken": "next",
        }
    )
    api.answer({"timeSeries": [request_series("a-serving", "2xx", "2")]})

    assert adapter.serving_requests(DAY_START, DAY_END) == [
        ServiceRequests("a-serving", 3, 0)
    ]
    assert api.seen[1].page_token == "next"


def storage_series(storage_class: str, points: list[tuple[str, float]]) -> dict:
    """The recorded total_bytes series with another class and other points."""
    series = copy.deepcopy(
        recorded("monitoring_timeseries_gcs_total_bytes__cloudforensics.json")[
            "timeSeries"
        ][0]
    )
    series["metric"]["labels"]["storage_class"] = storage_class
    series["points"] = [
        {"interval": {"startTime": at, "endTime": at}, "value": {"doubleValue": value}}
        for at, value in points
    ]
    return series


def object_count_series(bucket: str, count: str) -> dict:
    return {
        "metric": {"type": OBJECT_COUNT, "labels": {"storage_class": "REGIONAL"}},
        "resource": {"type": "gcs_bucket", "labels": {"bucket_name": bucket}},
        "metricKind": "GAUGE",
        "valueType": "INT64",
        "points": [
            {
                "interval": {
                    "startTime": "2021-04-07T00:00:00Z",
                    "endTime": "2021-04-07T00:00:00Z",
                },
                "value": {"int64Value": count},
            }
        ],
    }


def test_bucket_usage_is_the_newest_reading_summed_over_storage_classes(api, adapter):
    total_bytes = recorded("monitoring_timeseries_gcs_total_bytes__cloudforensics.json")
    # Oldest point first here, unlike the recording: order must not matter.
    total_bytes["timeSeries"].append(
        storage_series(
            "NEARLINE",
            [("2021-04-06T00:00:00Z", 5.0), ("2021-04-07T00:00:00Z", 12.0)],
        )
    )
    api.answer(total_bytes)
    api.answer({"timeSeries": [object_count_series("test_bucket_1", "43")]})

    usage = adapter.bucket_usage(datetime(2021, 4, 7, 12, tzinfo=UTC))

    # REGIONAL's newest point is 30 (not the older 60), NEARLINE's is 12.
    assert usage == [BucketUsage("test_bucket_1", total_bytes=42, object_count=43)]
    bytes_request, count_request = api.seen
    assert f'metric.type = "{TOTAL_BYTES}"' in bytes_request.filter
    assert f'metric.type = "{OBJECT_COUNT}"' in count_request.filter
    assert bytes_request.interval.end_time == datetime(2021, 4, 7, 12, tzinfo=UTC)
    assert bytes_request.interval.start_time == datetime(2021, 4, 4, 12, tzinfo=UTC)
    assert bytes_request.aggregation.per_series_aligner == (
        monitoring_v3.Aggregation.Aligner.ALIGN_NEXT_OLDER
    )


def test_no_buckets_gives_an_empty_list(api, adapter):
    empty = recorded("monitoring_timeseries_empty_no_key__c7n.json")
    api.answer(empty).answer(empty)

    assert adapter.bucket_usage(datetime(2021, 4, 7, tzinfo=UTC)) == []


def test_permission_denied_raises_the_apis_own_message(api, adapter):
    api.answer(
        "Permission monitoring.timeSeries.list denied (or the resource may not exist).",
        code="PERMISSION_DENIED",
    )

    with pytest.raises(
        exceptions.PermissionDenied, match=r"monitoring\.timeSeries\.list"
    ):
        adapter.serving_requests(DAY_START, DAY_END)


def firestore_size_series(points: list[tuple[str, str]]) -> dict:
    """The recorded GAUGE INT64 shape, as a Firestore database's storage bytes."""
    return {
        "metric": {"type": FIRESTORE_BYTES},
        "resource": {
            "type": "firestore.googleapis.com/Database",
            "labels": {"database_id": "(default)", "project_id": PROJECT},
        },
        "metricKind": "GAUGE",
        "valueType": "INT64",
        "points": [
            {"interval": {"startTime": at, "endTime": at}, "value": {"int64Value": v}}
            for at, v in points
        ],
    }


def test_the_firestore_size_is_the_databases_newest_reading(api, adapter):
    api.answer(
        {
            "timeSeries": [
                firestore_size_series(
                    [
                        ("2026-11-29T06:00:00Z", "1000"),
                        ("2026-11-30T06:00:00Z", "1649152"),
                        ("2026-11-28T06:00:00Z", "900"),
                    ]
                )
            ]
        }
    )

    size = FirestoreDatabaseSize(adapter, "(default)").size()

    assert size == DatabaseSize(size_bytes=1649152, tables=[])
    [sent] = api.seen
    assert f'metric.type = "{FIRESTORE_BYTES}"' in sent.filter
    assert 'resource.labels.database_id = "(default)"' in sent.filter
    assert sent.aggregation.per_series_aligner == (
        monitoring_v3.Aggregation.Aligner.ALIGN_NEXT_OLDER
    )


def test_no_firestore_reading_is_not_measured_with_the_reason(api, adapter):
    api.answer(recorded("monitoring_timeseries_empty_no_key__c7n.json"))

    with pytest.raises(SourceUnavailable, match=r"no .* reading for the Firestore"):
        FirestoreDatabaseSize(adapter, "(default)").size()


# --- public recordings of other metrics' shapes (../shared/data) --------------

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def shared_recording(name: str) -> dict:
    return json.loads((SHARED / name).read_text())


def test_double_points_are_summed_before_rounding(api, adapter):
    # Three DELTA DOUBLE series, relabelled as one serving service's requests.
    answer = shared_recording(
        "monitoring_timeseries_plutono_2-series-response-no-agg.json"
    )
    for series in answer["timeSeries"]:
        series["metric"] = {"type": REQUEST_COUNT, "labels": {}}
        series["resource"] = {"labels": {"service_name": "books-serving"}}
    api.answer(answer)

    [requests] = adapter.serving_requests(DAY_START, DAY_END)

    exact = sum(
        Decimal(str(point["value"]["doubleValue"]))
        for series in answer["timeSeries"]
        for point in series["points"]
    )
    assert requests == ServiceRequests("books-serving", round(exact), 0)
    assert round(exact) == 149  # each point rounded alone would give 142


def test_a_series_without_a_bucket_label_is_no_bucket(api, adapter):
    unlabelled = shared_recording("monitoring_timeseries_gce_cpu_double__c7n.json")
    api.answer(unlabelled).answer(unlabelled)

    assert adapter.bucket_usage(datetime(2021, 4, 7, tzinfo=UTC)) == []


def test_a_distribution_answer_fails_naming_the_metric(api, adapter):
    answer = shared_recording(
        "monitoring_timeseries_plutono_3-series-response-distribution-exponential.json"
    )
    answer["timeSeries"][0]["resource"] = {"labels": {"service_name": "a-serving"}}
    api.answer(answer)

    with pytest.raises(ValueError, match="request_count answered a distribution"):
        adapter.serving_requests(DAY_START, DAY_END)
