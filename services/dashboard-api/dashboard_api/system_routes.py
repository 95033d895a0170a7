"""System Details: KPIs, resource charts, ML-workflow charts, recent activity.

Each page load reads a bounded number of documents: at most 30 snapshots,
the platform documents of the last 30 days, a few counts and five of each
recent thing. None of them reads history.
"""

from __future__ import annotations

import functools

from flask import Blueprint, current_app, jsonify
from marshmallow import Schema

from dashboard_api import clock, resource_window, system_freshness
from dashboard_api.api_docs import documented, errors
from dashboard_api.kept_answers import kept
from dashboard_api.recent_activity import recent_activity
from dashboard_api.resource_charts import resource_charts
from dashboard_api.system_kpis import kpis
from dashboard_api.system_schemas import (
    KpisResponse,
    RecentActivityResponse,
    ResourceChartsResponse,
    WorkflowChartsResponse,
)
from dashboard_api.workflow_charts import workflow_charts

blueprint = Blueprint("system_details", __name__, url_prefix="/api/system")


def _store():
    return current_app.extensions["store"]


def _answer(schema, data, freshness):
    body = {"success": True, "data": data, "freshness": freshness}
    return jsonify(_built(schema).dump(body))


@functools.cache
def _built(schema: type[Schema]) -> Schema:
    # One instance per response schema: building one (its nested schemas
    # with it) cost more than dumping the answer; dumping keeps no state.
    return schema()


@blueprint.get("/kpis/")
@kept
@documented("The KPI cards of System Details", {200: KpisResponse, **errors(503)})
def get_kpis():
    now = clock.now()
    window = resource_window.read(_store(), now.date())
    return _answer(
        KpisResponse,
        kpis(_store(), window, now),
        system_freshness.of_resource_metrics(window.latest),
    )


@blueprint.get("/resource-charts/")
@kept
@documented(
    "The six resource charts (30 UTC days)",
    {200: ResourceChartsResponse, **errors(503)},
)
def get_resource_charts():
    window = resource_window.read(_store(), clock.now().date())
    return _answer(
        ResourceChartsResponse,
        resource_charts(window),
        system_freshness.of_resource_metrics(window.latest),
    )


@blueprint.get("/charts/")
@kept
@documented("The ML-workflow charts", {200: WorkflowChartsResponse, **errors(503)})
def get_workflow_charts():
    now = clock.now()
    return _answer(
        WorkflowChartsResponse,
        workflow_charts(_store(), now),
        system_freshness.of_platform(now),
    )


@blueprint.get("/recent-activity/")
@kept
@documented("The last five activities", {200: RecentActivityResponse, **errors(503)})
def get_recent_activity():
    now = clock.now()
    return _answer(
        RecentActivityResponse,
        recent_activity(_store()),
        system_freshness.of_platform(now),
    )
