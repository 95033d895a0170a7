"""POST /api/system/setup-metrics-scheduler/: the metrics job, set up over HTTP.

dashboard-api is deployed behind Cloud Run IAM (infra/deploy.sh), so only an
identity holding roles/run.invoker on it reaches this route; web does not
forward it. The job targets RECS_METRICS_COLLECTOR_URL, or the ``url`` given
in the JSON body.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate

from dashboard_api.api_docs import documented
from dashboard_api.scheduling.jobs import JobInstaller, SchedulerSetupError, make_client
from recs_shared import schedules, settings
from recs_shared.settings import SchedulerSettings, SettingsError

blueprint = Blueprint("scheduler_setup", __name__)

METRICS_JOB = "collect-resource-metrics"


class SetupRequest(Schema):
    url = fields.String(load_default=None, validate=validate.Length(min=1))


class SetupResponse(Schema):
    status = fields.String(required=True)
    action = fields.String(required=True)
    job_name = fields.String(required=True)
    schedule = fields.String(required=True)
    webhook_url = fields.String(required=True)


class SetupError(Schema):
    success = fields.Boolean(required=True)
    status = fields.String(required=True)
    error = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class _Refused(Exception):
    def __init__(self, message: str, fields: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


@blueprint.post("/api/system/setup-metrics-scheduler/")
@documented(
    "Create or update the Scheduler job of the metrics collection",
    {200: SetupResponse, **dict.fromkeys((400, 403, 500, 501, 502), SetupError)},
    description="Targets RECS_METRICS_COLLECTOR_URL, or the url given. The body "
    "is optional.",
    request_body=SetupRequest,
    tags=("admin",),
)
def setup_metrics_scheduler():
    try:
        body = _request_body()
    except _Refused as refused:
        return _refused(refused.message, 400, refused.fields)
    try:
        config = _settings()
    except SettingsError as error:
        return _refused(f"scheduler set-up is not configured: {error}", 500)

    if config.profile == "local" and not config.scheduler_api_endpoint:
        return _refused(
            "Cloud Scheduler is not available in the local profile (it has no "
            "emulator); trigger a collection with POST "
            "/api/system/collect-metrics-webhook/ on metrics-collector instead",
            501,
        )

    url = body["url"] or config.metrics_collector_url
    if not url:
        return _refused(
            "no metrics-collector URL: set RECS_METRICS_COLLECTOR_URL or send "
            '{"url": "https://..."}',
            400,
        )

    installer = JobInstaller(
        project=config.gcp_project,
        region=config.region,
        service_account=config.scheduler_service_account,
        client=make_client(config.scheduler_api_endpoint),
    )
    try:
        outcome = installer.install(schedules.load()[METRICS_JOB], url)
    except SchedulerSetupError as error:
        return _refused(error.message, error.status)

    return SetupResponse().dump(
        {
            "status": "success",
            "action": outcome.action,
            "job_name": outcome.job_name,
            "schedule": outcome.schedule,
            "webhook_url": outcome.webhook_url,
        }
    )


def _request_body() -> dict:
    # get_data, not content_length: a chunked body has no Content-Length,
    # and its options must not be dropped for the defaults.
    raw = request.get_json(silent=True) if request.get_data() else {}
    if raw is None or not isinstance(raw, dict):
        raise _Refused("the body must be a JSON object (or empty)")
    try:
        return SetupRequest().load(raw)
    except ValidationError as error:
        raise _Refused("invalid set-up request", error.messages) from None


def _settings() -> SchedulerSettings:
    # Read once per app; the variables are this blueprint's own.
    extensions = current_app.extensions
    if "scheduler_settings" not in extensions:
        extensions["scheduler_settings"] = settings.load(SchedulerSettings)
    return extensions["scheduler_settings"]


def _refused(message: str, status: int, faults: dict | None = None):
    # One shape for every refusal of this endpoint, a bad body included.
    body = {"success": False, "status": "error", "error": message}
    if faults:
        body["fields"] = faults
    return jsonify(SetupError().dump(body)), status
