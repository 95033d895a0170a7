"""Your Projects: the list with assets and accuracy, creation, one project."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from dashboard_api import clock, project_creation, projects, system_freshness
from dashboard_api.api_docs import documented, errors
from dashboard_api.errors import error_response
from dashboard_api.kept_answers import kept
from dashboard_api.project_creation import NewProject
from dashboard_api.project_schemas import (
    ProjectCreatedResponse,
    ProjectDetailResponse,
    ProjectsResponse,
)

blueprint = Blueprint("your_projects", __name__, url_prefix="/api/system/projects")

# Built once: building a response schema cost more than dumping an answer.
PROJECTS = ProjectsResponse()
CREATED = ProjectCreatedResponse()
DETAIL = ProjectDetailResponse()


def _store():
    return current_app.extensions["store"]


@blueprint.get("/")
@kept
@documented(
    "Your Projects: assets, accuracy, one summary per project",
    {200: ProjectsResponse, **errors(503)},
)
def list_projects():
    now = clock.now()
    body = {
        "success": True,
        "data": projects.overview(_store(), now),
        "freshness": system_freshness.of_platform(now),
    }
    return jsonify(PROJECTS.dump(body))


@blueprint.post("/")
@documented(
    "Create a project",
    {201: ProjectCreatedResponse, **errors(400, 503)},
    request_body=NewProject,
)
def create_project():
    now = clock.now()
    project_id, document = project_creation.create(
        _store(), request.get_json(silent=True), now
    )
    body = {
        "success": True,
        "data": projects.summary(project_id, document, endpoints=[], models=[]),
        "freshness": system_freshness.of_platform(now),
    }
    return jsonify(CREATED.dump(body)), 201


@blueprint.get("/<project_id>/")
@kept
@documented(
    "One project's page data",
    {200: ProjectDetailResponse, **errors(404, 503)},
)
def get_project(project_id: str):
    found = projects.detail(_store(), project_id)
    if found is None:
        return error_response(f"no project with id {project_id!r}", 404)
    body = {
        "success": True,
        "data": found,
        "freshness": system_freshness.of_platform(clock.now()),
    }
    return jsonify(DETAIL.dump(body))
