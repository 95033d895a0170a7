"""The page tests' API stand-in answers in the real dashboard-api's shapes.

The browser tests of the empty and failing cases run against
tests/support/api_double.py; if the real API's answers changed shape, those
tests would go on passing against answers the page never gets. Here the
stand-in's empty-store payloads are held against what dashboard-api itself
answers on an empty store: the same keys at every level, the same list
lengths and the same kinds of value (numbers, strings, null).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard_api.app import create_app
from tests.support import api_double
from tests.support.dashboard_page import API_PATHS

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def shape(value: Any) -> Any:
    """Keys, list lengths and kinds of value; not the values themselves."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "null" if value is None else type(value).__name__


@pytest.fixture(scope="module")
def real_answers(tmp_path_factory) -> dict[str, Any]:
    from recs_shared import settings
    from recs_shared.store.sqlite_store import SQLiteStore

    folder = tmp_path_factory.mktemp("empty")
    config = settings.load(
        settings.DashboardApiSettings, {"RECS_DATA_DIR": str(folder)}
    )
    app = create_app(config, SQLiteStore(folder / "store.sqlite3"))
    app.extensions["clock"] = lambda: NOW
    client = app.test_client()
    return {key: client.get(path).get_json() for key, path in API_PATHS.items()}


@pytest.mark.parametrize("key", sorted(API_PATHS))
def test_the_stand_ins_empty_answer_has_the_real_apis_shape(real_answers, key):
    stand_in = api_double.ApiDouble(api_double.empty_payloads()).app.test_client()

    answer = stand_in.get(API_PATHS[key]).get_json()

    assert shape(answer) == shape(real_answers[key])
