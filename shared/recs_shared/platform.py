"""The ML platform's own collections, which the dashboard reads.

The platform (outside this repository) writes these; locally the demo seeder
does. docs/platform-data.md describes them for people; these schemas are the
same description for code, used by the seeder and by project creation.
Timestamps are RFC 3339 UTC strings, so range queries compare them as text.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from recs_shared.events.fields import StrictString, Timestamp

PROJECTS = "projects"
REGISTERED_MODELS = "registered_models"
DEPLOYED_ENDPOINTS = "deployed_endpoints"
TRAINING_RUNS = "training_runs"
EXPERIMENTS = "experiments"
ETL_RUNS = "etl_runs"

TRAINING_MODEL_TYPES = ("retrieval", "ranking", "multitask")
RUN_STATUSES = ("running", "completed", "failed", "cancelled")
FINISHED_STATUSES = ("completed", "failed")
PROJECT_NAME_MAX = 60


class PlatformSchema(Schema):
    class Meta:
        # The platform may add fields the dashboard does not read.
        unknown = EXCLUDE


class Project(PlatformSchema):
    name = StrictString(required=True, validate=validate.Length(max=PROJECT_NAME_MAX))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    created_at = Timestamp(required=True)


class RegisteredModel(PlatformSchema):
    project_id = StrictString(required=True)
    name = StrictString(required=True)
    model_type = fields.String(
        required=True, validate=validate.OneOf(TRAINING_MODEL_TYPES)
    )
    training_run_id = fields.String(load_default=None, allow_none=True)
    # gs:// folder of the model's artifacts, kept by the artifact clean-up.
    artifact_uri = fields.String(load_default=None, allow_none=True)
    # projects/P/locations/L/models/ID in the Vertex AI Model Registry.
    vertex_model = fields.String(load_default=None, allow_none=True)
    created_at = Timestamp(required=True)


class DeployedEndpoint(PlatformSchema):
    project_id = StrictString(required=True)
    registered_model_id = StrictString(required=True)
    # The Cloud Run service that serves it; its costs are Inference.
    cloud_run_service = StrictString(required=True)
    is_active = fields.Boolean(required=True)
    status = fields.String(
        required=True, validate=validate.OneOf(("active", "inactive", "failed"))
    )
    deployed_at = Timestamp(required=True)


class TrainingRun(PlatformSchema):
    project_id = StrictString(required=True)
    model_type = fields.String(
        required=True, validate=validate.OneOf(TRAINING_MODEL_TYPES)
    )
    status = fields.String(required=True, validate=validate.OneOf(RUN_STATUSES))
    started_at = Timestamp(required=True)
    finished_at = Timestamp(load_default=None, allow_none=True)
    gpu_hours = fields.Float(load_default=0.0, validate=validate.Range(min=0))
    gpu_type = fields.String(load_default=None, allow_none=True)
    # recall_at_100 (retrieval, multitask) and rmse (ranking), when finished.
    metrics = fields.Dict(
        keys=fields.String(), values=fields.Float(), load_default=dict
    )
    artifact_uri = fields.String(load_default=None, allow_none=True)


class Experiment(PlatformSchema):
    """A quick test: a short training on a sample, to compare settings."""

    project_id = StrictString(required=True)
    name = fields.String(load_default=None, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(RUN_STATUSES))
    started_at = Timestamp(required=True)
    finished_at = Timestamp(load_default=None, allow_none=True)
    gpu_hours = fields.Float(load_default=0.0, validate=validate.Range(min=0))


class EtlRun(PlatformSchema):
    project_id = StrictString(required=True)
    # The pipeline's name, e.g. "orders-daily".
    name = fields.String(load_default=None, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(RUN_STATUSES))
    started_at = Timestamp(required=True)
    finished_at = Timestamp(load_default=None, allow_none=True)


SCHEMAS: dict[str, type[PlatformSchema]] = {
    PROJECTS: Project,
    REGISTERED_MODELS: RegisteredModel,
    DEPLOYED_ENDPOINTS: DeployedEndpoint,
    TRAINING_RUNS: TrainingRun,
    EXPERIMENTS: Experiment,
    ETL_RUNS: EtlRun,
}
