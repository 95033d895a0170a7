"""The web Flask app: the System Dashboard page and the /api forwarding."""

from __future__ import annotations

import requests
from flask import Flask, jsonify, render_template

from recs_shared import cloud_logging, settings
from recs_shared.settings import WebSettings
from web_app import proxy


def create_app(config: WebSettings | None = None) -> Flask:
    config = config or settings.load(WebSettings)
    cloud_logging.configure("web", config.gcp_project, config.log_level)

    app = Flask(__name__)
    app.extensions["settings"] = config
    app.extensions["http"] = requests.Session()
    if config.api_identity_token:
        app.extensions["identity_tokens"] = proxy.IdentityTokens(
            config.dashboard_api_url
        )

    cloud_logging.install_flask_hooks(app)
    app.register_blueprint(proxy.blueprint)

    @app.get("/")
    def dashboard():
        return render_template("dashboard.html", project_id=config.gcp_project)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app
