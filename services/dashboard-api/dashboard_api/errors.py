"""JSON error answers: every error this API gives is {"error": "..."}."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from recs_shared.store import StoreUnavailable

log = logging.getLogger(__name__)


class BadRequest(Exception):
    """A client fault: answered 400 with the reason, nothing is changed."""

    status = 400

    def __init__(self, message: str, fields: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ErrorResponse(Schema):
    """Every error answer: the reason, and for a form each faulty field's."""

    success = fields.Boolean(required=True)
    error = fields.String(required=True)
    fields = fields.Dict(
        keys=fields.String(), values=fields.Raw(), metadata={"type": "object"}
    )


ERROR = ErrorResponse()


def error_response(message: str, status: int, **extra):
    body = {"success": False, "error": message, **extra}
    return jsonify(ERROR.dump(body)), status


def register(app: Flask) -> None:
    @app.errorhandler(BadRequest)
    def _bad_request(error: BadRequest):
        extra = {"fields": error.fields} if error.fields else {}
        return error_response(error.message, error.status, **extra)

    @app.errorhandler(StoreUnavailable)
    def _store_unavailable(error: StoreUnavailable):
        log.error("store unavailable: %s", error)
        return error_response("the dashboard store is unavailable; retry later", 503)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return error_response(error.description or error.name, error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error")
        return error_response("internal error; see the service logs", 500)
