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
from typing import Any, NamedTuple


class Trace(NamedTuple):
    trace_id: str
    span_id: str  # 16 hex digits, as Cloud Logging's spanId wants; "" if none
    sampled: bool


_trace: contextvars.ContextVar[Trace | None] = contextvars.ContextVar(
    "trace", default=None
)
_message_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "message_id", default=None
)

TRACE_KEY = "logging.googleapis.com/trace"
SPAN_KEY = "logging.googleapis.com/spanId"
SAMPLED_KEY = "logging.googleapis.com/trace_sampled"


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
            entry[TRACE_KEY] = f"projects/{self.project}/traces/{trace.trace_id}"
            if trace.span_id:
                entry[SPAN_KEY] = trace.span_id
            entry[SAMPLED_KEY] = trace.sampled

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


def parse_trace_header(headers: Any) -> Trace | None:
    """The trace of X-Cloud-Trace-Context (TRACE_ID/SPAN_ID;o=1) or traceparent."""
    cloud = headers.get("X-Cloud-Trace-Context", "")
    if cloud:
        trace_id, _, rest = cloud.partition("/")
        span, _, options = rest.partition(";")
        if not trace_id:
            return None
        return Trace(trace_id, _span_hex(span), options.strip() == "o=1")

    # traceparent: version-traceid-parentid-flags (W3C Trace Context)
    parts = headers.get("traceparent", "").split("-")
    if len(parts) == 4 and len(parts[1]) == 32:
        sampled = parts[3][-1:] in {"1", "3", "5", "7", "9", "b", "d", "f"}
        return Trace(parts[1], parts[2], sampled)
    return None


def _span_hex(span: str) -> str:
    # X-Cloud-Trace-Context writes the span id in decimal; Cloud Logging
    # links a line to its span only by the 16-hex-digit form.
    # isascii too: str.isdigit takes "²", which int() refuses.
    if not (span.isascii() and span.isdigit()) or int(span) >= 2**64:
        return ""
    return format(int(span), "016x")


def bind_trace(trace: Trace | None) -> contextvars.Token:
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
