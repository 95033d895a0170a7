"""JSON Schemas of the events, generated from their marshmallow schemas.

The files in docs/events/ are this module's output; a test regenerates them
and fails when they differ, so the published schemas cannot drift from the
code. Regenerate with ``python -m recs_shared.events.jsonschema docs/events``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from recs_shared.events import fields as event_fields
from recs_shared.events.schemas import SCHEMAS

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def new_spec(
    title: str,
    version: str,
    schema_name_resolver: Callable[[Any], str | None] | None = None,
    **options: Any,
) -> APISpec:
    """An OpenAPI 3.1 spec whose converter knows the contract's field types.

    ``schema_name_resolver`` names the components of nested schemas
    (apispec's default strips "Schema" from the class name).
    """
    plugin = MarshmallowPlugin(schema_name_resolver=schema_name_resolver)
    spec = APISpec(title, version, "3.1.0", plugins=[plugin], **options)
    plugin.map_to_openapi_type(event_fields.Money, "string", None)
    plugin.map_to_openapi_type(event_fields.UTCDay, "string", "date")
    plugin.map_to_openapi_type(event_fields.Timestamp, "string", "date-time")
    plugin.converter.add_attribute_function(_contract_attributes)
    return spec


def _contract_attributes(self, field, ret: dict, **kwargs) -> dict[str, Any]:
    # "format" only annotates in JSON Schema 2020-12; the patterns make a
    # plain validator enforce the same shapes the marshmallow fields do.
    if isinstance(field, event_fields.Money):
        whole, places = event_fields.MONEY_DIGITS, event_fields.MONEY_PLACES
        # [0-9], not \d: some validators' \d takes any Unicode digit.
        return {"pattern": rf"^-?[0-9]{{1,{whole}}}(\.[0-9]{{1,{places}}})?$"}
    if isinstance(field, event_fields.UTCDay):
        return {"pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if isinstance(field, event_fields.Timestamp):
        return {"pattern": "^" + event_fields.RFC3339_PATTERN + "$"}
    if isinstance(field, event_fields.Count):
        return {"minimum": 0, "maximum": event_fields.COUNT_LIMIT}
    if isinstance(field, event_fields.NonNegativeFloat):
        return {"minimum": 0}
    if isinstance(field, event_fields.StrictString):
        return {"minLength": 1}
    return {}


def json_schema(event_type: str, version: int) -> dict[str, Any]:
    spec = new_spec(event_type, str(version))
    name = SCHEMAS[(event_type, version)].__name__
    spec.components.schema(name, schema=SCHEMAS[(event_type, version)])

    definitions = json.loads(
        json.dumps(spec.to_dict()["components"]["schemas"]).replace(
            "#/components/schemas/", "#/$defs/"
        )
    )
    root = definitions.pop(name)
    root["properties"]["event_type"] = {"const": event_type}
    root["properties"]["schema_version"] = {"const": version}
    return {
        "$schema": DIALECT,
        "$id": f"{event_type}.v{version}.schema.json",
        "title": f"{event_type}, schema_version {version}",
        **root,
        "$defs": definitions,
    }


def file_name(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}.schema.json"


def render(event_type: str, version: int) -> str:
    return json.dumps(json_schema(event_type, version), indent=2) + "\n"


def write_all(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for event_type, version in SCHEMAS:
        (folder / file_name(event_type, version)).write_text(
            render(event_type, version)
        )


if __name__ == "__main__":
    write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/events"))
