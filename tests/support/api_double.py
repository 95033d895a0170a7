"""A stand-in dashboard-api that answers the page's APIs as docs/api.md
documents them, from payloads a test chooses.

The page's browser tests run against it so that every case can be set up
exactly (partial collections, nulls, unknown ids, hostile project names)
without a collector; the same tests also run against the real dashboard-api
with demo data (tests/e2e/test_dashboard_real_api.py). It is test support
only: web never talks to it outside tests.
"""

from __future__ import annotations

import copy
import re
import threading
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Flask, jsonify, request

from recs_shared.categories import CATEGORIES
from recs_shared.money import decimal_string, to_cents

NAME_MAX = 60
DESCRIPTION_MAX = 2000
ENDPOINTS = {
    "kpis": "/api/system/kpis/",
    "resource_charts": "/api/system/resource-charts/",
    "billing_summary": "/api/system/billing/summary/",
    "billing_charts": "/api/system/billing/charts/",
    "billing_invoice": "/api/system/billing/invoice/",
}


def freshness(source: str, status: str = "success", failed=()) -> dict[str, Any]:
    if status == "none":
        return {
            "source": source,
            "snapshot_date": None,
            "collected_at": None,
            "status": "none",
            "failed_collectors": [],
            "provisional_days": [],
        }
    return {
        "source": source,
        "snapshot_date": "2026-12-02",
        "collected_at": "2026-12-03T02:00:12+00:00",
        "status": status,
        "failed_collectors": [{"collector": c, "error": e} for c, e in failed],
        "provisional_days": [],
    }


def days(count: int, last: date = date(2026, 12, 2)) -> list[str]:
    return [(last - timedelta(days=count - 1 - i)).isoformat() for i in range(count)]


def money(value: Decimal) -> str:
    return decimal_string(to_cents(value))


def demo_payloads() -> dict[str, dict[str, Any]]:
    """A month of plausible figures, consistent the way docs/api.md says."""
    labels = days(30)
    gb = lambda base, step: [  # noqa: E731
        float(Decimal(base + step * i).quantize(Decimal("0.01"))) for i in range(30)
    ]
    kpis = {
        "models": 7,
        "live_endpoints": 2,
        "training_runs_30d": 15,
        "training_success_rate": 87.5,
        "experiments_30d": 23,
        "etl_runs_24h": 3,
        "data_tables": 12,
        "data_volume_gb": 4.56,
        "requests_30d": 12345,
        "avg_latency_ms": None,
    }
    resource = {
        "combined_storage": {
            "labels": labels,
            "bigquery_gb": gb(5.11, 0.01),
            "sql_gb": [0.01] * 30,
            "buckets_gb": gb(146.91, 0.02),
            "estimated": [i < 10 for i in range(30)],
        },
        "bq_jobs": {
            "labels": labels,
            "completed": [5 + i % 4 for i in range(30)],
            "failed": [(i % 3 == 0 and 1) or 0 for i in range(30)],
            "bytes_billed_gb": [round(0.5 + 0.1 * (i % 5), 2) for i in range(30)],
        },
        "etl_health": {
            "labels": labels,
            "completed": [3 + i % 3 for i in range(30)],
            "failed": [1 if i % 7 == 0 else 0 for i in range(30)],
        },
        "cloud_run_requests": {
            "labels": labels,
            "requests": [None] * 3 + [300 + 10 * i for i in range(27)],
        },
        "gpu_hours": {
            "labels": labels,
            "hours": [round(0.5 * (i % 4), 1) for i in range(30)],
            "completed": [i % 2 for i in range(30)],
            "failed": [1 if i % 9 == 0 else 0 for i in range(30)],
        },
        "gpu_types": {
            "types": [
                {"type": "retrieval", "hours": 12.5, "count": 9},
                {"type": "ranking", "hours": 7.0, "count": 4},
            ],
            "total_hours": 19.5,
        },
    }
    services = {
        "Data": [
            ("Cloud SQL", "82.80"),
            ("BigQuery", "23.00"),
            ("Cloud Storage", "10.12"),
        ],
        "Training": [("Vertex AI", "38.64")],
        "Inference": [("shop-recs-serving", "1234.56")],
        "System": [("Cloud Scheduler", "0.10"), ("Secret Manager", "2.84")],
    }
    return {
        "kpis": {"data": kpis, "freshness": freshness("resource_metrics")},
        "resource_charts": {
            "data": resource,
            "freshness": freshness(
                "resource_metrics",
                "partial",
                [("cloud_storage", "403 storage.buckets.list denied")],
            ),
        },
        "billing_summary": _summary("40.12", "163.94", 100),
        "billing_charts": _charts(services),
        "billing_invoice": _invoice(services, discount_pct=100, vat_pct=20.5),
        "projects": _projects_list(
            [
                _project(
                    "p-shop",
                    "shop-recs",
                    "Recommendations for the web shop "
                    "with retrieval and ranking models trained nightly on "
                    "orders, views and carts of the last ninety days",
                    "active",
                    1,
                    2,
                    3,
                    1,
                ),
                _project("p-news", "news-feed", "", "failed", 0, 1, 2, 0),
                _project(
                    "p-idle", "catalog", "Catalogue similarity.", "idle", 0, 0, 1, 0
                ),
            ],
            {"projects": 3, "models": 6, "trainings": 120, "experiments": 40},
            {
                "retrieval_recall_pct": 31.9,
                "ranking_rmse": 0.48,
                "hybrid_recall_pct": None,
            },
        ),
    }


