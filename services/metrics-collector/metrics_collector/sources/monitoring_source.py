"""Cloud Run requests and Cloud Storage usage, from Cloud Monitoring.

run.googleapis.com/request_count is a DELTA INT64 metric (Google's metric
list; the spec's "CUMULATIVE" is wrong), so each series is aligned with
ALIGN_SUM over the requested window: the sum of the deltas in it.
storage.googleapis.com/storage/total_bytes (GAUGE DOUBLE) and
storage/object_count (GAUGE INT64) are measured once a day and repeated
between measurements, so a bucket's reading is the newest point of a few
days' lookback (ALIGN_NEXT_OLDER), summed over its storage classes.
firestore.googleapis.com/storage/data_and_index_storage_bytes (GAUGE) is
the size of one Firestore database, documents and indexes together; it is
read the same way, as the newest point of the lookback.

The Python client speaks gRPC only (it has no REST transport, unlike the
Cloud Run and BigQuery clients).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from google.cloud import monitoring_v3
from google.protobuf import duration_pb2, timestamp_pb2

from metrics_collector.sources.ports import BucketUsage, ServiceRequests
from recs_shared.resource_metrics import SERVING_SUFFIX, is_ml_serving

REQUEST_COUNT = "run.googleapis.com/request_count"
TOTAL_BYTES = "storage.googleapis.com/storage/total_bytes"
OBJECT_COUNT = "storage.googleapis.com/storage/object_count"
FIRESTORE_BYTES = "firestore.googleapis.com/storage/data_and_index_storage_bytes"

# The daily storage sample can be a day late; three days always hold one.
STORAGE_LOOKBACK = timedelta(days=3)
ERROR_CLASS = "5xx"

Aligner = monitoring_v3.Aggregation.Aligner
Reducer = monitoring_v3.Aggregation.Reducer


class CloudMonitoring:
    def __init__(
        self,
        client: monitoring_v3.MetricServiceClient,
        project: str,
        timeout_seconds: float = 60.0,
    ) -> None:
        self.client = client
        self.project = project
        self.timeout_seconds = timeout_seconds

    def serving_requests(self, start: datetime, end: datetime) -> list[ServiceRequests]:
        series = self._series(
            f'metric.type = "{REQUEST_COUNT}" '
            'AND resource.type = "cloud_run_revision" '
            f'AND resource.labels.service_name = ends_with("{SERVING_SUFFIX}")',
            start,
            end,
            monitoring_v3.Aggregation(
                alignment_period=_duration(end - start),
                per_series_aligner=Aligner.ALIGN_SUM,
                # Revisions, routes and response codes are separate series;
                # keep only what the snapshot shows apart.
                cross_series_reducer=Reducer.REDUCE_SUM,
                group_by_fields=[
                    "resource.labels.service_name",
                    "metric.labels.response_code_class",
                ],
            ),
        )

        # Summed as read and rounded once: request_count is INT64, but an
        # aligned or reduced series can come back DOUBLE, and rounding each
        # point would lose requests.
        requests: dict[str, float] = defaultdict(float)
        errors: dict[str, float] = defaultdict(float)
        for one in series:
            name = one.resource.labels.get("service_name", "")
            if not is_ml_serving(name):
                continue
            count = sum(_number(point.value, REQUEST_COUNT) for point in one.points)
            requests[name] += count
            if one.metric.labels.get("response_code_class") == ERROR_CLASS:
                errors[name] += count

        return [
            ServiceRequests(
                name=name, requests=round(requests[name]), errors=round(errors[name])
            )
            for name in sorted(requests)
        ]

    def bucket_usage(self, as_of: datetime) -> list[BucketUsage]:
        start = as_of - STORAGE_LOOKBACK
        total_bytes = self._newest_per_bucket(TOTAL_BYTES, start, as_of)
        object_count = self._newest_per_bucket(OBJECT_COUNT, start, as_of)

        return [
            BucketUsage(
                name=name,
                total_bytes=round(total_bytes.get(name, 0)),
                object_count=round(object_count.get(name, 0)),
            )
            for name in sorted(set(total_bytes) | set(object_count))
        ]

    def firestore_bytes(self, database_id: str, as_of: datetime) -> int | None:
        """The database's newest size reading at or before as_of; None when
        Monitoring holds none in the lookback (a database with no data yet)."""
        series = self._newest(
            f'metric.type = "{FIRESTORE_BYTES}" '
            'AND resource.type = "firestore.googleapis.com/Database" '
            f'AND resource.labels.database_id = "{database_id}"',
            as_of - STORAGE_LOOKBACK,
            as_of,
        )
        if not series:
            return None
        return round(sum(value for _, value in series))

    def _newest_per_bucket(
        self, metric: str, start: datetime, end: datetime
    ) -> dict[str, float]:
        series = self._newest(
            f'metric.type = "{metric}" AND resource.type = "gcs_bucket"',
            start,
            end,
        )

        # One series per storage class (and object state): a bucket's figure
        # is the sum of each series' newest point.
        per_bucket: dict[str, float] = defaultdict(float)
        for one, value in series:
            bucket = one.resource.labels.get("bucket_name", "")
            if not bucket:
                continue  # not a bucket's series: nothing to add it to
            per_bucket[bucket] += value
        return dict(per_bucket)

    def _newest(self, filter_: str, start: datetime, end: datetime) -> list:
        """(series, value of its newest point) for each series with a point."""
        series = self._series(
            filter_,
            start,
            end,
            monitoring_v3.Aggregation(
                alignment_period=_duration(end - start),
                per_series_aligner=Aligner.ALIGN_NEXT_OLDER,
            ),
        )

        newest = []
        for one in series:
            if not one.points:
                continue
            point = max(one.points, key=lambda point: point.interval.end_time)
            newest.append((one, _number(point.value, one.metric.type)))
        return newest

    def _series(
        self,
        filter_: str,
        start: datetime,
        end: datetime,
        aggregation: monitoring_v3.Aggregation,
    ):
        request = monitoring_v3.ListTimeSeriesRequest(
            name=f"projects/{self.project}",
            filter=filter_,
            interval=monitoring_v3.TimeInterval(
                start_time=_timestamp(start), end_time=_timestamp(end)
            ),
            aggregation=aggregation,
            view=monitoring_v3.ListTimeSeriesRequest.TimeSeriesView.FULL,
        )
        # The pager follows nextPageToken. An empty answer has no
        # "timeSeries" key at all, which the client reads as no series.
        return list(
            self.client.list_time_series(request=request, timeout=self.timeout_seconds)
        )


def _number(value: monitoring_v3.TypedValue, metric: str) -> float:
    kind = monitoring_v3.TypedValue.pb(value).WhichOneof("value")
    if kind == "int64_value":
        return value.int64_value
    if kind == "double_value":
        return value.double_value
    raise ValueError(
        f"{metric} answered a {kind or 'empty'} point where a number was expected"
    )


def _timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _duration(span: timedelta) -> duration_pb2.Duration:
    return duration_pb2.Duration(seconds=int(span.total_seconds()))
