"""Structured JSON logs in the shape Cloud Logging reads from stdout.

Each record is one JSON line with ``severity`` and ``message``; inside a
request it also carries the trace (from ``X-Cloud-Trace-Context`` or W3C
``traceparent``) so Cloud Logging groups a request's lines, and the Pub/Sub
message id while a push is being handled. Extra fields passed with
``extra={"fields": {...}}`` are merged into the line.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

_trace: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "trace", default=None
)
_message_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "message_id", default=None
)

TRACE_KEY = "logging.googleapis.com/trace"
SPAN_KEY = "logging.googleapis.com/spanId"


class CloudLoggingFormatter(logging.Formatter):
    def __init__(self, project: str, service: str) -> None:
        super().__init__()
        self.project = project
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "severity": _severity(record.levelno),
            "message": record.getMessage(),
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "logger": record.name,
            "service": self.service,
        }

        trace = _trace.get()
        if trace:
            trace_id, span_id = trace
            entry[TRACE_KEY] = f"projects/{self.project}/traces/{trace_id}"
            if span_id:
                entry[SPAN_KEY] = span_id

        message_id = _message_id.get()
        if message_id:
            entry["pubsub_message_id"] = message_id

        entry.update(getattr(record, "fields", {}) or {})
        if record.exc_info:
            entry["stack_trace"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _severity(levelno: int) -> str:
    if levelno >= logging.CRITICAL:
        return "CRITICAL"
    if levelno >= logging.ERROR:
        return "ERROR"
    if levelno >= logging.WARNING:
        return "WARNING"
    if levelno >= logging.INFO:
        return "INFO"
    return "DEBUG"


def configure(service: str, project: str, level: str = "INFO") -> None:
    """Send every logger's records to stdout as Cloud Logging JSON lines."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(CloudLoggingFormatter(project, service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)

    # The Google clients log every retry at INFO; keep their warnings only.
    for noisy in ("google", "urllib3", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def parse_trace_header(headers: Any) -> tuple[str, str] | None:
    """(trace id, span id) from X-Cloud-Trace-Context or traceparent."""
    cloud = headers.get("X-Cloud-Trace-Context", "")
    if cloud:
        trace_id, _, rest = cloud.partition("/")
        span_id = rest.split(";", 1)[0]
        return (trace_id, span_id) if trace_id else None

    # traceparent: version-traceid-parentid-flags (W3C Trace Context)
    parts = headers.get("traceparent", "").split("-")
    if len(parts) == 4 and len(parts[1]) == 32:
        return parts[1], parts[2]
    return None


def bind_trace(trace: tuple[str, str] | None) -> contextvars.Token:
    return _trace.set(trace)


def bind_message_id(message_id: str | None) -> contextvars.Token:
    return _message_id.set(message_id)


def install_flask_hooks(app: Any) -> None:
    """Bind the request's trace to every log line written while it runs."""

    @app.before_request
    def _bind_trace() -> None:
        from flask import request

        bind_trace(parse_trace_header(request.headers))
        bind_message_id(None)
