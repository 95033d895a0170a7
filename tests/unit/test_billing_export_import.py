"""Importing billing export dumps into the local export table (DuckDB)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from decimal import Decimal

import duckdb
import pytest

from billing_collector import export_table
from billing_collector.export_files import ExportFileError, read_rows
from billing_collector.import_export import import_file, main
from tests.support.billing_export import SAMPLES

EXPORT_SAMPLES = sorted(SAMPLES.glob("billing_export_*.csv"))
LEGACY_JSON = sorted(SAMPLES.glob("billing_legacy_file_export_json__*.json"))

HEADER = (
    "billing_account_id,service.id,service.description,sku.id,sku.description,"
    "usage_start_time,usage_end_time,project.id,labels,export_time,cost,currency,"
    "credits,cost_type"
)


def _csv(*lines: str) -> str:
    return "\n".join((HEADER, *lines)) + "\n"


def _line(
    cost: str = "1.5", credits: str = "[]", export: str = "2026-11-30 14:00:00 UTC"
):
    return (
        "A,S1,BigQuery,K1,Analysis,2026-11-30 10:00:00 UTC,2026-11-30 11:00:00 UTC,"
        f"b2b-recs,\"[{{'key': 'team', 'value': 'recs'}}]\",{export},{cost},USD,"
        f'"{credits}",regular'
    )


def _count(database) -> int:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(
            f"SELECT COUNT(*) FROM {export_table.TABLE}"
        ).fetchone()[0]


@pytest.fixture
def database(tmp_path):
    return tmp_path / "export.duckdb"


@pytest.fixture(autouse=True)
def _samples_present():
    if not EXPORT_SAMPLES:
        pytest.skip(f"the shared sample data is not at {SAMPLES}")


@pytest.mark.parametrize("sample", EXPORT_SAMPLES, ids=lambda path: path.name)
def test_every_public_export_sample_imports_row_for_row(sample, database):
    with sample.open(newline="") as handle:
        records = list(csv.DictReader(handle))

    result = import_file(database, sample)

    assert result.rows == len(records) == _count(database)
    with duckdb.connect(str(database), read_only=True) as connection:
        costs = connection.execute(
            f"SELECT cost, service.description FROM {export_table.TABLE}"
        ).fetchall()
    assert sorted(costs) == sorted(
        (float(r["cost"]), r["service.description"]) for r in records
    )


def test_python_literal_arrays_and_scientific_notation_are_read(database, tmp_path):
    dump = tmp_path / "dump.csv"
    credits = (
        "[{'name': 'Free', 'amount': -5e-06, 'full_name': None, 'id': 'f', "
        "'type': 'FREE_TIER'}]"
    )
    dump.write_text(_csv(_line(cost="1.2e-05", credits=credits)))

    import_file(database, dump)

    with duckdb.connect(str(database), read_only=True) as connection:
        row = connection.execute(
            f"SELECT cost, credits[1].amount, credits[1].type, labels[1].value, "
            f"_PARTITIONTIME FROM {export_table.TABLE}"
        ).fetchone()
    assert row == (1.2e-05, -5e-06, "FREE_TIER", "recs", datetime(2026, 11, 30))


def test_ndjson_and_json_arrays_import_nested(database, tmp_path):
    record = {
        "service": {"id": "S", "description": "Cloud SQL"},
        "usage_start_time": "2026-11-30T10:00:00Z",
        "export_time": "2026-12-01 03:00:00.123456 UTC",
        "project": {"id": "b2b-recs", "labels": []},
        "cost": 2.5,
        "credits": [{"name": "x", "amount": -0.5, "type": "DISCOUNT"}],
        "price": {"effective_price": "0.000000123"},
    }
    ndjson = tmp_path / "dump.ndjson"
    ndjson.write_text(json.dumps(record) + "\n\n" + json.dumps(record) + "\n")
    array = tmp_path / "dump.json"
    array.write_text(json.dumps([record]))

    assert import_file(database, ndjson).rows == 2
    # The same record again, as a JSON array: it replaces (a second import
    # of rows already there is refused, see below).
    assert import_file(database, array, replace=True).rows == 1
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            f"SELECT export_time, _PARTITIONTIME, price.effective_price "
            f"FROM {export_table.TABLE}"
        ).fetchall()
    assert set(rows) == {
        (
            datetime(2026, 12, 1, 3, 0, 0, 123456),
            datetime(2026, 12, 1),
            Decimal("0.000000123"),
        )
    }


@pytest.mark.parametrize("legacy", LEGACY_JSON, ids=lambda path: path.name)
def test_the_legacy_json_file_export_is_refused_naming_why(legacy, database):
    with pytest.raises(ExportFileError, match="legacy JSON file export"):
        import_file(database, legacy)

    assert not database.exists()


def test_the_legacy_file_export_csv_is_refused_naming_why():
    legacy = (
        "Account ID,Line Item,Start Time,End Time,Project,Measurement1,"
        "Measurement1 Total Consumption,Measurement1 Units,Cost,Currency\n"
        "0000-1111,com.google.cloud/services/big-query/Analysis,"
        "2019-09-16T00:00:00-07:00,2019-09-17T00:00:00-07:00,p,m,1,bytes,0.1,USD\n"
    )

    with pytest.raises(ExportFileError, match="legacy file export CSV"):
        read_rows(legacy, "legacy.csv")


def test_a_file_with_a_bad_value_imports_nothing_and_names_each_fault(
    database, tmp_path
):
    good = tmp_path / "good.csv"
    good.write_text(_csv(_line()))
    import_file(database, good)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        _csv(_line(cost="2.0"), _line(cost="abc"), _line(export="yesterday"))
    )

    with pytest.raises(ExportFileError) as error:
        import_file(database, bad)

    message = str(error.value)
    assert "line 3, cost: 'abc' is not a number" in message
    assert "line 4, export_time: 'yesterday' is not a timestamp" in message
    assert _count(database) == 1


def test_a_cell_nested_thousands_deep_is_a_named_fault_not_a_crash(database, tmp_path):
    deep = tmp_path / "deep.csv"
    deep.write_text(_csv(_line(credits="[" * 60_000 + "]" * 60_000)))
    huge = tmp_path / "huge.csv"
    huge.write_text(_csv(_line(credits="[" * 100_000 + "]" * 100_000)))

    with pytest.raises(ExportFileError, match="neither JSON nor a Python literal"):
        import_file(database, deep)
    with pytest.raises(ExportFileError, match="line 2: field larger than"):
        import_file(database, huge)
    assert not database.exists() or _count(database) == 0


def test_another_currency_is_refused(tmp_path):
    text = _csv(_line()).replace(",USD,", ",EUR,")

    with pytest.raises(ExportFileError, match="currency: 'EUR'"):
        read_rows(text, "eur.csv")


def test_a_file_imported_twice_is_refused_unless_replacing(database, tmp_path):
    dump = tmp_path / "dump.csv"
    dump.write_text(_csv(_line(), _line()))
    import_file(database, dump)

    with pytest.raises(ExportFileError, match="already imported"):
        import_file(database, dump)
    assert _count(database) == 2

    import_file(database, dump, replace=True)
    assert _count(database) == 2


def test_rows_already_imported_from_another_file_are_refused(database):
    # The koku samples are two dumps of one account: every row of the small
    # one is in the evidence file too (in other bytes).
    evidence = SAMPLES / "billing_export_standard_csv__koku_evidence_2020-11.csv"
    small = SAMPLES / "billing_export_standard_csv__koku_202011.csv"
    import_file(database, evidence)
    before = _count(database)

    with pytest.raises(ExportFileError, match=r"rows are already in the local export"):
        import_file(database, small)

    assert _count(database) == before
    import_file(database, small, replace=True)
    assert _count(database) == 25


def test_the_command_reports_refusals_with_a_non_zero_status(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("RECS_DATA_DIR", str(tmp_path / "data"))
    dump = tmp_path / "dump.csv"
    dump.write_text("service.description,cost\nBigQuery,1\n")

    assert main([str(dump)]) == 1
    assert "no column usage_start_time, export_time" in capsys.readouterr().err
    assert not (tmp_path / "data" / "billing_export.duckdb").exists()


def test_partition_is_the_utc_day_of_export_time():
    moment = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)

    assert export_table.partition_time(moment) == datetime(2026, 12, 1, tzinfo=UTC)
