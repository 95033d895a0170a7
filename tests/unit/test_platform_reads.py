"""Platform documents loaded through their schemas, remembered by content."""

from __future__ import annotations

from datetime import UTC, datetime

from dashboard_api import platform_reads
from recs_shared import platform
from recs_shared.store import Doc, to_storable
from tests.support.platform_docs import project

CREATED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def stored(name: str, description: str = "") -> dict:
    return to_storable(project(name, CREATED, description))


def test_a_changed_document_is_loaded_afresh_not_remembered():
    first = platform_reads.load(platform.PROJECTS, [Doc("p-a", stored("shop"))])
    again = platform_reads.load(platform.PROJECTS, [Doc("p-a", stored("shop"))])
    changed = platform_reads.load(platform.PROJECTS, [Doc("p-a", stored("books"))])

    assert first == again
    assert first[0][1]["name"] == "shop"
    assert changed[0][1]["name"] == "books"
    assert first[0][1]["created_at"] == CREATED


def test_what_a_caller_changes_does_not_reach_the_next_load():
    [(_, loaded)] = platform_reads.load(platform.PROJECTS, [Doc("p-a", stored("x"))])
    loaded["name"] = "tampered"

    [(_, again)] = platform_reads.load(platform.PROJECTS, [Doc("p-a", stored("x"))])

    assert again["name"] == "x"


def test_a_refused_document_is_skipped_at_every_load(caplog):
    broken = {**stored("y"), "created_at": "yesterday"}

    for _ in range(2):
        assert platform_reads.load(platform.PROJECTS, [Doc("p-b", broken)]) == []

    skipped = [r for r in caplog.records if "p-b" in r.getMessage()]
    assert len(skipped) == 2
