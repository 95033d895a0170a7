"""HTTP trigger of the daily collection, for Cloud Scheduler (OIDC, 02:00 UTC).

``POST /`` and the spec's ``POST /api/system/collect-metrics-webhook/``
collect yesterday (UTC), or the ended day given as ``{"date": "YYYY-MM-DD"}``,
and answer a JSON summary: 200 for success and partial, 503 for error (so
Cloud Scheduler retries), 400 naming the fault of a bad request.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request

from metrics_collector.runner import MetricsCollector, RequestError
from metrics_collector.wiring import build_collector
from recs_shared.days import parse_day
from recs_shared.trigger_options import query_fault

log = logging.getLogger(__name__)
blueprint = Blueprint("collect_metrics", __name__)

WEBHOOK_PATH = "/api/system/collect-metrics-webhook/"
EXTENSION = "metrics_collector"


@blueprint.post("/")
@blueprint.post(WEBHOOK_PATH)
def collect():
    try:
        day = _requested_day()
        report = _collector().collect(day)
    except RequestError as error:
        log.warning("collection refused: %s", error)
        return jsonify(status="refused", error=str(error)), 400

    status = 503 if report.status == "error" else 200
    return jsonify(report.summary()), status


def _requested_day():
    fault = query_fault(request.args, ["date"])
    if fault:
        raise RequestError(fault)
    if not request.get_data():
        return None  # Cloud Scheduler's usual empty body: yesterday

    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise RequestError('the body must be empty or a JSON object {"date": ...}')
    unknown = sorted(set(body) - {"date"})
    if unknown:
        raise RequestError(f"unknown field(s): {', '.join(unknown)}")
    if body.get("date") is None:
        return None
    try:
        return parse_day(body["date"])
    except ValueError as error:
        raise RequestError(str(error)) from None


def _collector() -> MetricsCollector:
    # Built on first use, so the app starts even while a source is down.
    if EXTENSION not in current_app.extensions:
        current_app.extensions[EXTENSION] = build_collector(
            current_app.extensions["settings"]
        )
    return current_app.extensions[EXTENSION]
