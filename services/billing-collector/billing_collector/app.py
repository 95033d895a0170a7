"""The billing-collector Flask app: its HTTP triggers for Cloud Scheduler.

``POST /`` and ``POST /api/system/collect-billing-webhook/`` (the spec's
path) take an optional JSON body ``{"date": "YYYY-MM-DD", "backfill_days":
N, "dry_run": true}`` and answer with a JSON summary of the days collected.
200: published (or, dry run, what would be); 400: a bad request, with the
fault; 500/503: nothing was published, with the reason. Cloud Scheduler
retries any non-2xx answer, which is what a failure of BigQuery needs.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, jsonify, request

from billing_collector import runs
from billing_collector.collect import RequestError, check_settings
from billing_collector.export_source import ExportSource, make_source
from recs_shared import cloud_logging, settings
from recs_shared.publisher import Publisher, make_publisher
from recs_shared.settings import BillingCollectorSettings
from recs_shared.store import DocumentStore, make_store
from recs_shared.trigger_options import query_fault

WEBHOOK_PATH = "/api/system/collect-billing-webhook/"


def create_app(
    config: BillingCollectorSettings | None = None,
    store: DocumentStore | None = None,
    source: ExportSource | None = None,
    publisher_factory: Callable[[], Publisher] | None = None,
) -> Flask:
    config = config or settings.load(BillingCollectorSettings)
    check_settings(config)
    cloud_logging.configure("billing-collector", config.gcp_project, config.log_level)

    app = Flask(__name__, static_folder=None)
    app.json.sort_keys = False
    app.extensions["settings"] = config
    app.extensions["store"] = store or make_store(config)
    app.extensions["source"] = source or make_source(config)
    app.extensions["publisher_factory"] = publisher_factory or (
        lambda: make_publisher(config)
    )
    cloud_logging.install_flask_hooks(app)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.post("/")
    @app.post(WEBHOOK_PATH)
    def collect_billing():
        fault = query_fault(request.args, runs.RequestSchema().fields)
        if fault:
            return jsonify(status="error", error=fault), 400
        # Cloud Scheduler may send a JSON body without a JSON content type.
        body = request.get_json(force=True, silent=True) if request.get_data() else {}
        if body is None:
            return jsonify(status="error", error="the request body is not JSON"), 400
        try:
            parsed = runs.parse_request(body)
        except RequestError as error:
            return jsonify(status="error", error=str(error)), 400

        answer = runs.run(
            parsed,
            config=config,
            store=app.extensions["store"],
            source=app.extensions["source"],
            make_publisher=app.extensions["publisher_factory"],
        )
        return jsonify(answer.body), answer.status

    return app
