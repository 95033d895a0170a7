"""How a view declares its part of the OpenAPI document (/openapi.json).

A view says what it takes and answers with ``@documented``, naming the same
marshmallow schemas that shape its responses; ``dashboard_api.openapi``
turns every route of the app into an operation from these declarations.
A route without one is left out of the document (with a warning), and a
test fails on it, so the document cannot silently fall behind the routes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from marshmallow import Schema

from dashboard_api.errors import ErrorResponse

ATTRIBUTE = "_openapi_operation"

# A body's schema: a Schema class or instance, a JSON Schema dict for what no
# marshmallow schema shapes (the OpenAPI document itself), or None (204).
Body = type[Schema] | Schema | dict | None


@dataclass(frozen=True)
class Operation:
    summary: str
    responses: Mapping[int, Body]
    description: str = ""
    request_body: Body = None
    tags: tuple[str, ...] = field(default_factory=tuple)


def documented(
    summary: str,
    responses: Mapping[int, Body],
    *,
    description: str = "",
    request_body: Body = None,
    tags: tuple[str, ...] = (),
) -> Callable:
    """Attach an OpenAPI operation to a view function (any decorator order)."""
    operation = Operation(summary, dict(responses), description, request_body, tags)

    def mark(view: Callable) -> Callable:
        setattr(view, ATTRIBUTE, operation)
        return view

    return mark


def operation_of(view: Callable) -> Operation | None:
    return getattr(view, ATTRIBUTE, None)


def errors(*statuses: int) -> dict[int, type[Schema]]:
    """The error answers of a view, all shaped by ErrorResponse."""
    return dict.fromkeys(statuses, ErrorResponse)


def describe_status(status: int) -> str:
    return STATUS_TEXT.get(status, "see the error message")


STATUS_TEXT: dict[int, str] = {
    200: "OK",
    201: "Created",
    204: "Stored, or already stored (a duplicate or older snapshot changes nothing)",
    400: "Bad input; the error names the fault and nothing was changed",
    401: "Missing or invalid push token",
    403: "Not allowed",
    404: "Not found",
    500: "Server misconfiguration; the error says what to set",
    501: "Not available in this profile",
    502: "An upstream Google API failed",
    503: "The dashboard store is unavailable; retry later",
}
