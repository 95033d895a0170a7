"""Billing collector test helpers: export rows, local exports, settings.

``export_row`` builds one canonical detailed-export row (the shape
export_table.py stores) with sensible defaults, so a test states only what it
is about. ``raw_net_costs`` is the tests' own reading of a CSV sample,
written apart from the collector's importer and SQL, to check them against.
"""

from __future__ import annotations

import ast
import csv
import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from billing_collector import demo_export
from recs_shared import billing_config, settings
from recs_shared.settings import BillingCollectorSettings
from recs_shared.store import DocumentStore

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data"
PROJECT = "b2b-recs"


def export_row(
    service: str = "BigQuery",
    cost: float = 1.0,
    *,
    usage_start: datetime = datetime(2026, 11, 30, 10, tzinfo=UTC),
    export_delay: timedelta = timedelta(hours=4),
    credits: list[float] = (),
    cost_type: str = "regular",
    sku: str = "Analysis",
    resource: str | None = None,
    labels: dict[str, str] | None = None,
    project: str = PROJECT,
) -> dict[str, Any]:
    return {
        "billing_account_id": "0155F9-5165FE-BBC88A",
        "service": {"id": "X", "description": service},
        "sku": {"id": "Y", "description": sku},
        "usage_start_time": usage_start,
        "usage_end_time": usage_start + timedelta(hours=1),
        "project": {"id": project, "labels": [], "ancestors": []},
        "labels": [{"key": k, "value": v} for k, v in (labels or {}).items()],
        "system_labels": [],
        "resource": {"name": resource, "global_name": None} if resource else None,
        "tags": [],
        "export_time": usage_start + timedelta(hours=1) + export_delay,
        "cost": cost,
        "currency": "USD",
        "credits": [
            {"name": f"c{i}", "amount": amount, "id": f"c{i}", "type": "PROMOTION"}
            for i, amount in enumerate(credits)
        ],
        "cost_type": cost_type,
    }


def write_export(path: Path, rows: list[dict[str, Any]], source: str = "test") -> None:
    """Append rows to a local export (one import)."""
    demo_export.write(path, rows, f"{source} {datetime.now(UTC).isoformat()}")


def collector_settings(data_dir: Path, **variables: str) -> BillingCollectorSettings:
    return settings.load(
        BillingCollectorSettings, {"RECS_DATA_DIR": str(data_dir), **variables}
    )


def save_billing_config(store: DocumentStore, **changes: Any) -> None:
    config = {**billing_config.DEFAULTS, **changes}
    store.put(
        billing_config.COLLECTION,
        billing_config.DOCUMENT,
        billing_config.BillingConfigSchema().dump(config),
    )


def raw_net_costs(path: Path) -> dict[tuple[date, str], Decimal]:
    """Per (UTC usage day, service): cost + credits, tax excluded, from the CSV.

    Read with the csv module and Decimal straight from the text; credits are
    Python literals or JSON, as the file has them.
    """
    totals: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    with path.open(newline="") as handle:
        for record in csv.DictReader(handle):
            if record.get("cost_type") == "tax":
                continue
            day = datetime.fromisoformat(record["usage_start_time"]).astimezone(UTC)
            credits = _literal(record["credits"])
            net = Decimal(record["cost"]) + sum(
                (Decimal(repr(c["amount"])) for c in credits), Decimal(0)
            )
            totals[(day.date(), record["service.description"])] += net
    return dict(totals)


def raw_project(path: Path) -> str:
    with path.open(newline="") as handle:
        projects = {record["project.id"] for record in csv.DictReader(handle)}
    assert len(projects) == 1, projects
    return projects.pop()


def _literal(text: str) -> list[dict[str, Any]]:
    if not text:
        return []
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return ast.literal_eval(text)
