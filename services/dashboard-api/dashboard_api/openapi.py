"""GET /openapi.json: the API's OpenAPI 3.1 document, generated from the app.

Every route of the app's url_map becomes an operation, from what its view
declares with ``api_docs.documented``: the same marshmallow schemas that
shape its responses, converted by apispec (recs_shared.events.jsonschema
teaches it the contract's fields). The event schemas are components too,
for the push endpoints. The document is built once per app, on first use.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from marshmallow import Schema
from werkzeug.routing import Rule

from dashboard_api import api_docs
from dashboard_api.api_docs import Operation, documented
from recs_shared.events.jsonschema import new_spec
from recs_shared.events.schemas import SCHEMAS

log = logging.getLogger(__name__)
blueprint = Blueprint("openapi", __name__)

TITLE = "Recs Studio dashboard-api"
VERSION = "1"
DESCRIPTION = (
    "Push endpoints for the snapshot topics, the System Dashboard's JSON APIs "
    "and the operators' endpoints. Conventions (money, days, freshness, "
    "errors): docs/api.md."
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PATH_PARAMETER = re.compile(r"<(?:(?P<converter>[^:<>]+):)?(?P<name>[^<>]+)>")
_PARAMETER_TYPES = {"int": "integer", "float": "number"}


@blueprint.get("/openapi.json")
@documented(
    "This OpenAPI document",
    {200: {"type": "object", "description": "An OpenAPI 3.1 document"}},
    tags=("meta",),
)
def openapi_document():
    extensions = current_app.extensions
    if "openapi" not in extensions:
        extensions["openapi"] = document(current_app)
    return jsonify(extensions["openapi"])


def document(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of every documented route of ``app``."""
    spec = new_spec(
        TITLE,
        VERSION,
        schema_name_resolver=ComponentNames(),
        info={"description": DESCRIPTION},
    )
    for (event_type, version), schema in sorted(SCHEMAS.items()):
        spec.components.schema(f"{event_type}.v{version}", schema=schema)

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        operations = _operations(app, rule)
        if operations:
            spec.path(
                path=openapi_path(rule),
                operations=operations,
                parameters=_path_parameters(rule),
            )
    return spec.to_dict()


def undocumented(app: Flask) -> list[str]:
    """``METHOD path`` of each route whose view declares no operation."""
    return [
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods & set(METHODS))
        if api_docs.operation_of(app.view_functions[rule.endpoint]) is None
    ]


def openapi_path(rule: Rule) -> str:
    """Flask's ``/projects/<project_id>/`` as OpenAPI's ``/projects/{project_id}/``."""
    return _PATH_PARAMETER.sub(lambda m: "{" + m["name"] + "}", rule.rule)


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    return [
        {
            "in": "path",
            "name": match["name"],
            "required": True,
            "schema": {"type": _PARAMETER_TYPES.get(match["converter"], "string")},
        }
        for match in _PATH_PARAMETER.finditer(rule.rule)
    ]


def _operations(app: Flask, rule: Rule) -> dict[str, Any]:
    operation = api_docs.operation_of(app.view_functions[rule.endpoint])
    if operation is None:
        log.warning(
            "route %s (%s) declares no OpenAPI operation; it is left out of "
            "/openapi.json: decorate its view with api_docs.documented",
            rule.rule,
            rule.endpoint,
        )
        return {}

    return {
        method.lower(): _operation(operation, rule.endpoint, method)
        for method in sorted(rule.methods & set(METHODS))
    }


def _operation(operation: Operation, endpoint: str, method: str) -> dict[str, Any]:
    tag = endpoint.partition(".")[0] if "." in endpoint else "service"
    described: dict[str, Any] = {
        "operationId": f"{endpoint}.{method.lower()}",
        "summary": operation.summary,
        "tags": list(operation.tags or (tag,)),
        "responses": {
            str(status): _response(status, body)
            for status, body in sorted(operation.responses.items())
        },
    }
    if operation.description:
        described["description"] = operation.description
    if operation.request_body is not None:
        described["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": operation.request_body}},
        }
    return described


def _response(status: int, body: api_docs.Body) -> dict[str, Any]:
    response: dict[str, Any] = {"description": api_docs.describe_status(status)}
    if body is not None:
        response["content"] = {"application/json": {"schema": body}}
    return response


class ComponentNames:
    """Component names of the nested schemas: the class name without
    "Schema", qualified by its package when two classes share a name (the
    billing and the system responses both have a Freshness). A schema
    instance narrowed by only, exclude or partial is inlined, not named."""

    def __init__(self) -> None:
        self.owners: dict[str, type] = {}

    def __call__(self, schema: type[Schema] | Schema) -> str | None:
        if isinstance(schema, Schema) and (
            schema.only or schema.exclude or schema.partial
        ):
            return None
        cls = schema if isinstance(schema, type) else type(schema)
        name = cls.__name__.removesuffix("Schema") or cls.__name__
        if self.owners.setdefault(name, cls) is not cls:
            name = _package_tag(cls) + name
            self.owners.setdefault(name, cls)
        return name


def _package_tag(cls: type) -> str:
    # dashboard_api.billing.responses -> Billing; dashboard_api.system_freshness
    # -> System.
    parts = cls.__module__.split(".")
    return parts[min(1, len(parts) - 1)].split("_")[0].title()
