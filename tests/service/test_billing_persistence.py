"""Billing persistence on every store adapter: whole-day replacement, replays,
the rate a day keeps, re-rating, and concurrent deliveries."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dashboard_api.billing import config_changes, intake, months, rerate
from dashboard_api.billing.period import Month
from recs_shared.store import keep_latest
from tests.support.billing import line, snapshot

DAY = date(2026, 11, 3)
EARLY = datetime(2026, 11, 4, 5, tzinfo=UTC)
LATE = datetime(2026, 11, 5, 5, tzinfo=UTC)


def month(store, key: str = "2026-11") -> dict:
    return store.get(months.MONTHS, key)


def amounts(store, key: str = "2026-11") -> dict[tuple[str, str], Decimal]:
    return {
        (item["category"], item["service"]): Decimal(item["amount"])
        for item in month(store, key)["services"]
    }


def everything(store) -> dict:
    return {
        name: {doc.id: doc.data for doc in store.query(name)}
        for name in (intake.SNAPSHOTS, months.MONTHS)
    }


def test_a_newer_collection_replaces_the_days_lines_as_a_whole(store):
    first = [line("Data", "BigQuery", "10.00"), line("System", "Cloud Scheduler", "1")]
    intake.store_snapshot(store, snapshot(DAY, first, collected_at=EARLY))
    intake.store_snapshot(
        store,
        snapshot(DAY, [line("Data", "Cloud SQL", "4.00")], collected_at=LATE),
    )

    assert amounts(store) == {("Data", "Cloud SQL"): Decimal("4.00") * Decimal("0.92")}
    assert month(store)["days"][DAY.isoformat()]["collected_at"] == LATE.isoformat()


def test_a_replay_or_an_older_collection_changes_nothing(store):
    newer = snapshot(DAY, [line("Data", "BigQuery", "2.00")], collected_at=LATE)
    older = snapshot(DAY, [line("Data", "BigQuery", "9.00")], collected_at=EARLY)
    intake.store_snapshot(store, newer)
    before = everything(store)

    assert intake.store_snapshot(store, newer).written is False
    assert intake.store_snapshot(store, older).written is False
    assert everything(store) == before


def test_a_day_keeps_the_rate_it_was_first_stored_with(store):
    intake.store_snapshot(
        store, snapshot(DAY, [line("Data", "BigQuery", "10.00")], collected_at=EARLY)
    )
    config_changes.update(store, {"usd_to_display_rate": "0.5"})

    intake.store_snapshot(
        store, snapshot(DAY, [line("Data", "BigQuery", "20.00")], collected_at=LATE)
    )
    intake.store_snapshot(
        store, snapshot(date(2026, 11, 4), [line("Data", "GCS", "8")])
    )

    assert amounts(store) == {
        ("Data", "BigQuery"): Decimal("20.00") * Decimal("0.92"),
        ("Data", "GCS"): Decimal("8") * Decimal("0.5"),
    }


def test_rerate_converts_the_named_days_at_the_current_rate(store, capsys):
    for day in (date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)):
        intake.store_snapshot(store, snapshot(day, [line("Data", "BigQuery", "10")]))
    config_changes.update(store, {"usd_to_display_rate": "0.95"})
    before = everything(store)

    assert (
        rerate.main(["--from", "2026-10-31", "--to", "2026-11-01", "--dry-run"], store)
        == 0
    )
    assert everything(store) == before
    assert "would re-rate 2 day(s) at 0.95 EUR" in capsys.readouterr().out

    assert rerate.main(["--from", "2026-10-31", "--to", "2026-11-01"], store) == 0
    out = capsys.readouterr().out
    assert "2026-10-31: 0.92 EUR -> 0.95 EUR" in out
    assert "re-rated 2 day(s) at 0.95 EUR" in out
    assert amounts(store, "2026-10") == {("Data", "BigQuery"): Decimal("9.50")}
    days = month(store)["days"]
    assert set(days) == {"2026-11-01", "2026-11-02"}
    assert amounts(store) == {
        ("Data", "BigQuery"): Decimal("10") * Decimal("0.95")
        + Decimal("10") * Decimal("0.92")
    }


def test_rerate_takes_an_explicit_rate_and_reports_days_not_stored(store, capsys):
    intake.store_snapshot(store, snapshot(DAY, [line("Data", "BigQuery", "10")]))

    assert (
        rerate.main(
            ["--from", "2026-11-01", "--to", "2026-11-05", "--rate", "1.1"], store
        )
        == 0
    )

    assert amounts(store) == {("Data", "BigQuery"): Decimal("11.0")}
    assert "4 day(s) in the range have no stored snapshot" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "fault"),
    [
        ("--from 2026-11-01 --to 2026-11-30 --rate 0", "--rate must be more than 0"),
        ("--from 2026-11-01 --to 2026-11-30 --rate 9e-1", "not a decimal string"),
        ("--from 2026-11-01 --to 2026-10-01", "--from 2026-11-01 is after --to"),
        ("--from 2026-11-01 --to 2026-11-31", "'2026-11-31' is not a YYYY-MM-DD"),
    ],
)
def test_rerate_refuses_bad_input_and_changes_nothing(store, capsys, argv, fault):
    intake.store_snapshot(store, snapshot(DAY, [line("Data", "BigQuery", "10")]))
    before = everything(store)

    assert rerate.main(argv.split(), store) == 2

    assert fault in capsys.readouterr().err
    assert everything(store) == before


def test_concurrent_deliveries_of_one_months_days_are_all_kept(store):
    month_days = [date(2026, 11, d) for d in range(1, 9)]
    barrier = threading.Barrier(len(month_days))
    failures = []

    def deliver(day: date) -> None:
        try:
            barrier.wait()
            intake.store_snapshot(store, snapshot(day, [line("Data", "BigQuery", "1")]))
        except Exception as error:  # reported below, with the day
            failures.append((day, error))

    threads = [threading.Thread(target=deliver, args=(d,)) for d in month_days]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert sorted(month(store)["days"]) == [d.isoformat() for d in month_days]
    assert amounts(store) == {("Data", "BigQuery"): 8 * Decimal("0.92")}


def test_a_projection_from_an_outdated_read_keeps_the_days_stored_meanwhile(store):
    other = snapshot(date(2026, 11, 2), [line("Data", "Cloud SQL", "5")])

    class OtherWriterInBetween:
        """The store as seen by a writer that is overtaken right after it
        read the month's snapshots: another delivery stores and projects."""

        def __init__(self) -> None:
            self.overtaken = False

        def get_many(self, collection, ids):
            found = store.get_many(collection, ids)
            if collection == intake.SNAPSHOTS and not self.overtaken:
                self.overtaken = True
                intake.store_snapshot(store, other)
            return found

        def __getattr__(self, name):
            return getattr(store, name)

    event = snapshot(DAY, [line("Data", "BigQuery", "10")])
    keep_latest(store, intake.SNAPSHOTS, DAY.isoformat(), event, "collected_at")
    months.project(OtherWriterInBetween(), Month.of(DAY), intake.current_rate(store))

    assert sorted(month(store)["days"]) == ["2026-11-02", DAY.isoformat()]
    assert amounts(store) == {
        ("Data", "BigQuery"): Decimal("9.20"),
        ("Data", "Cloud SQL"): Decimal("4.60"),
    }


def test_a_day_whose_snapshot_was_deleted_by_hand_leaves_its_month(store):
    for day in (date(2026, 11, 1), DAY):
        intake.store_snapshot(store, snapshot(day, [line("Data", "BigQuery", "10")]))
    store.delete(intake.SNAPSHOTS, DAY.isoformat())

    months.project(store, Month.of(DAY), intake.current_rate(store))

    assert sorted(month(store)["days"]) == ["2026-11-01"]


def test_a_redelivery_completes_a_projection_interrupted_after_the_snapshot(store):
    event = snapshot(DAY, [line("Data", "BigQuery", "10")])
    # As if the service died right after storing the day, before projecting it.
    keep_latest(store, intake.SNAPSHOTS, DAY.isoformat(), event, "collected_at")
    assert month(store) is None

    assert intake.store_snapshot(store, event).written is False

    assert amounts(store) == {("Data", "BigQuery"): Decimal("9.20")}
