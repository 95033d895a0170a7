"""The web Flask app: the System Dashboard page and the /api forwarding."""

from __future__ import annotations

import requests
from flask import Flask, g, jsonify
from flask_compress import Compress

from recs_shared import cloud_logging, settings
from recs_shared.settings import WebSettings
from web_app import identity, pages, presenters, proxy, security


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

    # The first load carries Chart.js, Font Awesome and the page's CSS: sent
    # compressed, it stays within the page's transfer budget (bench/).
    Compress(app)
    cloud_logging.install_flask_hooks(app)
    identity.install(app)
    security.install(app)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(proxy.blueprint)
    _install_template_helpers(app, config)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


def _install_template_helpers(app: Flask, config: WebSettings) -> None:
    app.jinja_env.filters["utc_time"] = presenters.utc_time
    app.jinja_env.filters["decimal"] = presenters.decimal

    @app.context_processor
    def _page_context():
        return {"project_id": config.gcp_project, "user": g.get("user")}
