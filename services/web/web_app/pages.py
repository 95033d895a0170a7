"""The page's HTML: the System Dashboard, its Your Projects fragment and the
project page. Your Projects is rendered here, from GET /api/system/projects/;
the other chapters are filled by the page's scripts from the JSON APIs."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Blueprint, render_template

from web_app import api_client, freshness, presenters

log = logging.getLogger(__name__)
blueprint = Blueprint("pages", __name__)

PROJECTS_API = "/api/system/projects/"
# Project ids as dashboard-api issues them (and as proxy.py forwards them).
PROJECT_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
# What the page's scripts read when it loads (assets/js/main.js).
API_READS = (
    "/api/system/kpis/",
    "/api/system/resource-charts/",
    "/api/system/billing/summary/",
    "/api/system/billing/charts/",
    "/api/system/billing/invoice/",
)


@blueprint.get("/")
def dashboard():
    return render_template("dashboard.html", api_reads=API_READS, **projects_context())


@blueprint.get("/fragments/projects")
def projects_fragment():
    return render_template("partials/projects_body.html", **projects_context())


@blueprint.get("/projects/<project_id>")
def project(project_id: str):
    if not PROJECT_ID.fullmatch(project_id):
        return _error_page(404, "There is no project with that id.")

    try:
        answer = api_client.get_json(f"{PROJECTS_API}{project_id}/")
    except api_client.ApiUnavailable as error:
        log.error("project page %s: dashboard-api unreachable: %s", project_id, error)
        return _error_page(502, "dashboard-api is unreachable; try again shortly.")

    if answer.status == 404:
        return _error_page(404, f"There is no project with the id {project_id}.")
    if not answer.ok:
        log.error("project page %s: %s", project_id, answer.error)
        return _error_page(502, f"The project could not be loaded: {answer.error}")

    data = answer.body["data"]
    return render_template(
        "project.html",
        project=presenters.project_card(data["project"]),
        models=data.get("models", []),
        endpoints=data.get("endpoints", []),
        training_runs=data.get("training_runs", []),
    )


def projects_context() -> dict[str, Any]:
    """What the Your Projects chapter shows; zeros and a notice on failure."""
    error = None
    try:
        answer = api_client.get_json(PROJECTS_API)
        if not answer.ok:
            error = answer.error
    except api_client.ApiUnavailable as unreachable:
        answer = None
        error = "dashboard-api is unreachable"
        log.error("Your Projects: %s", unreachable)

    if error is not None:
        log.error("Your Projects could not be loaded: %s", error)
        return {
            "error": error,
            "assets": presenters.assets(None),
            "accuracy": presenters.accuracy(None),
            "projects": [],
            "freshness_lines": [],
        }

    data = answer.body["data"]
    return {
        "error": None,
        "assets": presenters.assets(data.get("assets")),
        "accuracy": presenters.accuracy(data.get("accuracy")),
        "projects": [presenters.project_card(p) for p in data.get("projects", [])],
        "freshness_lines": freshness.lines(answer.body.get("freshness")),
    }


def _error_page(status: int, message: str):
    titles = {404: "Project not found", 502: "dashboard-api unavailable"}
    page = render_template("error.html", title=titles[status], message=message)
    return page, status
