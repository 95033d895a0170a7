"""Creating a project (POST /api/system/projects/).

The name is trimmed, NFC-normalised and stored so, 1 to 60 characters,
without control, format, separator or surrogate characters, and unique
regardless of case and of Unicode compatibility forms (compared after NFKC
and casefold, so "ｓｈｏｐ" and "Shop" collide). The description is optional,
up to 2000 characters, newlines allowed, but no surrogates and no bidi
overrides. A refused request stores nothing and names each fault.

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


# Why each is refused in a name: Cc breaks the one-line layout; Cf hides
# text (zero-width space) or reorders it (bidi overrides) so two names look
# alike; Zl/Zp break lines; Cs (a lone UTF-16 surrogate, which JSON allows)
# cannot be encoded as UTF-8, so every page showing it would fail.
SURROGATES = "unpaired UTF-16 surrogates (not valid Unicode text)"
BIDI = "bidi overrides or isolates (U+202A to U+202E, U+2066 to U+2069)"
NAME_REFUSED = {
    "Cc": "control characters (tabs, newlines)",
    "Cf": "invisible format characters (zero-width spaces, bidi controls)",
    "Zl": "line separators",
    "Zp": "paragraph separators",
    "Cs": SURROGATES,
}
# A description is free text with newlines, but it must still be encodable
# and must not reorder the page's text around it.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _refused(what: str, text: str, position: int) -> ValidationError:
    code = f"U+{ord(text[position]):04X}"
    return ValidationError(
        f"Must not contain {what}; found {code} at position {position + 1}."
    )


def _name_characters(text: str) -> None:
    for position, char in enumerate(text):
        what = NAME_REFUSED.get(unicodedata.category(char))
        if what:
            raise _refused(what, text, position)


def _description_characters(text: str) -> None:
    for position, char in enumerate(text):
        if unicodedata.category(char) == "Cs":
            raise _refused(SURROGATES, text, position)
        if char in BIDI_CONTROLS:
            raise _refused(BIDI, text, position)


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
            _name_characters,
        ],
        metadata={
            "minLength": 1,
            "description": "Trimmed and NFC-normalised, then 1 to "
            f"{platform.PROJECT_NAME_MAX} characters without control, format, "
            "line/paragraph separator or surrogate characters; unique regardless "
            "of case and compatibility forms (compared after NFKC and casefold).",
        },
    )
    description = fields.String(
        load_default="",
        validate=[
            _TrimmedLength(0, DESCRIPTION_MAX, "Longer than maximum length {max}."),
            _description_characters,
        ],
        metadata={
            "description": f"Trimmed, then up to {DESCRIPTION_MAX} characters; "
            "newlines allowed, surrogates and bidi overrides/isolates not."
        },
    )

    @pre_load
    def trim(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        trimmed = {
            key: value.strip() if isinstance(value, str) else value
            for key, value in data.items()
        }
        if isinstance(trimmed.get("name"), str):
            # Stored NFC, before the length bound: the same name typed on two
            # keyboards (é as one code point or as e + accent) is then the
            # same text, of the same length, on every page.
            trimmed["name"] = unicodedata.normalize("NFC", trimmed["name"])
        return trimmed


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

    key = name_key(new["name"])
    taken = [doc for doc in store.query(platform.PROJECTS) if _key(doc.data) == key]
    if taken:
        _duplicate(new["name"])

    document = {**new, "created_at": now}
    # The id comes from the key, so two names with one key share a slug and
    # the store's create-if-absent decides a race between them.
    base = project_id_for(key)
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


def name_key(name: str) -> str:
    """What uniqueness compares: NFKC then casefold, so full-width "ｓｈｏｐ",
    "Shop" and "SHOP" are one name, and NFC and NFD spellings too."""
    return unicodedata.normalize("NFKC", name.strip()).casefold()


def _key(project: dict) -> str:
    return name_key(str(project.get("name", "")))


def _duplicate(name: str):
    raise BadRequest(
        "the project was not created",
        fields={"name": [f"A project named {name!r} already exists."]},
    )
