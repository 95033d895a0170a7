"""A demo billing export: six months of a believable bill, deterministic per seed.

    python -m billing_collector.demo_export [--seed 7] [--months 6] [--replace]

Writes detailed-export rows (the official schema, see export_table.py) into
the local export table for the client project of BillingConfig: the spec's
services and SKUs (Data: BigQuery, Cloud SQL, Cloud Storage, Cloud Dataflow;
Training: Vertex AI with GPU and CPU SKUs; Cloud Run for the serving
endpoints and for the app itself; System services), credits of several types
(one row carries two), daily tax rows, a monthly adjustment and rounding
error, and rows exported a day or two late.

The bill follows the platform: the Cloud Run services of the store's
``deployed_endpoints`` and the store's ``training_runs`` (GPU hours, model
type) drive Inference and Training. With an empty platform it invents one
serving service and a training run every few days, so the page still shows
a believable bill.

This is demo data, never a measurement: the README says so.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from billing_collector import export_table
from recs_shared import billing_config, platform, settings
from recs_shared.settings import BillingCollectorSettings
from recs_shared.store import DocumentStore, make_store

BILLING_ACCOUNT = "0155F9-5165FE-BBC88A"
REGION = "europe-central2"
APP_SERVICES = ("web", "dashboard-api", "billing-collector", "metrics-collector")
FALLBACK_ENDPOINT = "shop-recs-serving"

SERVICE_IDS = {
    "BigQuery": "24E6-581D-38E5",
    "Cloud SQL": "9662-B51E-5089",
    "Cloud Storage": "95FF-2EF5-5EA1",
    "Cloud Dataflow": "1992-3666-B975",
    "Vertex AI": "C7E2-9256-1C43",
    "Cloud Run": "152E-C115-5142",
    "Cloud Scheduler": "5E18-9A83-2867",
    "Secret Manager": "EE2C-7FAC-5E08",
    "Artifact Registry": "149C-F9EC-3994",
    "Cloud Logging": "5490-F7B7-8DF6",
}

GPU_SKUS = {
    "nvidia-tesla-t4": ("Custom Training: Nvidia Tesla T4 GPU running in Warsaw", 0.46),
    "nvidia-l4": ("Custom Training: Nvidia L4 GPU running in Warsaw", 0.78),
    "nvidia-tesla-a100": (
        "Custom Training: Nvidia Tesla A100 GPU running in Warsaw",
        3.37,
    ),
}
CPU_SKU = ("Custom Training: N1 Predefined Instance Core running in Warsaw", 0.044)
RAM_SKU = ("Custom Training: N1 Predefined Instance Ram running in Warsaw", 0.0059)


@dataclass(frozen=True)
class DemoRun:
    run_id: str
    model_type: str | None  # None: the label is missing; the store knows it
    started_at: datetime
    gpu_hours: float
    gpu_type: str


class Bill:
    """Builds the rows of one export, drawing every choice from one seed."""

    def __init__(self, seed: int, project_id: str) -> None:
        self.random = random.Random(seed)
        self.project_id = project_id

    def row(
        self,
        start: datetime,
        service: str,
        sku: str,
        cost: float,
        *,
        hours: int = 1,
        credits: list[dict[str, Any]] | None = None,
        labels: dict[str, str] | None = None,
        resource: str | None = None,
        cost_type: str = "regular",
        usage: tuple[float, str] = (1.0, "requests"),
    ) -> dict[str, Any]:
        end = start + timedelta(hours=hours)
        # Most rows arrive a few hours after their usage ends; some a day or
        # two late, which is what the collector's re-collection is for.
        delay = timedelta(hours=self.random.uniform(1.5, 7))
        if self.random.random() < 0.02:
            delay += timedelta(hours=self.random.uniform(24, 50))
        export_time = end + delay
        return {
            "billing_account_id": BILLING_ACCOUNT,
            "service": {"id": SERVICE_IDS[service], "description": service},
            "sku": {"id": _sku_id(sku), "description": sku},
            "usage_start_time": start,
            "usage_end_time": end,
            "project": {
                "id": self.project_id,
                "number": "555035914949",
                "name": self.project_id,
                "labels": [],
                "ancestry_numbers": "/849302715044/555035914949/",
                "ancestors": [],
            },
            "labels": [{"key": k, "value": v} for k, v in (labels or {}).items()],
            "system_labels": [],
            "location": {
                "location": REGION,
                "country": "PL",
                "region": REGION,
                "zone": None,
            },
            "resource": _resource(resource, self.project_id),
            "tags": [],
            "export_time": export_time,
            "cost": round(cost, 6),
            "currency": "USD",
            "currency_conversion_rate": 1.0,
            "usage": {
                "amount": usage[0],
                "unit": usage[1],
                "amount_in_pricing_units": usage[0],
                "pricing_unit": usage[1],
            },
            "credits": credits or [],
            "invoice": {"month": start.strftime("%Y%m"), "publisher_type": "GOOGLE"},
            "cost_type": cost_type,
            "adjustment_info": None,
            "cost_at_list": round(cost, 6),
        }

    def credit(self, kind: str, amount: float) -> dict[str, Any]:
        names = {
            "FREE_TIER": "Free tier",
            "SUSTAINED_USAGE_DISCOUNT": "Sustained usage discount",
            "COMMITTED_USAGE_DISCOUNT": "Committed use discount: Cloud SQL",
            "PROMOTION": "FreeTrial:Credit-0155F9-5165FE-BBC88A",
        }
        return {
            "name": names[kind],
            "amount": -round(amount, 6),
            "full_name": None,
            "id": f"{kind.lower()}-{BILLING_ACCOUNT}",
            "type": kind,
        }


def _sku_id(description: str) -> str:
    digest = f"{abs(hash_text(description)):012X}"[:12]
    return f"{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


def hash_text(text: str) -> int:
    """A stable hash (Python's own is salted per process)."""
    value = 0
    for char in text:
        value = (value * 131 + ord(char)) % 2**48
    return value


def _resource(name: str | None, project_id: str) -> dict[str, Any] | None:
    if name is None:
        return None
    return {
        "name": name,
        "global_name": f"//run.googleapis.com/projects/{project_id}/locations/"
        f"{REGION}/services/{name}",
    }


def demo_runs(
    store: DocumentStore, first: date, last: date, bill: Bill
) -> list[DemoRun]:
    """The store's training runs in the period, or invented ones without any."""
    runs = []
    for doc in store.query(platform.TRAINING_RUNS):
        if not doc.data.get("started_at") or not doc.data.get("gpu_hours"):
            continue
        started = datetime.fromisoformat(doc.data["started_at"]).astimezone(UTC)
        if not first <= started.date() <= last:
            continue
        runs.append(
            DemoRun(
                run_id=doc.id,
                # Every third run lacks the model_type label, as a run
                # launched by hand would: the collector asks the store.
                model_type=None if len(runs) % 3 == 2 else doc.data.get("model_type"),
                started_at=started,
                gpu_hours=float(doc.data["gpu_hours"]),
                gpu_type=doc.data.get("gpu_type") or "nvidia-tesla-t4",
            )
        )
    if runs:
        return sorted(runs, key=lambda run: (run.started_at, run.run_id))
    return _invented_runs(first, last, bill)


def _invented_runs(first: date, last: date, bill: Bill) -> list[DemoRun]:
    runs, day, number = [], first, 1
    while day <= last:
        model_type = ("retrieval", "ranking", "multitask")[number % 3]
        runs.append(
            DemoRun(
                run_id=f"demo-run-{number:03d}",
                model_type=model_type,
                started_at=datetime.combine(day, time(bill.random.randint(6, 18)), UTC),
                gpu_hours=round(bill.random.uniform(1.0, 6.0), 2),
                gpu_type=bill.random.choice(("nvidia-tesla-t4", "nvidia-l4")),
            )
        )
        day += timedelta(days=bill.random.randint(3, 6))
        number += 1
    return runs


def endpoint_services(store: DocumentStore) -> list[str]:
    services = {
        doc.data["cloud_run_service"]
        for doc in store.query(platform.DEPLOYED_ENDPOINTS)
        if doc.data.get("cloud_run_service")
    }
    return sorted(services) or [FALLBACK_ENDPOINT]


def generate(
    store: DocumentStore,
    first: date,
    last: date,
    seed: int = 7,
    now: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """Canonical export rows for every UTC day from ``first`` to ``last``.

    With ``now``, rows the export would only write later are left out, as
    they would be missing from a real export read at that moment.
    """
    rows = _all_rows(store, first, last, seed)
    if now is None:
        yield from rows
    else:
        yield from (row for row in rows if row["export_time"] <= now)


def _all_rows(
    store: DocumentStore, first: date, last: date, seed: int
) -> Iterator[dict[str, Any]]:
    pricing = billing_config.load(store)
    bill = Bill(seed, pricing["client_project_id"])
    endpoints = endpoint_services(store)
    runs = demo_runs(store, first, last, bill)

    day = first
    while day <= last:
        midnight = datetime.combine(day, time(), UTC)
        yield from _data_rows(bill, midnight)
        yield from _cloud_run_rows(bill, midnight, endpoints)
        yield from _system_rows(bill, midnight)
        yield from _tax_and_corrections(bill, midnight)
        day += timedelta(days=1)

    for run in runs:
        yield from _training_rows(bill, run, last)


def _data_rows(bill: Bill, midnight: datetime) -> Iterator[dict[str, Any]]:
    rng = bill.random
    for slot in range(0, 24, 4):
        start = midnight + timedelta(hours=slot)
        yield bill.row(
            start,
            "Cloud SQL",
            "Cloud SQL for PostgreSQL: Zonal - vCPU in Warsaw",
            0.2,
            hours=4,
            credits=[bill.credit("COMMITTED_USAGE_DISCOUNT", 0.05)],
            usage=(4 * 3600.0, "seconds"),
        )
        yield bill.row(
            start,
            "Cloud SQL",
            "Cloud SQL for PostgreSQL: Zonal - RAM in Warsaw",
            0.1,
            hours=4,
            usage=(4 * 3600.0 * 3.75, "gibibyte second"),
        )

    scanned_tib = rng.uniform(0.01, 0.12)
    analysis = scanned_tib * 7.5
    yield bill.row(
        midnight + timedelta(hours=rng.randint(6, 20)),
        "BigQuery",
        "Analysis",
        analysis,
        # The first TiB a month is free: a free-tier credit offsets part of it.
        credits=[bill.credit("FREE_TIER", analysis * rng.uniform(0.1, 0.6))],
        usage=(scanned_tib * 2**40, "bytes"),
    )
    yield bill.row(
        midnight,
        "BigQuery",
        "Active Logical Storage (europe-central2)",
        0.028,
        hours=24,
        usage=(6.2 * 2**30 * 86400, "byte-seconds"),
    )
    yield bill.row(
        midnight,
        "Cloud Storage",
        "Standard Storage Warsaw",
        0.11 + rng.uniform(0, 0.02),
        hours=24,
        usage=(147.0 * 2**30 * 86400, "byte-seconds"),
    )
    if rng.random() < 0.4:
        yield bill.row(
            midnight + timedelta(hours=2),
            "Cloud Dataflow",
            "vCPU Time Batch Warsaw",
            rng.uniform(0.15, 0.6),
            hours=1,
            usage=(rng.uniform(2, 8) * 3600, "seconds"),
        )


def _cloud_run_rows(
    bill: Bill, midnight: datetime, endpoints: list[str]
) -> Iterator[dict[str, Any]]:
    rng = bill.random
    for name in endpoints:
        for slot in range(0, 24, 6):
            cpu = rng.uniform(0.02, 0.06)
            yield bill.row(
                midnight + timedelta(hours=slot),
                "Cloud Run",
                "CPU Allocation Time (tier 1)",
                cpu,
                hours=6,
                resource=name,
                # Free tier and a promotion on one row: credits counted once.
                credits=[
                    bill.credit("FREE_TIER", cpu * 0.2),
                    bill.credit("PROMOTION", cpu * 0.1),
                ],
                usage=(cpu / 0.000024, "vCPU-seconds"),
            )
            yield bill.row(
                midnight + timedelta(hours=slot),
                "Cloud Run",
                "Memory Allocation Time (tier 1)",
                cpu * 0.25,
                hours=6,
                resource=name,
                usage=(cpu / 0.0000025, "gibibyte second"),
            )
    for name in APP_SERVICES:
        yield bill.row(
            midnight,
            "Cloud Run",
            "CPU Allocation Time (tier 1)",
            rng.uniform(0.002, 0.01),
            hours=24,
            resource=name,
            credits=[bill.credit("FREE_TIER", 0.001)],
        )


def _system_rows(bill: Bill, midnight: datetime) -> Iterator[dict[str, Any]]:
    yield bill.row(midnight, "Cloud Scheduler", "Jobs", 0.0033, hours=24)
    yield bill.row(
        midnight, "Secret Manager", "Secret version replica storage", 0.002, hours=24
    )
    yield bill.row(
        midnight,
        "Artifact Registry",
        "Artifact Registry Storage",
        0.012,
        hours=24,
        credits=[bill.credit("FREE_TIER", 0.003)],
    )
    yield bill.row(midnight, "Cloud Logging", "Log Volume", 0.0, hours=24)


def _tax_and_corrections(bill: Bill, midnight: datetime) -> Iterator[dict[str, Any]]:
    # VAT on the day's Cloud SQL: excluded from client costs (our invoice
    # adds its own VAT) but kept by the collector as an internal figure.
    yield bill.row(midnight, "Cloud SQL", "Tax", 0.21, hours=24, cost_type="tax")

    if midnight.day == 15:
        adjustment = bill.row(
            midnight,
            "BigQuery",
            "Analysis",
            -0.35,
            hours=24,
            cost_type="adjustment",
        )
        adjustment["adjustment_info"] = {
            "id": f"adj-{midnight:%Y%m}",
            "description": "Billing correction for query overcharge",
            "mode": "MANUAL_ADJUSTMENT",
            "type": "GENERAL_ADJUSTMENT",
        }
        yield adjustment
    if (midnight + timedelta(days=1)).day == 1:
        yield bill.row(
            midnight,
            "Cloud SQL",
            "Rounding error",
            0.000311,
            cost_type="rounding_error",
        )


def _training_rows(bill: Bill, run: DemoRun, last: date) -> Iterator[dict[str, Any]]:
    labels = {"training_run_id": run.run_id}
    if run.model_type:
        labels["model_type"] = run.model_type
    gpu_sku, gpu_rate = GPU_SKUS.get(run.gpu_type, GPU_SKUS["nvidia-tesla-t4"])

    hour, remaining = (
        run.started_at.replace(minute=0, second=0, microsecond=0),
        run.gpu_hours,
    )
    while remaining > 0 and hour.date() <= last:
        share = min(1.0, remaining)
        yield bill.row(
            hour,
            "Vertex AI",
            gpu_sku,
            gpu_rate * share,
            labels=labels,
            usage=(share * 3600, "seconds"),
        )
        yield bill.row(
            hour,
            "Vertex AI",
            CPU_SKU[0],
            CPU_SKU[1] * 8 * share,
            labels=labels,
            usage=(share * 8 * 3600, "seconds"),
        )
        yield bill.row(
            hour,
            "Vertex AI",
            RAM_SKU[0],
            RAM_SKU[1] * 30 * share,
            labels=labels,
            usage=(share * 30 * 3600, "gibibyte hour"),
        )
        hour += timedelta(hours=1)
        remaining -= share


def period(today: date, months: int) -> tuple[date, date]:
    """From the first day of the month ``months - 1`` ago to yesterday."""
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), today - timedelta(days=1)


def write(database, rows, source: str, *, replace: bool = False) -> int:
    """Insert demo rows as one import, in one transaction."""
    return export_table.load_batch(
        database, rows, key=f"demo:{source}", source=source, replace=replace
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m billing_collector.demo_export",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--replace", action="store_true", help="empty the table first")
    args = parser.parse_args(argv)

    config = settings.load(BillingCollectorSettings)
    now = datetime.now(UTC)
    first, last = period(now.date(), args.months)
    rows = generate(make_store(config), first, last, seed=args.seed, now=now)
    source = f"seed {args.seed}, {first} to {last}"
    count = write(config.export_duckdb_path, rows, source, replace=args.replace)
    print(f"wrote {count} demo export rows ({source}) to {config.export_duckdb_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
