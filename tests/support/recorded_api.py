"""A loopback stand-in for a Google REST API that answers recorded responses.

A test queues the responses it expects, per method and path, and the real
client library (pointed here through client_options api_endpoint) gets them
in order. Every request is kept, with its query and JSON body, so the test can
check what the client sent. A request nobody expected gets a 501 whose message
names it, which fails the client call loudly.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, request

from tests.support.servers import LoopbackServer

DATA = Path(__file__).resolve().parents[1] / "data"


def recorded(relative: str) -> Any:
    """A recorded response body from tests/data."""
    return json.loads((DATA / relative).read_text())


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, str]
    body: Any


class RecordedApi:
    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], deque] = defaultdict(deque)
        self.received: list[Received] = []
        self.server = LoopbackServer(self._app())

    @property
    def endpoint(self) -> str:
        return self.server.url

    def answer(self, method: str, path: str, status: int, body: Any) -> None:
        self.answers[(method, path)].append((status, body))

    def received_for(self, method: str) -> list[Received]:
        return [r for r in self.received if r.method == method]

    def _app(self) -> Flask:
        app = Flask("recorded_api")

        @app.route("/<path:path>", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
        def respond(path: str):
            key = (request.method, "/" + path)
            self.received.append(
                Received(
                    request.method,
                    key[1],
                    dict(request.args),
                    request.get_json(silent=True),
                )
            )
            if not self.answers[key]:
                return {
                    "error": {
                        "code": 501,
                        "message": f"no recorded answer for {key[0]} {key[1]}",
                        "status": "UNIMPLEMENTED",
                    }
                }, 501
            status, body = self.answers[key].popleft()
            return app.response_class(
                json.dumps(body), status=status, mimetype="application/json"
            )

        return app

    def __enter__(self) -> RecordedApi:
        self.server.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()
