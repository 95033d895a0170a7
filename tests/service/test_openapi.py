"""/openapi.json: every route documented, a valid OpenAPI 3.1 document, and
real responses (of a seeded store) valid against the schemas it publishes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import jsonify
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from dashboard_api import openapi
from dashboard_api.app import create_app
from recs_shared import platform
from tests.support import resilience
from tests.support.push import envelope_with_payload

INTERNAL_COST_FIELDS = {"gcp_cost", "margin_pct", "platform_fee", "tax_cost"}
DOCUMENT_URI = "urn:dashboard-api:openapi"


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory):
    from recs_shared import settings
    from recs_shared.store.sqlite_store import SQLiteStore

    folder = tmp_path_factory.mktemp("openapi")
    config = settings.load(
        settings.DashboardApiSettings, {"RECS_DATA_DIR": str(folder)}
    )
    app = create_app(config, SQLiteStore(folder / "store.sqlite3"))
    resilience.seed(app, datetime.now(UTC))
    return app


@pytest.fixture(scope="module")
def document(seeded_app) -> dict:
    return seeded_app.test_client().get("/openapi.json").json


def routes_of(app) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every route, converted apart from the code."""
    found = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method.lower(), path))
    return found


def validator_for(document: dict, status: str, path: str, method: str):
    """A validator of one documented response, resolving the document's $refs."""
    registry = Registry().with_resource(
        DOCUMENT_URI,
        Resource.from_contents(document, default_specification=DRAFT202012),
    )
    tokens = ("paths", path, method, "responses", status, "content")
    pointer = "".join(f"/{_escape(token)}" for token in tokens)
    pointer += "/application~1json/schema"
    return Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry
    )


def _escape(token: str) -> str:
    # JSON Pointer (RFC 6901): "~" is "~0" and "/" is "~1" inside a token.
    return token.replace("~", "~0").replace("/", "~1")


def assert_matches(document, response, path: str, method: str = "get") -> None:
    status = str(response.status_code)
    errors = sorted(
        validator_for(document, status, path, method).iter_errors(response.json),
        key=str,
    )
    assert not errors, f"{method.upper()} {path} {status}: {errors[0].message}"


def test_every_route_and_method_of_the_app_is_in_the_document(seeded_app, document):
    documented = {
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }

    assert openapi.undocumented(seeded_app) == []
    assert documented == routes_of(seeded_app)


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate_openapi(document)


def test_a_route_without_a_declaration_is_reported_and_left_out(api_settings, tmp_path):
    from recs_shared.store.sqlite_store import SQLiteStore

    app = create_app(api_settings, SQLiteStore(tmp_path / "store.sqlite3"))
    app.add_url_rule("/stray/<int:n>", "stray", lambda n: jsonify(n=n))

    assert openapi.undocumented(app) == ["GET /stray/<int:n>"]
    assert "/stray/{n}" not in openapi.document(app)["paths"]


def test_path_parameters_are_declared_with_their_type(document):
    item = document["paths"]["/api/system/projects/{project_id}/"]

    assert item["parameters"] == [
        {
            "in": "path",
            "name": "project_id",
            "required": True,
            "schema": {"type": "string"},
        }
    ]


def test_no_client_response_schema_can_carry_an_internal_cost(document):
    schemas = document["components"]["schemas"]
    reached: set[str] = set()

    def visit(node) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            if ref and name not in reached:
                reached.add(name)
                visit(schemas[name])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for path, item in document["paths"].items():
        if path.startswith("/api/system/"):
            for method in set(item) - {"parameters"}:
                visit(item[method]["responses"])
    properties = {
        name for schema in reached for name in schemas[schema].get("properties", {})
    }

    assert reached, "no response schema was reached"
    assert properties & INTERNAL_COST_FIELDS == set()


@pytest.mark.parametrize(
    "path",
    [
        "/api/system/kpis/",
        "/api/system/resource-charts/",
        "/api/system/charts/",
        "/api/system/recent-activity/",
        "/api/system/projects/",
        "/api/system/billing/summary/",
        "/api/system/billing/charts/",
        "/api/system/billing/invoice/",
        "/api/admin/billing-config/",
        "/healthz",
        "/readyz",
    ],
)
def test_seeded_answers_match_their_documented_schema(seeded_app, document, path):
    response = seeded_app.test_client().get(path)

    assert response.status_code == 200
    assert_matches(document, response, path)


def test_the_seeded_store_fills_the_lists_the_schemas_describe(seeded_app):
    # Otherwise the checks above would only have seen empty lists.
    client = seeded_app.test_client()
    charts = client.get("/api/system/billing/charts/").json["data"]
    resources = client.get("/api/system/resource-charts/").json

    assert charts["cost_per_training"]["labels"]
    assert charts["daily_spend"]["labels"]
    assert resources["data"]["gpu_types"]["types"]
    assert resources["freshness"]["snapshot_date"]
    assert client.get("/api/system/projects/").json["data"]["projects"]


def test_a_project_page_and_an_unknown_project_match_the_document(seeded_app, document):
    client = seeded_app.test_client()
    project_id = seeded_app.extensions["store"].query(platform.PROJECTS, limit=1)[0].id
    path = "/api/system/projects/{project_id}/"

    found = client.get(f"/api/system/projects/{project_id}/")
    missing = client.get("/api/system/projects/p-nobody/")

    assert (found.status_code, missing.status_code) == (200, 404)
    assert found.json["data"]["training_runs"]
    assert_matches(document, found, path)
    assert_matches(document, missing, path)


def test_refusals_match_the_documented_error_shape(seeded_app, document):
    client = seeded_app.test_client()

    bad_project = client.post("/api/system/projects/", json={"name": "", "x": 1})
    bad_config = client.put("/api/admin/billing-config/", json={"vat_pct": 7})
    bad_push = client.post("/push/billing", json=envelope_with_payload({"a": 1}))
    local_setup = client.post("/api/system/setup-metrics-scheduler/", json={"url": 3})

    assert bad_project.status_code == 400
    assert_matches(document, bad_project, "/api/system/projects/", "post")
    assert bad_config.status_code == 400
    assert_matches(document, bad_config, "/api/admin/billing-config/", "put")
    assert bad_push.status_code == 400
    assert_matches(document, bad_push, "/push/billing", "post")
    assert local_setup.status_code == 400
    assert local_setup.json["fields"] == {"url": ["Not a valid string."]}
    assert_matches(
        document, local_setup, "/api/system/setup-metrics-scheduler/", "post"
    )


def test_a_padded_name_is_bounded_after_trimming_as_documented(seeded_app, document):
    # schemathesis found the document bounding the name as sent (maxLength
    # 60) while the API trims first; the bound now applies to the trimmed
    # name only, and the document no longer claims the other.
    name_schema = document["components"]["schemas"]["NewProject"]["properties"]["name"]
    client = seeded_app.test_client()
    padded = "  " + "n" * 60 + "  "

    created = client.post("/api/system/projects/", json={"name": padded})
    too_long = client.post("/api/system/projects/", json={"name": "m" * 61})

    assert "maxLength" not in name_schema
    assert created.status_code == 201
    assert created.json["data"]["name"] == "n" * 60
    assert too_long.status_code == 400
