"""Log lines are Cloud Logging JSON with severity, trace and message id."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask

from recs_shared import cloud_logging


def test_a_request_log_line_carries_severity_trace_and_message_id(capsys):
    cloud_logging.configure("dashboard-api", "b2b-recs")
    app = Flask("t")
    cloud_logging.install_flask_hooks(app)

    @app.post("/push")
    def push():
        cloud_logging.bind_message_id("msg-42")
        logging.getLogger("t").warning(
            "refused %s", "it", extra={"fields": {"day": "d"}}
        )
        return "", 204

    app.test_client().post("/push", headers={"X-Cloud-Trace-Context": "abc123/456;o=1"})

    entry = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert entry["severity"] == "WARNING"
    assert entry["message"] == "refused it"
    assert entry["logging.googleapis.com/trace"] == "projects/b2b-recs/traces/abc123"
    # The header's span id is decimal; Cloud Logging wants 16 hex digits.
    assert entry["logging.googleapis.com/spanId"] == "00000000000001c8"
    assert entry["logging.googleapis.com/trace_sampled"] is True
    assert entry["pubsub_message_id"] == "msg-42"
    assert entry["day"] == "d"
    assert entry["service"] == "dashboard-api"


def test_the_w3c_traceparent_header_is_understood_too():
    headers = {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}

    assert cloud_logging.parse_trace_header(headers) == (
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7",
        True,
    )


@pytest.mark.parametrize("span", ["abc", "1\u00b2", "99999999999999999999"])
def test_an_unsampled_trace_and_a_malformed_span_id_are_kept_apart(span):
    trace = "105445aa7843bc8bf206b12000100000"
    headers = {"X-Cloud-Trace-Context": f"{trace}/{span};o=0"}

    assert cloud_logging.parse_trace_header(headers) == (trace, "", False)


def test_no_header_means_no_trace():
    assert cloud_logging.parse_trace_header({}) is None