def empty_payloads() -> dict[str, dict[str, Any]]:
    """What the APIs answer on an empty store (nothing ever collected)."""
    series = lambda *names: {n: [] for n in ("labels", *names)}  # noqa: E731
    zero_month = {c: [] for c in CATEGORIES}
    summary = _summary("0.00", "0.00", 100)
    summary["freshness"] = freshness("billing", "none")
    invoice = _invoice({c: [] for c in CATEGORIES}, discount_pct=100, vat_pct=20)
    invoice["freshness"] = freshness("billing", "none")
    return {
        "kpis": {
            "data": {
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
            },
            "freshness": freshness("resource_metrics", "none"),
        },
        "resource_charts": {
            "data": {
                "combined_storage": series(
                    "bigquery_gb", "sql_gb", "buckets_gb", "estimated"
                ),
                "bq_jobs": series("completed", "failed", "bytes_billed_gb"),
                "etl_health": series("completed", "failed"),
                "cloud_run_requests": series("requests"),
                "gpu_hours": series("hours", "completed", "failed"),
                "gpu_types": {"types": [], "total_hours": 0.0},
            },
            "freshness": freshness("resource_metrics", "none"),
        },
        "billing_summary": summary,
        "billing_charts": {
            "data": {
                "currency": "EUR",
                "daily_spend": {"labels": [], "datasets": dict(zero_month)},
                # Categories without spend are left out of the donut.
                "cost_breakdown": {"labels": [], "values": [], "total": "0.00"},
                "monthly_trend": {"labels": [], "datasets": dict(zero_month)},
                "cost_per_training": {
                    "labels": [],
                    "values": [],
                    "model_types": [],
                    "dates": [],
                },
            },
            "freshness": freshness("billing", "none"),
        },
        "billing_invoice": invoice,
        "projects": _projects_list(
            [],
            {"projects": 0, "models": 0, "trainings": 0, "experiments": 0},
            {
                "retrieval_recall_pct": None,
                "ranking_rmse": None,
                "hybrid_recall_pct": None,
            },
        ),
    }


def _project(pid, name, description, status, active, total, models, deployed):
    return {
        "id": pid,
        "name": name,
        "description": description,
        "status": status,
        "endpoints_active": active,
        "endpoints_total": total,
        "models_total": models,
        "models_deployed": deployed,
    }


def _projects_list(projects, assets, accuracy):
    return {
        "data": {"assets": assets, "accuracy": accuracy, "projects": projects},
        "freshness": {**freshness("platform"), "snapshot_date": None},
    }


PERIOD = {"start": "2026-12-01", "end": "2026-12-31", "label": "Dec 1 - Dec 31, 2026"}


def _summary(spent: str, estimated: str, discount_pct: int):
    fee = Decimal("1900.00")
    total = to_cents(fee * (100 - discount_pct) / 100)
    return {
        "data": {
            "currency": "EUR",
            "period": dict(PERIOD),
            "period_elapsed_pct": 9.7,
            "spent_to_date": spent,
            "estimated_total": estimated,
            "estimate_method": "month-to-date spend plus, for each day of the "
            "month not collected yet, the average daily spend of the last 7 "
            "settled days collected",
            "license": {
                "fee": money(fee),
                "discount_pct": discount_pct,
                "total": money(total),
                "discounted": discount_pct > 0,
            },
            "budget": {
                "amount": "920.00",
                "spent": spent,
                "spent_pct": _of_budget(spent),
                "projected": estimated,
                "projected_pct": _of_budget(estimated),
                "pace": "green",
            },
        },
        "freshness": freshness("billing"),
    }


def _of_budget(amount: str) -> float:
    share = Decimal(amount) / 920 * 100
    return float(share.quantize(Decimal("0.1"), ROUND_HALF_UP))


def _charts(services):
    labels = days(2, date(2026, 12, 2))
    per_day = {
        c: [money(sum((Decimal(v) for _, v in s), Decimal(0)) / 2)] * 2
        for c, s in services.items()
    }
    values = [
        money(sum((Decimal(v) for _, v in services[c]), Decimal(0))) for c in CATEGORIES
    ]
    return {
        "data": {
            "currency": "EUR",
            "daily_spend": {"labels": labels, "datasets": per_day},
            "cost_breakdown": {
                "labels": list(CATEGORIES),
                "values": values,
                "total": money(sum(map(Decimal, values))),
            },
            "monthly_trend": {
                "labels": [
                    "2026-07",
                    "2026-08",
                    "2026-09",
                    "2026-10",
                    "2026-11",
                    "2026-12",
                ],
                "datasets": {
                    c: ["10.50", "11.25", "0.00", "9.99", "1234.56", v]
                    for c, v in zip(CATEGORIES, values, strict=True)
                },
            },
            "cost_per_training": {
                "labels": ["run-039", "run-040", "run-041"],
                "values": ["3.10", "12.00", "0.45"],
                "model_types": ["retrieval", "ranking", "multitask"],
                "dates": ["2026-11-27", "2026-11-28", "2026-11-30"],
            },
        },
        "freshness": freshness("billing"),
    }


