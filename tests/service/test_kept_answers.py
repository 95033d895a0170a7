"""dashboard-api keeps the page's answers while the store and the minute stay the
same (dashboard_api.kept_answers), and never serves one the store has moved past.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from dashboard_api.kept_answers import EXTENSION, KeptAnswers
from devtools import platform_seed
from recs_shared import platform, settings
from recs_shared.store import StoreUnavailable
from recs_shared.store.sqlite_store import SQLiteStore
from tests.support import pinned_api
from tests.support.dashboard_page import API_PATHS
from tests.support.pinned_api import Clock
from tests.support.platform_docs import CountingStore, project

NOW = datetime(2026, 12, 3, 12, 0, 10, tzinfo=UTC)
PROJECTS_URL = API_PATHS["projects"]
KEPT_PATHS = [
    *API_PATHS.values(),
    "/api/system/charts/",
    "/api/system/recent-activity/",
]


@pytest.fixture
def seeded(sqlite_store):
    platform_seed.write(sqlite_store, platform_seed.build(NOW, seed=5))
    return sqlite_store


def client_for(api_settings, store, clock):
    client = pinned_api.client(api_settings, store, clock)
    app = client.application

    # The first reads of a fresh file make the store's indexes, and the
    # day's first Your Projects answer keeps its counts (commits, so the
    # version moves); what follows sees the store as a running service does.
    some_project = [f"{PROJECTS_URL}{doc.id}/" for doc in store.query("projects")]
    for path in [*KEPT_PATHS, *some_project[:1]]:
        client.get(path)
    if EXTENSION in app.extensions:
        app.extensions[EXTENSION] = KeptAnswers()
    return client


def names(response) -> set[str]:
    assert response.status_code == 200, response.get_json()
    return {p["name"] for p in response.get_json()["data"]["projects"]}


@pytest.mark.parametrize("path", KEPT_PATHS)
def test_a_second_request_reads_nothing_and_answers_the_same_bytes(
    api_settings, seeded, path
):
    counting = CountingStore(seeded)
    client = client_for(api_settings, counting, Clock(NOW))

    first = client.get(path)
    assert first.status_code == 200
    assert sum(counting.queries.values()) > 0
    counting.reset()

    second = client.get(path)

    assert second.status_code == 200
    assert sum(counting.queries.values()) == 0
    assert second.get_data() == first.get_data()
    assert second.mimetype == "application/json"


def test_a_project_another_writer_adds_shows_at_the_next_request(
    api_settings, seeded, tmp_path
):
    client = client_for(api_settings, seeded, Clock(NOW))
    before = names(client.get(PROJECTS_URL))

    # The ML platform writes through a connection of its own.
    SQLiteStore(tmp_path / "store.sqlite3").put(
        platform.PROJECTS, "p-added", project("Added in-process", NOW)
    )

    assert names(client.get(PROJECTS_URL)) == before | {"Added in-process"}


def test_a_project_another_process_adds_shows_at_the_next_request(
    api_settings, seeded, tmp_path
):
    client = client_for(api_settings, seeded, Clock(NOW))
    before = names(client.get(PROJECTS_URL))

    writer = (
        "import sys; from datetime import UTC, datetime;"
        "from recs_shared.store.sqlite_store import SQLiteStore;"
        "SQLiteStore(sys.argv[1]).put(sys.argv[2], 'p-other', {'name': 'Other "
        "process', 'description': '', 'created_at': datetime.now(UTC)})"
    )
    store_file = str(tmp_path / "store.sqlite3")
    subprocess.run(
        [sys.executable, "-c", writer, store_file, platform.PROJECTS], check=True
    )

    assert names(client.get(PROJECTS_URL)) == before | {"Other process"}


def test_a_project_created_through_the_api_shows_at_the_next_request(
    api_settings, seeded
):
    client = client_for(api_settings, seeded, Clock(NOW))
    assert "Created here" not in names(client.get(PROJECTS_URL))

    created = client.post(
        PROJECTS_URL, json={"name": "Created here", "description": ""}
    )
    assert created.status_code == 201
    project_id = created.get_json()["data"]["id"]

    assert "Created here" in names(client.get(PROJECTS_URL))
    assert client.get(f"{PROJECTS_URL}{project_id}/").status_code == 200


def test_answers_are_computed_again_when_the_utc_minute_turns(api_settings, seeded):
    counting = CountingStore(seeded)
    clock = Clock(NOW)
    client = client_for(api_settings, counting, clock)
    first = client.get(PROJECTS_URL).get_json()
    counting.reset()

    clock.now = NOW.replace(second=59)
    same_minute = client.get(PROJECTS_URL).get_json()
    assert sum(counting.queries.values()) == 0
    # The platform's read-at time is when the kept answer was computed.
    assert same_minute["freshness"]["collected_at"] == NOW.isoformat()

    clock.now = NOW.replace(second=0) + timedelta(minutes=1)
    next_minute = client.get(PROJECTS_URL).get_json()
    assert sum(counting.queries.values()) > 0
    assert next_minute["freshness"]["collected_at"] == clock.now.isoformat()
    assert next_minute["data"] == first["data"]


def every_request_reads(client, counting: CountingStore) -> bool:
    reads = []
    for _ in range(3):
        counting.reset()
        assert client.get(PROJECTS_URL).status_code == 200
        reads.append(sum(counting.queries.values()))
    return all(reads)


def test_with_keep_answers_off_every_request_reads_the_store(tmp_path, seeded):
    config = settings.load(
        settings.DashboardApiSettings,
        {"RECS_DATA_DIR": str(tmp_path / "data"), "RECS_KEEP_ANSWERS": "false"},
    )
    counting = CountingStore(seeded)

    assert every_request_reads(client_for(config, counting, Clock(NOW)), counting)


def test_a_store_without_a_change_number_has_every_answer_computed(
    api_settings, seeded
):
    class NoVersion(CountingStore):
        def version(self):
            return None

    counting = NoVersion(seeded)
    client = client_for(api_settings, counting, Clock(NOW))

    assert every_request_reads(client, counting)


def test_a_store_that_goes_down_answers_503_not_the_kept_answer(api_settings, seeded):
    class Switchable(CountingStore):
        down = False

        def version(self):
            if self.down:
                raise StoreUnavailable("SQLite store: disk I/O error")
            return self.store.version()

    store = Switchable(seeded)
    client = client_for(api_settings, store, Clock(NOW))
    assert client.get(PROJECTS_URL).status_code == 200

    store.down = True
    assert client.get(PROJECTS_URL).status_code == 503

    store.down = False
    assert client.get(PROJECTS_URL).status_code == 200


def test_an_error_answer_is_not_kept(api_settings, seeded):
    counting = CountingStore(seeded)
    client = client_for(api_settings, counting, Clock(NOW))
    missing = f"{PROJECTS_URL}p-missing/"
    assert client.get(missing).status_code == 404
    counting.reset()

    assert client.get(missing).status_code == 404

    assert sum(counting.queries.values()) > 0


def test_a_project_page_is_kept_until_the_project_changes(
    api_settings, seeded, tmp_path
):
    project_id = next(doc.id for doc in seeded.query(platform.PROJECTS))
    path = f"{PROJECTS_URL}{project_id}/"
    counting = CountingStore(seeded)
    client = client_for(api_settings, counting, Clock(NOW))
    client.get(path)
    counting.reset()

    assert client.get(path).status_code == 200
    assert sum(counting.queries.values()) == 0

    SQLiteStore(tmp_path / "store.sqlite3").put(
        platform.PROJECTS, project_id, project("Renamed", NOW)
    )

    assert client.get(path).get_json()["data"]["project"]["name"] == "Renamed"


def test_a_commit_while_an_answer_is_computed_is_shown_at_the_next_request(
    api_settings, seeded, tmp_path
):
    """The version is asked before the view reads: an answer a commit
    overtook is never served again."""

    class CommitsAfterReadingProjects(CountingStore):
        armed = False

        def query(self, collection, *args, **kwargs):
            found = super().query(collection, *args, **kwargs)
            if self.armed and collection == platform.PROJECTS:
                self.armed = False
                SQLiteStore(tmp_path / "store.sqlite3").put(
                    platform.PROJECTS, "p-late", project("Late", NOW)
                )
            return found

    store = CommitsAfterReadingProjects(seeded)
    client = client_for(api_settings, store, Clock(NOW))
    store.armed = True

    overtaken = names(client.get(PROJECTS_URL))
    assert "Late" not in overtaken

    assert names(client.get(PROJECTS_URL)) == overtaken | {"Late"}


def test_kept_answers_of_another_generation_are_never_served():
    minute = NOW.replace(second=0)
    answers = KeptAnswers(most=2)
    answers.keep((1, minute), "/a", b"A1")

    assert answers.get((1, minute), "/a") == b"A1"
    assert answers.get((2, minute), "/a") is None
    assert answers.get((1, minute + timedelta(minutes=1)), "/a") is None

    answers.keep((2, minute), "/b", b"B2")
    assert answers.get((1, minute), "/a") is None
    assert answers.get((2, minute), "/b") == b"B2"


def test_kept_answers_drop_the_least_recently_served_beyond_the_most():
    generation = (1, NOW.replace(second=0))
    answers = KeptAnswers(most=2)
    answers.keep(generation, "/a", b"A")
    answers.keep(generation, "/b", b"B")
    assert answers.get(generation, "/a") == b"A"

    answers.keep(generation, "/c", b"C")

    assert answers.get(generation, "/b") is None
    assert answers.get(generation, "/a") == b"A"
    assert answers.get(generation, "/c") == b"C"
