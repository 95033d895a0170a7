"""Your Projects over HTTP: the list, creation and one project."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from dashboard_api.app import create_app
from devtools import platform_seed
from recs_shared import platform
from tests.support import pinned_api
from tests.support.platform_docs import (
    CountingStore,
    endpoint,
    half_up,
    model,
    project,
    training_run,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
PROJECTS_URL = "/api/system/projects/"


def client_for(api_settings, store):
    return pinned_api.client(api_settings, store, NOW)


@pytest.fixture
def seeded(sqlite_store):
    platform_data = platform_seed.build(NOW, seed=5)
    platform_seed.write(sqlite_store, platform_data)
    return platform_data.documents


def data(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def best(runs, model_type, metric, pick):
    values = [
        r["metrics"][metric]
        for r in runs
        if r["model_type"] == model_type
        and r["status"] == "completed"
        and metric in r["metrics"]
    ]
    return pick(values) if values else None


def test_assets_and_best_accuracy_equal_the_seeded_platform(
    api_settings, sqlite_store, seeded
):
    overview = data(client_for(api_settings, sqlite_store).get(PROJECTS_URL))

    assert overview["assets"] == {
        "projects": len(seeded["projects"]),
        "models": len(seeded["registered_models"]),
        "trainings": len(seeded["training_runs"]),
        "experiments": len(seeded["experiments"]),
    }
    runs = list(seeded["training_runs"].values())
    assert overview["accuracy"] == {
        "retrieval_recall_pct": half_up(
            best(runs, "retrieval", "recall_at_100", max) * 100, 1
        ),
        "ranking_rmse": half_up(best(runs, "ranking", "rmse", min), 2),
        "hybrid_recall_pct": half_up(
            best(runs, "multitask", "recall_at_100", max) * 100, 1
        ),
    }


def test_each_project_counts_its_own_endpoints_and_models(
    api_settings, sqlite_store, seeded
):
    overview = data(client_for(api_settings, sqlite_store).get(PROJECTS_URL))

    expected = []
    for project_id, doc in sorted(
        seeded["projects"].items(), key=lambda p: p[1]["name"]
    ):
        endpoints = [
            e
            for e in seeded["deployed_endpoints"].values()
            if e["project_id"] == project_id
        ]
        models = [
            m
            for m in seeded["registered_models"]
            if seeded["registered_models"][m]["project_id"] == project_id
        ]
        serving = {e["registered_model_id"] for e in endpoints if e["is_active"]}
        active = sum(e["is_active"] for e in endpoints)
        failed = any(e["status"] == "failed" for e in endpoints)
        expected.append(
            {
                "id": project_id,
                "name": doc["name"],
                "description": doc["description"],
                "status": "active" if active else "failed" if failed else "idle",
                "endpoints_active": active,
                "endpoints_total": len(endpoints),
                "models_total": len(models),
                "models_deployed": len(serving & set(models)),
            }
        )
    assert overview["projects"] == expected
    # The seeded platform has one project of each colour.
    assert {p["name"]: p["status"] for p in overview["projects"]} == {
        "books-recs": "failed",
        "music-recs": "idle",
        "sandbox": "idle",
        "shop-recs": "active",
    }


def test_with_no_run_the_accuracy_shows_nothing_rather_than_zero(
    api_settings, sqlite_store
):
    sqlite_store.put(platform.PROJECTS, "p-a", project("alpha", NOW))
    sqlite_store.put(
        platform.TRAINING_RUNS,
        "failed-with-metric",
        training_run(NOW, status="failed", metrics={"recall_at_100": 0.9}),
    )

    overview = data(client_for(api_settings, sqlite_store).get(PROJECTS_URL))

    assert overview["accuracy"] == {
        "retrieval_recall_pct": None,
        "ranking_rmse": None,
        "hybrid_recall_pct": None,
    }


def test_projects_are_ordered_by_name_regardless_of_case(api_settings, sqlite_store):
    for doc_id, name in [("p-1", "beta"), ("p-2", "Alpha"), ("p-3", "gamma")]:
        sqlite_store.put(platform.PROJECTS, doc_id, project(name, NOW))

    overview = data(client_for(api_settings, sqlite_store).get(PROJECTS_URL))

    assert [p["name"] for p in overview["projects"]] == ["Alpha", "beta", "gamma"]


def platform_of(store, projects: int) -> None:
    for number in range(projects):
        project_id = f"p-{number}"
        store.put(platform.PROJECTS, project_id, project(f"n{number}", NOW))
        store.put(platform.REGISTERED_MODELS, f"m-{number}", model(NOW, project_id))
        store.put(
            platform.DEPLOYED_ENDPOINTS,
            f"e-{number}",
            endpoint(NOW, project_id, f"m-{number}"),
        )


def test_the_list_needs_as_many_queries_for_40_projects_as_for_4(
    api_settings, tmp_path
):
    from recs_shared.store.sqlite_store import SQLiteStore

    queries = []
    for projects in (4, 40):
        store = CountingStore(SQLiteStore(tmp_path / f"{projects}.sqlite3"))
        platform_of(store, projects)
        store.reset()
        overview = data(client_for(api_settings, store).get(PROJECTS_URL))
        assert len(overview["projects"]) == projects
        queries.append(sum(store.queries.values()))

    assert queries[0] == queries[1]


def test_the_list_and_a_project_read_alike_on_every_store(api_settings, store):
    """The queries (equality plus order on a nested metric) run on Firestore too."""
    store.put(platform.PROJECTS, "p-a", project("alpha", NOW - timedelta(days=3)))
    store.put(platform.REGISTERED_MODELS, "m-a", model(NOW - timedelta(days=2)))
    store.put(platform.DEPLOYED_ENDPOINTS, "e-a", endpoint(NOW - timedelta(days=1)))
    for number, recall in enumerate([0.2, 0.31949, 0.25]):
        store.put(
            platform.TRAINING_RUNS,
            f"t{number}",
            training_run(
                NOW - timedelta(hours=number),
                metrics={"recall_at_100": recall},
            ),
        )
    store.put(
        platform.TRAINING_RUNS,
        "rank",
        training_run(
            NOW - timedelta(minutes=30), model_type="ranking", metrics={"rmse": 0.475}
        ),
    )
    client = client_for(api_settings, store)

    overview = data(client.get(PROJECTS_URL))
    detail = data(client.get(PROJECTS_URL + "p-a/"))

    assert overview["accuracy"] == {
        "retrieval_recall_pct": 31.9,
        "ranking_rmse": 0.48,
        "hybrid_recall_pct": None,
    }
    assert overview["projects"][0]["status"] == "active"
    assert [r["id"] for r in detail["training_runs"]] == ["t0", "rank", "t1", "t2"]


# --- one project --------------------------------------------------------------


def test_a_project_shows_its_models_endpoints_and_newest_ten_runs(
    api_settings, sqlite_store, seeded
):
    response = client_for(api_settings, sqlite_store).get(PROJECTS_URL + "p-shop-recs/")

    detail = data(response)
    mine = lambda collection: {  # noqa: E731
        i: d for i, d in seeded[collection].items() if d["project_id"] == "p-shop-recs"
    }
    runs = sorted(
        mine("training_runs").items(), key=lambda r: r[1]["started_at"], reverse=True
    )
    assert [r["id"] for r in detail["training_runs"]] == [i for i, _ in runs[:10]]
    newest_id, newest = runs[0]
    assert detail["training_runs"][0] == {
        "id": newest_id,
        "model_type": newest["model_type"],
        "status": newest["status"],
        "started_at": newest["started_at"].isoformat(),
        "finished_at": newest["finished_at"] and newest["finished_at"].isoformat(),
        "gpu_hours": newest["gpu_hours"],
        "metrics": newest["metrics"],
    }
    endpoints = mine("deployed_endpoints")
    assert {e["id"]: e["is_active"] for e in detail["endpoints"]} == {
        i: e["is_active"] for i, e in endpoints.items()
    }
    serving = {e["registered_model_id"] for e in endpoints.values() if e["is_active"]}
    assert {m["id"]: m["deployed"] for m in detail["models"]} == {
        i: i in serving for i in mine("registered_models")
    }
    assert (
        detail["project"]["created_at"]
        == seeded["projects"]["p-shop-recs"]["created_at"].isoformat()
    )
    assert response.get_json()["freshness"]["source"] == "platform"


def test_an_unknown_project_is_a_404_naming_it(api_settings, sqlite_store):
    response = client_for(api_settings, sqlite_store).get(PROJECTS_URL + "p-nope/")

    assert response.status_code == 404
    assert response.get_json() == {
        "success": False,
        "error": "no project with id 'p-nope'",
    }


# --- creating a project -------------------------------------------------------


def test_a_new_project_is_created_trimmed_and_listed(api_settings, sqlite_store):
    client = client_for(api_settings, sqlite_store)

    response = client.post(
        PROJECTS_URL,
        json={"name": "  Grocery Recs ", "description": " Weekly baskets. "},
    )

    assert response.status_code == 201
    assert response.get_json()["freshness"]["collected_at"] == NOW.isoformat()
    created = response.get_json()["data"]
    assert created == {
        "id": "p-grocery-recs",
        "name": "Grocery Recs",
        "description": "Weekly baskets.",
        "status": "idle",
        "endpoints_active": 0,
        "endpoints_total": 0,
        "models_total": 0,
        "models_deployed": 0,
    }
    assert sqlite_store.get(platform.PROJECTS, "p-grocery-recs") == {
        "name": "Grocery Recs",
        "description": "Weekly baskets.",
        "created_at": NOW.isoformat(),
    }
    assert data(client.get(PROJECTS_URL))["projects"] == [created]


def created(api_settings, store, name: str) -> dict:
    """The project the API answers after creating ``name`` (201)."""
    response = client_for(api_settings, store).post(PROJECTS_URL, json={"name": name})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def test_markup_in_a_name_is_kept_as_text(api_settings, sqlite_store):
    name = "<img src=x onerror=alert(1)>"

    project = created(api_settings, sqlite_store, name)

    assert (project["name"], project["id"]) == (name, "p-img-src-x-onerror-alert-1")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "name", "Missing data for required field."),
        ({"name": "   "}, "name", "Must be 1 to 60 characters long."),
        ({"name": "x" * 61}, "name", "Must be 1 to 60 characters long."),
        ({"name": "two\nlines"}, "name", "Must not contain control characters"),
        ({"name": 42}, "name", "Not a valid string."),
        (
            {"name": "ok", "description": "d" * 2001},
            "description",
            "Longer than maximum",
        ),
        ({"name": "ok", "owner": "me"}, "owner", "Unknown field."),
        ({"name": "SHOP-RECS"}, "name", "A project named 'SHOP-RECS' already exists."),
    ],
)
def test_a_bad_project_is_refused_field_by_field_and_nothing_is_stored(
    api_settings, sqlite_store, body, field, message
):
    sqlite_store.put(platform.PROJECTS, "p-x", project("shop-recs", NOW))
    client = client_for(api_settings, sqlite_store)

    response = client.post(PROJECTS_URL, json=body)

    assert response.status_code == 400
    answer = response.get_json()
    assert answer["success"] is False
    assert any(message in text for text in answer["fields"][field]), answer
    assert sqlite_store.count(platform.PROJECTS) == 1


@pytest.mark.parametrize("body", [b"[1, 2]", b"not json", b""])
def test_a_body_that_is_not_an_object_is_refused(api_settings, sqlite_store, body):
    response = client_for(api_settings, sqlite_store).post(
        PROJECTS_URL, data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert "JSON object" in response.get_json()["error"]
    assert sqlite_store.count(platform.PROJECTS) == 0


def test_names_that_share_a_slug_get_distinct_ids(api_settings, sqlite_store):
    client = client_for(api_settings, sqlite_store)

    ids = [
        client.post(PROJECTS_URL, json={"name": name}).get_json()["data"]["id"]
        for name in ("Shop recs", "shop_recs", "Shop.Recs", "Магазин")
    ]

    assert ids == ["p-shop-recs", "p-shop-recs-2", "p-shop-recs-3", "p-project"]


def test_concurrent_creations_of_one_name_create_it_once(api_settings, sqlite_store):
    app = create_app(api_settings, sqlite_store)
    statuses = []
    start = threading.Barrier(6)

    def create(name):
        start.wait()
        with app.test_client() as client:
            statuses.append(client.post(PROJECTS_URL, json={"name": name}).status_code)

    threads = [
        threading.Thread(target=create, args=(name,))
        for name in ["Race", "race", "RACE", "Race", "rAce", "race"]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201, 400, 400, 400, 400, 400]
    assert sqlite_store.count(platform.PROJECTS) == 1


def test_creation_is_unique_regardless_of_case_on_every_store(api_settings, store):
    client = client_for(api_settings, store)

    first = client.post(PROJECTS_URL, json={"name": "Alpha"})
    again = client.post(PROJECTS_URL, json={"name": "ALPHA"})

    assert (first.status_code, again.status_code) == (201, 400)
    assert store.count(platform.PROJECTS) == 1
    assert store.get(platform.PROJECTS, "p-alpha")["name"] == "Alpha"


# --- characters a name or description must not hold --------------------------


def post_raw_json(client, text: str):
    # Raw JSON text, so a lone surrogate arrives escaped as JSON allows
    # ("\ud800"); the test client's json= would fail to encode it.
    return client.post(PROJECTS_URL, data=text, content_type="application/json")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ('{"name": "x\\ud800y"}', "name", "unpaired UTF-16 surrogates"),
        ('{"name": "x\\udfffy"}', "name", "found U+DFFF at position 2"),
        ('{"name": "zero\\u200bwidth"}', "name", "invisible format characters"),
        ('{"name": "evil\\u202etxt.exe"}', "name", "found U+202E"),
        ('{"name": "two\\u2028lines"}', "name", "line separators"),
        ('{"name": "two\\u2029paragraphs"}', "name", "paragraph separators"),
        ('{"name": "ok", "description": "x\\ud800"}', "description", "surrogates"),
        ('{"name": "ok", "description": "a\\u202eb"}', "description", "bidi"),
        ('{"name": "ok", "description": "a\\u2066b"}', "description", "U+2066"),
    ],
)
def test_invisible_reordering_or_unencodable_characters_are_refused(
    api_settings, sqlite_store, body, field, message
):
    client = client_for(api_settings, sqlite_store)

    response = post_raw_json(client, body)

    assert response.status_code == 400
    assert any(message in text for text in response.get_json()["fields"][field])
    assert sqlite_store.count(platform.PROJECTS) == 0
    assert client.get(PROJECTS_URL).status_code == 200


def test_a_description_keeps_its_newlines(api_settings, sqlite_store):
    response = client_for(api_settings, sqlite_store).post(
        PROJECTS_URL, json={"name": "Notes", "description": "line one\nline two"}
    )

    assert response.status_code == 201
    assert response.get_json()["data"]["description"] == "line one\nline two"


# --- uniqueness across Unicode spellings ---------------------------------------

CAFE_NFC = "Caf\u00e9"
CAFE_NFD = "Cafe\u0301"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Shop", "\uff53\uff48\uff4f\uff50"),  # full-width "ｓｈｏｐ"
        ("\uff33\uff28\uff2f\uff30", "shop"),  # full-width "ＳＨＯＰ"
        (CAFE_NFC, CAFE_NFD),
        (CAFE_NFD, "CAF\u00c9"),
        ("Stra\u00dfe", "STRASSE"),  # casefold, not lower: ß is ss
    ],
)
def test_names_that_differ_only_in_unicode_form_or_case_collide(
    api_settings, sqlite_store, first, second
):
    client = client_for(api_settings, sqlite_store)

    created = client.post(PROJECTS_URL, json={"name": first})
    again = client.post(PROJECTS_URL, json={"name": second})

    assert (created.status_code, again.status_code) == (201, 400)
    assert "already exists" in again.get_json()["fields"]["name"][0]
    assert sqlite_store.count(platform.PROJECTS) == 1


def test_a_name_is_stored_nfc_normalised(api_settings, sqlite_store):
    response = client_for(api_settings, sqlite_store).post(
        PROJECTS_URL, json={"name": CAFE_NFD}
    )

    assert response.status_code == 201
    assert response.get_json()["data"]["name"] == CAFE_NFC
    assert sqlite_store.get(platform.PROJECTS, "p-cafe")["name"] == CAFE_NFC


def test_a_full_width_name_is_kept_as_typed(api_settings, sqlite_store):
    # NFKC is only for comparing: storing it would rewrite what the user typed.
    name = "\uff53\uff48\uff4f\uff50"

    project = created(api_settings, sqlite_store, name)

    assert (project["name"], project["id"]) == (name, "p-shop")
