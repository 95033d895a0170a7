"""The real dashboard-api with the local demo data, and web in front of it.

dashboard-api runs in-process on a free loopback port with an SQLite store
in an isolated data folder; the demo steps of ``make run`` (devtools/demo.py)
prepare the data, and what they published through the embedded bridge is
delivered to dashboard-api before the page is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from devtools import demo
from devtools.run_local import stack_environment
from recs_shared import settings
from recs_shared.publisher import make_deliverer
from recs_shared.publisher.outbox import Outbox
from tests.support import web
from tests.support.dashboard_page import API_PATHS
from tests.support.servers import LoopbackServer, free_port

MAX_DELIVERY_ROUNDS = 50


@dataclass
class RealStack:
    api: LoopbackServer
    site: LoopbackServer

    @property
    def url(self) -> str:
        return self.site.url

    def stop(self) -> None:
        self.site.stop()
        self.api.stop()


def missing_apis() -> list[str]:
    """The page's GET APIs that dashboard-api does not serve (yet)."""
    from dashboard_api.app import blueprints

    served = {rule.rule for blueprint in blueprints() for rule in _rules_of(blueprint)}
    return [path for path in API_PATHS.values() if path not in served]


def _rules_of(blueprint) -> list:
    from flask import Flask

    app = Flask("probe")
    app.register_blueprint(blueprint)
    return list(app.url_map.iter_rules())


def start(data_dir: Path) -> RealStack:
    from dashboard_api.app import create_app

    api_port = free_port()
    environ = {
        "RECS_DATA_DIR": str(data_dir),
        "RECS_API_PORT": str(api_port),
        "RECS_GCP_PROJECT": "b2b-recs",
    }
    api_config = settings.load(settings.DashboardApiSettings, environ)
    api = LoopbackServer(create_app(api_config), port=api_port).start()

    local = settings.load(settings.LocalStackSettings, environ)
    env = stack_environment(local, "local")
    demo.prepare(local, env)
    _deliver_outbox(settings.load(settings.CollectorSettings, env))

    site = web.start(web.web_app(api.url, data_dir))
    return RealStack(api, site)


def _deliver_outbox(config: settings.CollectorSettings) -> None:
    outbox = Outbox(config.outbox_path)
    deliverer = make_deliverer(config, outbox)
    for _ in range(MAX_DELIVERY_ROUNDS):
        deliverer.deliver_due()
        if not outbox.pending():
            return
    raise AssertionError(
        f"{len(outbox.pending())} demo event(s) were not delivered to dashboard-api"
    )
