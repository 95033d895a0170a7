"""Response schemas of the System Details endpoints (docs/api.md,
docs/system-api.md). Every response is dumped through one of these."""

from __future__ import annotations

from marshmallow import Schema, fields

from dashboard_api.system_freshness import FreshnessSchema


def numbers(**kwargs) -> fields.List:
    """A chart series: one number per label, null for a gap."""
    return fields.List(fields.Float(allow_none=True), required=True, **kwargs)


def counts() -> fields.List:
    return fields.List(fields.Integer(allow_none=True), required=True)


def labels() -> fields.List:
    return fields.List(fields.String(), required=True)


class KpisSchema(Schema):
    models = fields.Integer(required=True)
    live_endpoints = fields.Integer(required=True)
    training_runs_30d = fields.Integer(required=True)
    training_success_rate = fields.Float(required=True, allow_none=True)
    experiments_30d = fields.Integer(required=True)
    etl_runs_24h = fields.Integer(required=True)
    data_tables = fields.Integer(required=True)
    data_volume_gb = fields.Float(required=True)
    requests_30d = fields.Integer(required=True)
    avg_latency_ms = fields.Float(required=True, allow_none=True)


class CombinedStorageSchema(Schema):
    labels = labels()
    bigquery_gb = numbers()
    sql_gb = numbers()
    buckets_gb = numbers()
    estimated = fields.List(fields.Boolean(), required=True)


class BqJobsSchema(Schema):
    labels = labels()
    completed = counts()
    failed = counts()
    bytes_billed_gb = numbers()


class CompletedFailedSchema(Schema):
    labels = labels()
    completed = counts()
    failed = counts()


class RequestsSchema(Schema):
    labels = labels()
    requests = counts()


class GpuHoursSchema(Schema):
    labels = labels()
    hours = numbers()
    completed = counts()
    failed = counts()


class GpuTypeSchema(Schema):
    type = fields.String(required=True)
    hours = fields.Float(required=True)
    count = fields.Integer(required=True)


class GpuTypesSchema(Schema):
    types = fields.List(fields.Nested(GpuTypeSchema), required=True)
    total_hours = fields.Float(required=True)


class ResourceChartsSchema(Schema):
    combined_storage = fields.Nested(CombinedStorageSchema, required=True)
    bq_jobs = fields.Nested(BqJobsSchema, required=True)
    etl_health = fields.Nested(CompletedFailedSchema, required=True)
    cloud_run_requests = fields.Nested(RequestsSchema, required=True)
    gpu_hours = fields.Nested(GpuHoursSchema, required=True)
    gpu_types = fields.Nested(GpuTypesSchema, required=True)


class RunsByStatusSchema(Schema):
    labels = labels()
    completed = counts()
    failed = counts()
    other = counts()


class ModelTypesSchema(Schema):
    labels = labels()
    counts = counts()


class ModelQualitySchema(Schema):
    labels = labels()
    retrieval_recall_pct = numbers()
    hybrid_recall_pct = numbers()
    ranking_rmse = numbers()


class WorkflowChartsSchema(Schema):
    training_runs = fields.Nested(RunsByStatusSchema, required=True)
    model_types = fields.Nested(ModelTypesSchema, required=True)
    experiments = fields.Nested(RunsByStatusSchema, required=True)
    model_quality = fields.Nested(ModelQualitySchema, required=True)


class ActivitySchema(Schema):
    kind = fields.String(required=True)  # training_run, experiment, etl_run, deployment
    id = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    project_id = fields.String(required=True)
    project_name = fields.String(required=True, allow_none=True)
    at = fields.String(required=True)


class RecentActivitySchema(Schema):
    activities = fields.List(fields.Nested(ActivitySchema), required=True)


class _Envelope(Schema):
    success = fields.Boolean(required=True)
    freshness = fields.Nested(FreshnessSchema, required=True)


class KpisResponse(_Envelope):
    data = fields.Nested(KpisSchema, required=True)


class ResourceChartsResponse(_Envelope):
    data = fields.Nested(ResourceChartsSchema, required=True)


class WorkflowChartsResponse(_Envelope):
    data = fields.Nested(WorkflowChartsSchema, required=True)


class RecentActivityResponse(_Envelope):
    data = fields.Nested(RecentActivitySchema, required=True)
