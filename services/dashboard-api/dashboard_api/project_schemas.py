"""Response schemas of the Your Projects endpoints (docs/api.md)."""

from __future__ import annotations

from marshmallow import Schema, fields

from dashboard_api.system_freshness import FreshnessSchema


class AssetsSchema(Schema):
    projects = fields.Integer(required=True)
    models = fields.Integer(required=True)
    trainings = fields.Integer(required=True)
    experiments = fields.Integer(required=True)


class AccuracySchema(Schema):
    retrieval_recall_pct = fields.Float(required=True, allow_none=True)
    ranking_rmse = fields.Float(required=True, allow_none=True)
    hybrid_recall_pct = fields.Float(required=True, allow_none=True)


class ProjectSummarySchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    status = fields.String(required=True)  # active, failed, idle
    endpoints_active = fields.Integer(required=True)
    endpoints_total = fields.Integer(required=True)
    models_total = fields.Integer(required=True)
    models_deployed = fields.Integer(required=True)


class ProjectsSchema(Schema):
    assets = fields.Nested(AssetsSchema, required=True)
    accuracy = fields.Nested(AccuracySchema, required=True)
    projects = fields.List(fields.Nested(ProjectSummarySchema), required=True)


class ProjectDetailSummarySchema(ProjectSummarySchema):
    created_at = fields.String(required=True)


class ProjectModelSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    model_type = fields.String(required=True)
    created_at = fields.String(required=True)
    deployed = fields.Boolean(required=True)


class ProjectEndpointSchema(Schema):
    id = fields.String(required=True)
    cloud_run_service = fields.String(required=True)
    status = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    deployed_at = fields.String(required=True)


class ProjectRunSchema(Schema):
    id = fields.String(required=True)
    model_type = fields.String(required=True)
    status = fields.String(required=True)
    started_at = fields.String(required=True)
    finished_at = fields.String(required=True, allow_none=True)
    gpu_hours = fields.Float(required=True)
    metrics = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)


class ProjectDetailSchema(Schema):
    project = fields.Nested(ProjectDetailSummarySchema, required=True)
    models = fields.List(fields.Nested(ProjectModelSchema), required=True)
    endpoints = fields.List(fields.Nested(ProjectEndpointSchema), required=True)
    training_runs = fields.List(fields.Nested(ProjectRunSchema), required=True)


class ProjectsResponse(Schema):
    success = fields.Boolean(required=True)
    data = fields.Nested(ProjectsSchema, required=True)
    freshness = fields.Nested(FreshnessSchema, required=True)


class ProjectDetailResponse(Schema):
    success = fields.Boolean(required=True)
    data = fields.Nested(ProjectDetailSchema, required=True)
    freshness = fields.Nested(FreshnessSchema, required=True)


class ProjectCreatedResponse(Schema):
    success = fields.Boolean(required=True)
    data = fields.Nested(ProjectSummarySchema, required=True)
    freshness = fields.Nested(FreshnessSchema, required=True)
