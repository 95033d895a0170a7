"""The metrics-collector Flask app: its HTTP triggers for Cloud Scheduler."""

from __future__ import annotations

from flask import Flask, jsonify

import housekeeping
from metrics_collector import collect_routes
from recs_shared import cloud_logging, settings
from recs_shared.settings import MetricsCollectorSettings


def blueprints() -> list:
    """Every job's HTTP trigger (one line per job)."""
    return [
        collect_routes.blueprint,
    ]


def create_app(config: MetricsCollectorSettings | None = None) -> Flask:
    config = config or settings.load(MetricsCollectorSettings)
    cloud_logging.configure("metrics-collector", config.gcp_project, config.log_level)

    app = Flask(__name__, static_folder=None)
    app.json.sort_keys = False
    app.extensions["settings"] = config
    cloud_logging.install_flask_hooks(app)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    housekeeping.register(app)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app
