"""Creating a project (POST /api/system/projects/).

The name is trimmed, 1 to 60 characters, without control characters, and
unique regardless of case; the description is optional, up to 2000
characters. A refused request stores nothing and names each fault.

Uniqueness holds under concurrent requests: a project's id is derived
from its name (``p-`` and an ASCII slug), and the store's create-if-absent
decides between two requests for the same name. Names that differ beyond
case but share a slug take the next free suffix (``p-shop-recs-2``).
Projects the platform created with other ids are checked by name first.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load

from dashboard_api.errors import BadRequest
from recs_shared import platform
from recs_shared.store import DocumentStore

DESCRIPTION_MAX = 2000
SLUG_MAX = 40
MAX_SUFFIX = 100


def _no_control_characters(text: str) -> None:
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise ValidationError("Must not contain control characters (tabs, newlines).")


class _TrimmedLength:
    """A length bound on the trimmed text. Not validate.Length on purpose:
    apispec would publish it as a bound on the text as sent, which the
    trimming makes untrue ("  a  " with padding past the bound is fine)."""

    def __init__(self, low: int, high: int, error: str) -> None:
        self.low, self.high, self.error = low, high, error

    def __call__(self, text: str) -> None:
        if not self.low <= len(text) <= self.high:
            raise ValidationError(self.error.format(min=self.low, max=self.high))


class NewProject(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(
        required=True,
        validate=[
            _TrimmedLength(
                1, platform.PROJECT_NAME_MAX, "Must be 1 to {max} characters long."
            ),
            _no_control_characters,
        ],
        metadata={
            "minLength": 1,
            "description": "Trimmed, then 1 to "
            f"{platform.PROJECT_NAME_MAX} characters without control characters; "
            "unique regardless of case.",
        },
    )
    description = fields.String(
        load_default="",
        validate=_TrimmedLength(
            0, DESCRIPTION_MAX, "Longer than maximum length {max}."
        ),
        metadata={"description": f"Trimmed, then up to {DESCRIPTION_MAX} characters."},
    )

    @pre_load
    def trim(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        return {
            key: value.strip() if isinstance(value, str) else value
            for key, value in data.items()
        }


def create(store: DocumentStore, body: Any, now: datetime) -> tuple[str, dict]:
    """Store a new project; BadRequest (nothing stored) when the body is bad."""
    if not isinstance(body, dict):
        raise BadRequest(
            'the body must be a JSON object {"name": ..., "description": ...}'
        )
    try:
        new = NewProject().load(body)
    except ValidationError as error:
        raise BadRequest("the project was not created", fields=error.messages) from None

    key = new["name"].casefold()
    taken = [doc for doc in store.query(platform.PROJECTS) if _key(doc.data) == key]
    if taken:
        _duplicate(new["name"])

    document = {**new, "created_at": now}
    base = project_id_for(new["name"])
    for attempt in range(1, MAX_SUFFIX + 1):
        candidate = base if attempt == 1 else f"{base}-{attempt}"
        if store.create(platform.PROJECTS, candidate, document):
            return candidate, document
        existing = store.get(platform.PROJECTS, candidate)
        if existing is not None and _key(existing) == key:
            _duplicate(new["name"])  # created meanwhile by another request
    raise BadRequest(
        "the project was not created",
        fields={"name": ["Too many projects have a name like this one."]},
    )


def project_id_for(name: str) -> str:
    """p- and an ASCII slug of the name: what the page's links accept."""
    ascii_name = (
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:SLUG_MAX].strip("-")
    return f"p-{slug or 'project'}"


def _key(project: dict) -> str:
    return str(project.get("name", "")).strip().casefold()


def _duplicate(name: str):
    raise BadRequest(
        "the project was not created",
        fields={"name": [f"A project named {name!r} already exists."]},
    )
