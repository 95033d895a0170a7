"""A loopback stand-in for Google's REST endpoints, for adapter tests.

The official client libraries are pointed at it (client_options
api_endpoint, anonymous credentials); it records every request and answers
each with the next canned response, so a test drives the real client code
against real-shaped JSON without the internet.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

from tests.support.servers import LoopbackServer

RECORDED = Path(__file__).resolve().parents[1] / "data" / "gcp"


def recorded(name: str) -> Any:
    """A recorded public API response (tests/data/gcp, see its README)."""
    return json.loads((RECORDED / name).read_text())


@dataclass
class Seen:
    method: str
    path: str
    args: dict[str, list[str]]
    body: Any


@dataclass
class FakeGoogleApi:
    answers: deque = field(default_factory=deque)
    seen: list[Seen] = field(default_factory=list)
    server: LoopbackServer | None = None

    def answer(self, body: Any, status: int = 200) -> FakeGoogleApi:
        self.answers.append((status, body))
        return self

    def start(self) -> FakeGoogleApi:
        self.server = LoopbackServer(self._app()).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.stop()

    @property
    def url(self) -> str:
        return self.server.url

    def _app(self) -> Flask:
        app = Flask(__name__)

        @app.route("/<path:path>", methods=["GET", "POST"])
        def reply(path: str):
            self.seen.append(
                Seen(
                    request.method,
                    "/" + path,
                    request.args.to_dict(flat=False),
                    request.get_json(silent=True),
                )
            )
            if not self.answers:
                return _error(500, "the test gave no answer for this request")
            status, body = self.answers.popleft()
            return Response(
                json.dumps(body), status=status, content_type="application/json"
            )

        return app


def _error(status: int, message: str) -> Response:
    body = {"error": {"code": status, "message": message, "status": "INTERNAL"}}
    return Response(json.dumps(body), status=status, content_type="application/json")


def google_error(status: int, message: str, reason: str) -> dict:
    """The error body Google's REST APIs answer with."""
    return {"error": {"code": status, "message": message, "status": reason}}


class FakeMetricService:
    """Cloud Monitoring's MetricService on a loopback gRPC port.

    google-cloud-monitoring has no REST transport (gRPC only), so its tests
    use the client's gRPC transport; each answer is a recorded (or derived)
    timeSeries.list JSON body, parsed into the response message the API
    would send, unknown keys and string int64 values included.
    """

    SERVICE = "google.monitoring.v3.MetricService"

    def __init__(self) -> None:
        self.answers: deque = deque()
        self.seen: list = []
        self._server = None
        self.port = 0

    def answer(self, body: Any, code: str | None = None) -> FakeMetricService:
        self.answers.append((code, body))
        return self

    def start(self) -> FakeMetricService:
        from concurrent.futures import ThreadPoolExecutor

        import grpc
        from google.cloud import monitoring_v3

        handler = grpc.method_handlers_generic_handler(
            self.SERVICE,
            {
                "ListTimeSeries": grpc.unary_unary_rpc_method_handler(
                    self._list_time_series,
                    request_deserializer=monitoring_v3.ListTimeSeriesRequest.deserialize,
                    response_serializer=monitoring_v3.ListTimeSeriesResponse.serialize,
                )
            },
        )
        self._server = grpc.server(ThreadPoolExecutor(max_workers=2))
        self._server.add_generic_rpc_handlers((handler,))
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop(grace=None).wait()

    def client(self):
        """The official client, on an insecure channel to this server."""
        import grpc
        from google.cloud import monitoring_v3
        from google.cloud.monitoring_v3.services.metric_service.transports import (
            MetricServiceGrpcTransport,
        )

        channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        return monitoring_v3.MetricServiceClient(
            transport=MetricServiceGrpcTransport(channel=channel)
        )

    def _list_time_series(self, request, context):
        import grpc
        from google.cloud import monitoring_v3

        self.seen.append(request)
        if not self.answers:
            context.abort(grpc.StatusCode.INTERNAL, "the test gave no answer")
        code, body = self.answers.popleft()
        if code is not None:
            context.abort(getattr(grpc.StatusCode, code), body)
        return monitoring_v3.ListTimeSeriesResponse.from_json(
            json.dumps(body), ignore_unknown_fields=True
        )