def _invoice(services, discount_pct: int, vat_pct: float):
    fee = Decimal("1900.00")
    license_total = to_cents(fee * (100 - discount_pct) / 100)
    rows = [
        {
            "kind": "license",
            "label": "License",
            "costs": money(fee),
            "discount_pct": discount_pct,
            "total": money(license_total),
        }
    ]
    subtotal = license_total
    for category in CATEGORIES:
        lines = services.get(category, [])
        if not lines:
            continue
        total = sum((to_cents(Decimal(v)) for _, v in lines), Decimal(0))
        subtotal += total
        rows.append(
            {
                "kind": "category",
                "label": category,
                "costs": money(total),
                "total": money(total),
                "services": [
                    {"label": n, "costs": money(Decimal(v)), "total": money(Decimal(v))}
                    for n, v in lines
                ],
            }
        )
    vat = to_cents(subtotal * Decimal(str(vat_pct)) / 100)
    return {
        "data": {
            "currency": "EUR",
            "period": dict(PERIOD),
            "rows": rows,
            "subtotal": money(subtotal),
            "grand_total": money(subtotal),
            "vat_pct": vat_pct,
            "vat": money(vat),
            "total_due": money(subtotal + vat),
        },
        "freshness": freshness("billing"),
    }


class ApiDouble:
    """The Flask app of the stand-in, with its payloads and created projects."""

    def __init__(self, payloads: dict[str, dict[str, Any]]) -> None:
        self.payloads = copy.deepcopy(payloads)
        self.failing: set[str] = set()
        self._lock = threading.Lock()
        self.app = self._make_app()

    def _answer(self, key: str):
        if key in self.failing:
            return jsonify(
                success=False, error="the dashboard store is unavailable"
            ), 503
        return jsonify(success=True, **self.payloads[key])

    def _make_app(self) -> Flask:
        app = Flask("api_double")
        app.json.sort_keys = False

        for key, path in ENDPOINTS.items():
            app.add_url_rule(path, key, lambda key=key: self._answer(key))

        app.add_url_rule("/api/system/projects/", "projects", self._answer_projects)
        app.add_url_rule(
            "/api/system/projects/", "create", self._create, methods=["POST"]
        )
        app.add_url_rule("/api/system/projects/<pid>/", "project", self._project)
        return app

    def _answer_projects(self):
        return self._answer("projects")

    def _project(self, pid: str):
        projects = self.payloads["projects"]["data"]["projects"]
        found = next((p for p in projects if p["id"] == pid), None)
        if found is None:
            return jsonify(success=False, error=f"no project {pid}"), 404
        detail = {
            "project": {**found, "created_at": "2026-11-01T09:30:00+00:00"},
            "models": [
                {
                    "id": "m-1",
                    "name": f"{found['name']}-retrieval",
                    "model_type": "retrieval",
                    "created_at": "2026-11-02T10:00:00+00:00",
                    "deployed": True,
                }
            ],
            "endpoints": [
                {
                    "id": "e-1",
                    "cloud_run_service": f"{pid}-serving",
                    "status": "active",
                    "is_active": True,
                    "deployed_at": "2026-11-03T10:00:00+00:00",
                }
            ],
            "training_runs": [
                {
                    "id": "run-041",
                    "model_type": "retrieval",
                    "status": "completed",
                    "started_at": "2026-11-30T01:00:00+00:00",
                    "finished_at": "2026-11-30T03:30:00+00:00",
                    "gpu_hours": 2.5,
                    "metrics": {"recall_at_100": 0.319},
                }
            ],
        }
        return jsonify(success=True, data=detail)

    def _create(self):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(success=False, error="the body must be a JSON object"), 400

        name = str(body.get("name") or "").strip()
        description = str(body.get("description") or "")
        faults: dict[str, list[str]] = {}
        projects = self.payloads["projects"]["data"]["projects"]
        if not name:
            faults["name"] = ["A name is required."]
        elif len(name) > NAME_MAX:
            faults["name"] = [f"At most {NAME_MAX} characters."]
        elif any(p["name"].lower() == name.lower() for p in projects):
            faults["name"] = ["A project with this name already exists."]
        if len(description) > DESCRIPTION_MAX:
            faults["description"] = [f"At most {DESCRIPTION_MAX} characters."]
        if faults:
            return jsonify(success=False, error="invalid project", fields=faults), 400

        with self._lock:
            pid = "p-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:20]
            pid = f"{pid or 'p'}-{len(projects) + 1}"
            project = _project(pid, name, description, "idle", 0, 0, 0, 0)
            projects.append(project)
            projects.sort(key=lambda p: p["name"].lower())
            self.payloads["projects"]["data"]["assets"]["projects"] += 1
        return jsonify(success=True, data=project), 201
