"""HTTP triggers of the clean-up jobs, one Cloud Scheduler job each.

Each answers a JSON summary: ``status`` is success (all done), partial (some
deletions failed; the rest are done) or error (the job could not run and
deleted nothing), with 200 for the first two and 500 for error so Cloud
Scheduler records and retries a failed run. A body is optional; Scheduler
sends ``{}``.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate

from housekeeping import jobs
from housekeeping.artifacts import ArtifactReport
from housekeeping.orphan_models import OrphanReport
from recs_shared.trigger_options import query_fault

log = logging.getLogger(__name__)
blueprint = Blueprint("housekeeping", __name__)

ARTIFACTS_JOB = "cleanup-gcs-artifacts"
ORPHANS_JOB = "cleanup-orphan-models"


class ArtifactRequest(Schema):
    dry_run = fields.Boolean(load_default=False)
    days = fields.Integer(load_default=None, validate=validate.Range(min=1))
    include_registered = fields.Boolean(load_default=False)


class OrphanRequest(Schema):
    dry_run = fields.Boolean(load_default=False)
    min_age_hours = fields.Integer(load_default=None, validate=validate.Range(min=0))


class JobError(Schema):
    status = fields.String(required=True)
    job = fields.String(required=True)
    error = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields")


class ArtifactResult(Schema):
    status = fields.String(required=True)
    job = fields.String(required=True)
    dry_run = fields.Boolean(required=True)
    bucket = fields.String(required=True)
    cutoff = fields.DateTime(required=True)
    include_registered = fields.Boolean(required=True)
    deleted_objects = fields.Integer(required=True)
    bytes_freed = fields.Integer(required=True)
    kept_registered = fields.Integer(required=True)
    kept_recent = fields.Integer(required=True)
    errors = fields.List(fields.Dict(keys=fields.String(), values=fields.String()))


class OrphanResult(Schema):
    status = fields.String(required=True)
    job = fields.String(required=True)
    dry_run = fields.Boolean(required=True)
    parent = fields.String(required=True)
    deleted_models = fields.List(fields.String(), required=True)
    kept_referenced = fields.Integer(required=True)
    kept_deployed = fields.Integer(required=True)
    kept_recent = fields.Integer(required=True)
    errors = fields.List(fields.Dict(keys=fields.String(), values=fields.String()))


@blueprint.post("/api/system/cleanup-artifacts-webhook/")
def cleanup_artifacts_webhook():
    options, refused = _options(ArtifactRequest(), ARTIFACTS_JOB)
    if refused:
        return refused

    context = current_app.extensions["housekeeping"]
    try:
        report = jobs.artifact_cleanup(context.config, context.store, **options)
    except jobs.JobFailed as error:
        return _failed(ARTIFACTS_JOB, str(error))
    return jsonify(ArtifactResult().dump(_artifact_summary(report)))


@blueprint.post("/api/system/cleanup-orphan-models-webhook/")
def cleanup_orphan_models_webhook():
    options, refused = _options(OrphanRequest(), ORPHANS_JOB)
    if refused:
        return refused

    context = current_app.extensions["housekeeping"]
    try:
        report = jobs.orphan_model_cleanup(context.config, context.store, **options)
    except jobs.JobFailed as error:
        return _failed(ORPHANS_JOB, str(error))
    return jsonify(OrphanResult().dump(_orphan_summary(report)))


def _options(schema: Schema, job: str):
    fault = query_fault(request.args, schema.fields)
    if fault:
        return None, _refused(job, fault)
    # get_data, not content_length: a chunked body has no Content-Length,
    # and {"dry_run": true} must not be read as "no options".
    raw = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(raw, dict):
        return None, _refused(job, "the body must be a JSON object (or empty)")
    try:
        return schema.load(raw), None
    except ValidationError as error:
        return None, _refused(job, "invalid options", error.messages)


def _refused(job: str, message: str, faults: dict | None = None):
    body = {"status": "error", "job": job, "error": message}
    if faults:
        body["fields_"] = faults
    return jsonify(JobError().dump(body)), 400


def _failed(job: str, message: str):
    log.error("%s failed: %s", job, message)
    body = {"status": "error", "job": job, "error": message}
    return jsonify(JobError().dump(body)), 500


def _artifact_summary(report: ArtifactReport) -> dict:
    return {
        "status": report.status,
        "job": ARTIFACTS_JOB,
        "dry_run": report.dry_run,
        "bucket": report.bucket,
        "cutoff": report.cutoff,
        "include_registered": report.include_registered,
        "deleted_objects": len(report.deleted),
        "bytes_freed": report.bytes_freed,
        "kept_registered": report.kept_registered,
        "kept_recent": report.kept_recent,
        "errors": report.errors,
    }


def _orphan_summary(report: OrphanReport) -> dict:
    return {
        "status": report.status,
        "job": ORPHANS_JOB,
        "dry_run": report.dry_run,
        "parent": report.parent,
        "deleted_models": [orphan.name for orphan in report.deleted],
        "kept_referenced": report.kept_referenced,
        "kept_deployed": report.kept_deployed,
        "kept_recent": report.kept_recent,
        "errors": report.errors,
    }
