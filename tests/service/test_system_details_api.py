"""System Details over HTTP: every figure against a computation from its inputs."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from dashboard_api.snapshots import store_resource_metrics
from devtools import platform_seed
from recs_shared import platform
from recs_shared.store import StoreUnavailable
from recs_shared.store.sqlite_store import SQLiteStore
from tests.support import events, pinned_api
from tests.support.platform_docs import (
    CountingStore,
    endpoint,
    half_up,
    model,
    project,
    run_like,
    training_run,
)
from tests.support.push import envelope_for

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def client_for(api_settings, store, now: datetime = NOW):
    return pinned_api.client(api_settings, store, now)


@pytest.fixture
def seeded(sqlite_store):
    platform_data = platform_seed.build(NOW, seed=11)
    platform_seed.write(sqlite_store, platform_data)
    return platform_data.documents


def data(response) -> dict:
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["success"] is True
    return body["data"]


# --- KPIs ---------------------------------------------------------------------


def test_kpis_equal_counts_made_from_the_seeded_platform(
    api_settings, sqlite_store, seeded
):
    kpis = data(client_for(api_settings, sqlite_store).get("/api/system/kpis/"))

    month_start = datetime(2026, 11, 4, tzinfo=UTC)  # 30 UTC days ending Dec 3
    runs = [
        r for r in seeded["training_runs"].values() if r["started_at"] >= month_start
    ]
    completed = sum(r["status"] == "completed" for r in runs)
    finished = completed + sum(r["status"] == "failed" for r in runs)
    assert kpis["models"] == len(seeded["registered_models"])
    assert kpis["live_endpoints"] == sum(
        e["is_active"] for e in seeded["deployed_endpoints"].values()
    )
    assert kpis["training_runs_30d"] == len(runs)
    assert kpis["training_success_rate"] == half_up(completed * 100 / finished, 1)
    assert kpis["experiments_30d"] == sum(
        e["started_at"] >= month_start for e in seeded["experiments"].values()
    )
    assert kpis["etl_runs_24h"] == sum(
        e["started_at"] >= NOW - timedelta(hours=24)
        for e in seeded["etl_runs"].values()
    )
    assert kpis["avg_latency_ms"] is None


def test_the_30_day_and_24_hour_windows_start_exactly_at_their_utc_boundaries(
    api_settings, sqlite_store
):
    midnight = datetime(2026, 12, 3, tzinfo=UTC)
    first_day = datetime(2026, 11, 4, tzinfo=UTC)
    just_before = timedelta(microseconds=1)
    put = sqlite_store.put
    put(platform.TRAINING_RUNS, "first-instant", training_run(first_day))
    put(platform.TRAINING_RUNS, "too-early", training_run(first_day - just_before))
    put(platform.TRAINING_RUNS, "failed", training_run(midnight, status="failed"))
    put(platform.TRAINING_RUNS, "running", training_run(midnight, status="running"))
    put(platform.EXPERIMENTS, "in", run_like(first_day))
    put(platform.EXPERIMENTS, "out", run_like(first_day - just_before))
    put(platform.ETL_RUNS, "exactly-24h", run_like(midnight - timedelta(hours=24)))
    put(
        platform.ETL_RUNS,
        "24h-and-a-bit",
        run_like(midnight - timedelta(hours=24) - just_before),
    )
    put(platform.ETL_RUNS, "now", run_like(midnight))

    kpis = data(
        client_for(api_settings, sqlite_store, midnight).get("/api/system/kpis/")
    )

    assert kpis["training_runs_30d"] == 3  # first-instant, failed, running
    assert kpis["training_success_rate"] == 50.0  # 1 completed of 2 finished
    assert kpis["experiments_30d"] == 1
    assert kpis["etl_runs_24h"] == 2


@pytest.mark.parametrize(
    ("statuses", "rate"),
    [
        (["completed", "completed", "failed"], 66.7),
        (["completed", "failed", "cancelled", "running"], 50.0),
        (["completed"] * 7 + ["failed"], 87.5),
        (["running", "cancelled"], None),
        ([], None),
    ],
)
def test_success_rate_is_completed_over_finished(
    api_settings, sqlite_store, statuses, rate
):
    for number, status in enumerate(statuses):
        sqlite_store.put(
            platform.TRAINING_RUNS,
            f"r{number}",
            training_run(NOW - timedelta(days=1), status=status),
        )

    kpis = data(client_for(api_settings, sqlite_store).get("/api/system/kpis/"))

    assert kpis["training_success_rate"] == rate


def test_a_platform_document_that_breaks_its_schema_is_skipped_not_a_500(
    api_settings, sqlite_store
):
    sqlite_store.put(platform.TRAINING_RUNS, "good", training_run(NOW))
    broken = training_run(NOW)
    del broken["model_type"]
    sqlite_store.put(platform.TRAINING_RUNS, "broken", broken)

    kpis = data(client_for(api_settings, sqlite_store).get("/api/system/kpis/"))

    assert kpis["training_runs_30d"] == 1


# --- resource snapshots ---------------------------------------------------------


def push(client, **event) -> None:
    response = client.post(
        "/push/resource-metrics", json=envelope_for(events.resource_metrics(**event))
    )
    assert response.status_code == 204


def snapshot_figures(day: date, bq: int, sql: int, gcs: int, requests: int, **more):
    return {
        "day": day,
        "collected_at": datetime.combine(
            day + timedelta(days=1), datetime.min.time(), UTC
        )
        + timedelta(hours=2),
        "bq_total_bytes": bq,
        "bq_table_details": [
            {"name": f"raw.t{i}", "bytes": bq // 3, "rows": 1} for i in range(3)
        ],
        "db_size_bytes": sql,
        "gcs_total_bytes": gcs,
        "cloud_run_total_requests": requests,
        **more,
    }


NEWEST = date(2026, 12, 2)


@pytest.fixture
def with_snapshots(api_settings, sqlite_store):
    client = client_for(api_settings, sqlite_store)
    push(
        client,
        **snapshot_figures(
            NEWEST - timedelta(days=40),
            1,
            1,
            1,
            1000,
            gpu_type_hours=[{"type": "ranking", "hours": 9.0, "count": 9}],
        ),
    )
    push(
        client,
        **snapshot_figures(
            NEWEST - timedelta(days=2),
            5_110_000_000,
            10_000_000,
            146_915_000_000,
            142,
            estimated_fields=["gcs_total_bytes", "gcs_bucket_details"],
            gpu_training_hours=1.25,
            gpu_type_hours=[
                {"type": "multitask", "hours": 0.5, "count": 1},
                {"type": "retrieval", "hours": 0.75, "count": 1},
            ],
        ),
    )
    push(
        client,
        **snapshot_figures(
            NEWEST,
            5_125_000_000,
            14_999_999,
            146_920_000_000,
            305,
            gpu_training_hours=2.004,
            gpu_type_hours=[{"type": "retrieval", "hours": 2.004, "count": 2}],
        ),
    )
    return client


def test_resource_charts_span_30_days_ending_with_the_newest_snapshot(with_snapshots):
    charts = data(with_snapshots.get("/api/system/resource-charts/"))

    labels = [(NEWEST - timedelta(days=back)).isoformat() for back in range(29, -1, -1)]
    storage = charts["combined_storage"]
    assert storage["labels"] == labels
    gap = [None] * 27
    assert storage["bigquery_gb"] == [*gap, 5.11, None, 5.13]  # 5.125 rounds half up
    assert storage["sql_gb"] == [*gap, 0.01, None, 0.01]
    assert storage["buckets_gb"] == [*gap, 146.92, None, 146.92]
    assert storage["estimated"] == [False] * 27 + [True, False, False]
    assert charts["cloud_run_requests"]["requests"] == [*gap, 142, None, 305]
    assert charts["gpu_hours"]["hours"] == [*gap, 1.25, None, 2.0]
    assert charts["bq_jobs"]["bytes_billed_gb"] == [*gap, 0.8, None, 0.8]
    assert charts["etl_health"] == {
        "labels": labels,
        "completed": [*gap, 5, None, 5],
        "failed": [*gap, 1, None, 1],
    }
    # Only the window's days; types in the platform's order.
    assert charts["gpu_types"] == {
        "types": [
            {"type": "retrieval", "hours": 2.75, "count": 3},
            {"type": "multitask", "hours": 0.5, "count": 1},
        ],
        "total_hours": 3.25,
    }


def test_kpis_take_resource_figures_from_the_newest_snapshot_and_the_window(
    with_snapshots,
):
    response = with_snapshots.get("/api/system/kpis/")

    kpis = data(response)
    assert kpis["data_tables"] == 3
    assert kpis["data_volume_gb"] == 5.13
    assert kpis["requests_30d"] == 142 + 305  # the day 40 days back is outside
    freshness = response.get_json()["freshness"]
    assert freshness == {
        "source": "resource_metrics",
        "snapshot_date": "2026-12-02",
        "collected_at": "2026-12-03T02:00:00+00:00",
        "status": "success",
        "failed_collectors": [],
        "provisional_days": [],
    }


def test_the_window_ends_yesterday_even_when_collection_stopped_earlier(
    api_settings, sqlite_store
):
    client = client_for(api_settings, sqlite_store)
    push(client, **snapshot_figures(NEWEST - timedelta(days=20), 1, 1, 1, 700))
    push(client, **snapshot_figures(NEWEST, 1, 1, 1, 50))
    # Collection stopped on Dec 2; the page is opened 15 days later.
    later = client_for(api_settings, sqlite_store, NOW + timedelta(days=15))

    charts = data(later.get("/api/system/resource-charts/"))
    kpis = data(later.get("/api/system/kpis/"))

    yesterday = (NOW + timedelta(days=14)).date()
    labels = [(yesterday - timedelta(days=b)).isoformat() for b in range(29, -1, -1)]
    requests = charts["cloud_run_requests"]
    assert requests["labels"] == labels
    # The window is Nov 18 to Dec 17: Nov 12 is out, Dec 2 is its 15th day.
    assert requests["requests"] == [None] * 14 + [50] + [None] * 15
    assert kpis["requests_30d"] == 50


def test_a_collection_stopped_long_ago_is_dated_not_called_never_collected(
    api_settings, sqlite_store
):
    client = client_for(api_settings, sqlite_store)
    push(client, **snapshot_figures(NEWEST, 1, 1, 1, 50))
    later = client_for(api_settings, sqlite_store, NOW + timedelta(days=45))

    response = later.get("/api/system/kpis/")

    assert data(response)["requests_30d"] == 0
    freshness = response.get_json()["freshness"]
    assert (freshness["snapshot_date"], freshness["status"]) == (
        NEWEST.isoformat(),
        "success",
    )
    charts = data(later.get("/api/system/resource-charts/"))
    assert charts["cloud_run_requests"]["labels"] == []


def test_bigquery_not_read_gives_zero_tables_and_freshness_names_it(
    api_settings, sqlite_store
):
    client = client_for(api_settings, sqlite_store)
    error = {"collector": "bigquery_storage", "error": "403 Access Denied"}
    push(
        client,
        day=NEWEST,
        collected_at=datetime(2026, 12, 3, 2, tzinfo=UTC),
        status="partial",
        collection_errors=[error],
        bq_total_bytes=None,
        bq_table_details=None,
    )

    response = client.get("/api/system/kpis/")

    kpis = data(response)
    assert (kpis["data_tables"], kpis["data_volume_gb"]) == (0, 0.0)
    freshness = response.get_json()["freshness"]
    assert (freshness["status"], freshness["failed_collectors"]) == ("partial", [error])
    charts = data(client.get("/api/system/resource-charts/"))
    assert charts["combined_storage"]["bigquery_gb"][-1] is None


def test_an_empty_store_gives_empty_datasets_zeros_and_status_none(
    api_settings, sqlite_store
):
    client = client_for(api_settings, sqlite_store)

    charts = client.get("/api/system/resource-charts/")
    kpis = client.get("/api/system/kpis/")
    workflow = data(client.get("/api/system/charts/"))
    activity = data(client.get("/api/system/recent-activity/"))

    assert all(
        values == []
        for dataset in data(charts).values()
        for key, values in dataset.items()
        if key not in ("types", "total_hours")
    )
    assert data(charts)["gpu_types"] == {"types": [], "total_hours": 0.0}
    assert charts.get_json()["freshness"]["status"] == "none"
    assert data(kpis) == {
        "models": 0,
        "live_endpoints": 0,
        "training_runs_30d": 0,
        "training_success_rate": None,
        "experiments_30d": 0,
        "etl_runs_24h": 0,
        "data_tables": 0,
        "data_volume_gb": 0.0,
        "requests_30d": 0,
        "avg_latency_ms": None,
    }
    assert all(dataset["labels"] == [] for dataset in workflow.values())
    assert activity == {"activities": []}


class DownStore:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise StoreUnavailable("SQLite store: database is locked")

        return fail


@pytest.mark.parametrize(
    "path",
    [
        "/api/system/kpis/",
        "/api/system/resource-charts/",
        "/api/system/charts/",
        "/api/system/recent-activity/",
        "/api/system/projects/",
    ],
)
def test_a_store_that_is_down_answers_503_with_the_reason_never_500(api_settings, path):
    response = client_for(api_settings, DownStore()).get(path)

    assert response.status_code == 503
    assert response.get_json() == {
        "success": False,
        "error": "the dashboard store is unavailable; retry later",
    }


# --- ML-workflow charts -------------------------------------------------------


def test_workflow_charts_equal_day_by_day_counts_of_the_seeded_runs(
    api_settings, sqlite_store, seeded
):
    charts = data(client_for(api_settings, sqlite_store).get("/api/system/charts/"))

    days = [date(2026, 11, 4) + timedelta(days=n) for n in range(30)]
    runs = [
        r for r in seeded["training_runs"].values() if r["started_at"].date() in days
    ]

    def per_day(items, status):
        counted = Counter(
            i["started_at"].date()
            for i in items
            if (i["status"] == status)
            or (status == "other" and i["status"] not in ("completed", "failed"))
        )
        return [counted[d] for d in days]

    assert charts["training_runs"] == {
        "labels": [d.isoformat() for d in days],
        "completed": per_day(runs, "completed"),
        "failed": per_day(runs, "failed"),
        "other": per_day(runs, "other"),
    }
    experiments = [
        e for e in seeded["experiments"].values() if e["started_at"].date() in days
    ]
    assert charts["experiments"]["completed"] == per_day(experiments, "completed")
    assert charts["experiments"]["other"] == per_day(experiments, "other")
    assert charts["model_types"] == {
        "labels": ["retrieval", "ranking", "multitask"],
        "counts": [
            sum(r["model_type"] == kind for r in runs)
            for kind in ("retrieval", "ranking", "multitask")
        ],
    }

    def best(kind, metric, pick, scale, places):
        values = []
        for day in days:
            found = [
                r["metrics"][metric]
                for r in runs
                if r["model_type"] == kind
                and r["status"] == "completed"
                and r["started_at"].date() == day
            ]
            values.append(half_up(pick(found) * scale, places) if found else None)
        return values

    quality = charts["model_quality"]
    assert quality["retrieval_recall_pct"] == best(
        "retrieval", "recall_at_100", max, 100, 1
    )
    assert quality["hybrid_recall_pct"] == best(
        "multitask", "recall_at_100", max, 100, 1
    )
    assert quality["ranking_rmse"] == best("ranking", "rmse", min, 1, 2)


# --- recent activity ----------------------------------------------------------


def test_recent_activity_is_the_five_newest_things_across_the_platform(
    api_settings, sqlite_store, seeded
):
    activity = data(
        client_for(api_settings, sqlite_store).get("/api/system/recent-activity/")
    )

    everything = [
        *(
            ("training_run", i, d["started_at"])
            for i, d in seeded["training_runs"].items()
        ),
        *(("experiment", i, d["started_at"]) for i, d in seeded["experiments"].items()),
        *(("etl_run", i, d["started_at"]) for i, d in seeded["etl_runs"].items()),
        *(
            ("deployment", i, d["deployed_at"])
            for i, d in seeded["deployed_endpoints"].items()
        ),
    ]
    newest = sorted(everything, key=lambda item: item[2], reverse=True)[:5]
    assert [(a["kind"], a["id"], a["at"]) for a in activity["activities"]] == [
        (kind, doc_id, at.isoformat()) for kind, doc_id, at in newest
    ]
    names = {i: p["name"] for i, p in seeded["projects"].items()}
    for item in activity["activities"]:
        assert item["project_name"] == names[item["project_id"]]


def test_a_deployment_can_be_the_newest_activity(api_settings, sqlite_store):
    sqlite_store.put(
        platform.PROJECTS, "p-a", project("alpha", NOW - timedelta(days=9))
    )
    sqlite_store.put(platform.REGISTERED_MODELS, "m-a", model(NOW - timedelta(days=2)))
    sqlite_store.put(
        platform.TRAINING_RUNS, "t", training_run(NOW - timedelta(hours=5))
    )
    sqlite_store.put(
        platform.DEPLOYED_ENDPOINTS, "e", endpoint(NOW - timedelta(hours=1))
    )

    activity = data(
        client_for(api_settings, sqlite_store).get("/api/system/recent-activity/")
    )

    assert [
        (a["kind"], a["title"], a["project_name"]) for a in activity["activities"]
    ] == [
        ("deployment", "Deployment of p-a-serving", "alpha"),
        ("training_run", "Retrieval training", "alpha"),
    ]


# --- bounded reads --------------------------------------------------------------


def uniform_history(store, days: int) -> None:
    """One of everything per day, every day, up to NOW."""
    for back in range(days):
        moment = NOW - timedelta(days=back, hours=1)
        store.put(platform.TRAINING_RUNS, f"t{back}", training_run(moment))
        store.put(platform.EXPERIMENTS, f"x{back}", run_like(moment))
        store.put(platform.ETL_RUNS, f"e{back}", run_like(moment))
    for back in range(1, days + 1):
        day = NOW.date() - timedelta(days=back)
        store_resource_metrics(store, events.resource_metrics(day=day))


@pytest.fixture(scope="module")
def histories(tmp_path_factory):
    folder = tmp_path_factory.mktemp("histories")
    stores = {}
    for days in (30, 400):
        stores[days] = CountingStore(SQLiteStore(folder / f"{days}.sqlite3"))
        uniform_history(stores[days], days)
    return stores


@pytest.mark.parametrize(
    "path",
    [
        "/api/system/kpis/",
        "/api/system/resource-charts/",
        "/api/system/charts/",
        "/api/system/recent-activity/",
    ],
)
def test_a_page_load_reads_as_much_with_400_days_of_history_as_with_30(
    api_settings, histories, path
):
    reads = []
    for store in histories.values():
        store.reset()
        assert client_for(api_settings, store).get(path).status_code == 200
        reads.append((dict(store.queries), dict(store.documents)))

    assert reads[0] == reads[1]
    assert sum(reads[1][1].values()) <= 2 * 30 + 20
