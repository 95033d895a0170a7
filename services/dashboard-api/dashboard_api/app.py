"""The dashboard-api Flask app: push endpoints, JSON APIs, the store's one writer."""

from __future__ import annotations

from flask import Flask, jsonify
from marshmallow import Schema, fields

from dashboard_api import (
    errors,
    kept_answers,
    openapi,
    project_routes,
    push,
    system_routes,
)
from dashboard_api.api_docs import documented
from dashboard_api.api_docs import errors as error_answers
from dashboard_api.billing import admin as billing_admin
from dashboard_api.billing import routes as billing_routes
from dashboard_api.push_auth import PushAuthenticator
from dashboard_api.scheduling import routes as scheduler_setup
from recs_shared import cloud_logging, settings
from recs_shared.settings import DashboardApiSettings, SchedulerSettings
from recs_shared.store import DocumentStore, make_store


class Health(Schema):
    status = fields.String(required=True)


def blueprints() -> list:
    """Every route group of the API (one line per group)."""
    return [
        push.blueprint,
        scheduler_setup.blueprint,
        system_routes.blueprint,
        project_routes.blueprint,
        billing_routes.blueprint,
        billing_admin.blueprint,
        openapi.blueprint,
    ]


def create_app(
    config: DashboardApiSettings | None = None, store: DocumentStore | None = None
) -> Flask:
    config = config or settings.load(DashboardApiSettings)
    cloud_logging.configure("dashboard-api", config.gcp_project, config.log_level)

    app = Flask(__name__, static_folder=None)
    app.json.sort_keys = False
    app.extensions["settings"] = config
    app.extensions["store"] = store or make_store(config)
    app.extensions["push_authenticator"] = PushAuthenticator(config)
    if config.profile == "production":
        # Read now, so a missing Scheduler value stops the start-up, not the
        # first set-up call; elsewhere the blueprint reads them when asked.
        app.extensions["scheduler_settings"] = settings.load(SchedulerSettings)

    kept_answers.install(app)
    cloud_logging.install_flask_hooks(app)
    errors.register(app)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)

    @app.get("/healthz")
    @documented("Liveness", {200: Health}, tags=("service",))
    def healthz():
        return jsonify(Health().dump({"status": "ok"}))

    @app.get("/readyz")
    @documented(
        "Readiness: the store answers",
        {200: Health, **error_answers(503)},
        tags=("service",),
    )
    def readyz():
        app.extensions["store"].ping()
        return jsonify(Health().dump({"status": "ready"}))

    return app
