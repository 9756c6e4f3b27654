"""Silver rule scenarios: each folder of tests/scenarios/silver/ is one test (README there).

A scenario's delivered files are read into bronze rows by the product code's readers
(`bronze.bronze_rows`) and validated in memory by silver's own functions (`validate`,
`accepted_rows`, `quarantine_rows`), with no Delta commit, so that a scenario costs about a second;
the Delta side of silver (MERGE, quarantine replacement, ops counts) is tested in test_silver.py.
The accepted rows must hold exactly the expected natural keys (with the typed values listed) and
the quarantine rows exactly the expected (file, row, field, reason) problems. In every scenario the counts balance and no personal-data value delivered in the
scenario appears in quarantine, neither as a value nor inside a reason.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from spark_jobs.contracts import Contract, load_contract
from spark_jobs.ingest import bronze
from spark_jobs.silver import build as silver

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "silver"
FOLDERS = sorted(p for p in SCENARIOS.iterdir() if (p / "contract.yaml").is_file())
DEFAULT_DELIVERY = date(2024, 6, 28)


def _yaml(path: Path) -> dict:
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.is_file() else {}


def _deliveries(folder: Path, meta: dict) -> list[tuple[str, date]]:
    """(file, delivery date) in delivery order: meta `deliveries`, else input.csv."""
    listed = meta.get("deliveries") or [
        {"file": "input.csv", "delivery_date": meta.get("delivery_date", DEFAULT_DELIVERY)}
    ]
    return [(d["file"], d["delivery_date"]) for d in listed]


def _delivered_rows(contract: Contract, path: Path) -> list[dict]:
    """The delivered rows of an input file as {field: value}, read without the product code."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            {contract.headers[h]: v for h, v in row.items() if h in contract.headers}
            for row in csv.DictReader(fh)
        ]


def _same(actual, expected) -> bool:
    if isinstance(actual, Decimal) and expected is not None:
        return actual == Decimal(str(expected))
    if isinstance(actual, datetime) and isinstance(expected, datetime) and expected.tzinfo:
        # PySpark returns a TIMESTAMP as naive local time of this process: compare instants
        return actual.astimezone(UTC) == expected
    return actual == expected


def test_the_scenario_folders_are_complete():
    assert FOLDERS, f"no scenarios under {SCENARIOS}"
    for folder in FOLDERS:
        meta = _yaml(folder / "meta.yaml")
        assert meta.get("proves"), f"{folder.name}/meta.yaml: say what the scenario `proves`"
        assert (folder / "expected.yaml").is_file(), f"{folder.name}: no expected.yaml"
        for file, _ in _deliveries(folder, meta):
            assert (folder / file).is_file(), f"{folder.name}: no {file}"


@pytest.mark.scenario
@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_scenario(spark, base_settings, folder):
    contract = load_contract(folder / "contract.yaml")
    meta, expected = _yaml(folder / "meta.yaml"), _yaml(folder / "expected.yaml")
    deliveries = _deliveries(folder, meta)
    references = _reference_tables(spark, meta)
    _check_scenario(spark, base_settings, folder, contract, expected, deliveries, references)


def _reference_tables(spark, meta: dict) -> dict:
    """meta `references: {table: [rows]}`: the silver tables the contract's references read."""
    return {t: spark.createDataFrame(rows) for t, rows in (meta.get("references") or {}).items()}


def _check_scenario(spark, base_settings, folder, contract, expected, deliveries, references):
    tables = []
    for file, day in deliveries:  # UTF-8 in the folder, the contract's encoding on the wire
        data = (folder / file).read_text(encoding="utf-8").encode(contract.encoding)
        key = f"{contract.landing_dir}/{day.isoformat()}/{file}"
        tables.append(bronze.bronze_rows(contract, data, key, day))
    rows = spark.createDataFrame(pa.concat_tables(tables))
    validated = silver.validate(spark, contract, rows, references)
    classified = silver.classify(contract, validated).cache()
    accepted = silver.accepted_rows(contract, classified, base_settings).collect()
    findings = silver.quarantine_rows(contract, classified).collect()
    quarantine = [q for q in findings if q.status == "quarantined"]
    counts = {
        "read": classified.count(),
        "accepted": classified.where("NOT _rejected AND NOT _superseded").count(),
        "quarantined": classified.where("_rejected").count(),
        "superseded": classified.where("_superseded AND NOT _rejected").count(),
    }

    # quarantine: exactly the expected problems
    sole = deliveries[0][0] if len(deliveries) == 1 else None
    want = {
        (q.get("file", sole), q["row_number"], q["field"], q["reason"])
        for q in expected.get("quarantined") or []
    }
    got = {
        (q._source_file.rsplit("/", 1)[-1], q._row_number, q.field, q.reason) for q in quarantine
    }
    assert got == want, f"unexpected: {sorted(got - want)}; missing: {sorted(want - got)}"
    for q in expected.get("quarantined") or []:
        if "value" in q:
            row = next(
                r
                for r in quarantine
                if (r._row_number, r.field, r.reason) == (q["row_number"], q["field"], q["reason"])
            )
            assert row.value == (None if q["value"] is None else str(q["value"])), q
        for column in ("category", "message", "standardised_value"):
            if column in q:
                row = next(
                    r
                    for r in quarantine
                    if (r._row_number, r.field, r.reason)
                    == (q["row_number"], q["field"], q["reason"])
                )
                assert row[column] == q[column], (column, row[column], q)

    # warned: kept in silver, the finding recorded
    warned = {(q._row_number, q.field, q.reason) for q in findings if q.status == "warned"}
    assert warned == {
        (w["row_number"], w["field"], w["reason"]) for w in expected.get("warned") or []
    }

    # accepted: exactly the expected keys, with the values listed
    key = contract.natural_key
    rows = {tuple(r[k] for k in key): r for r in accepted}
    wanted = {tuple(a[k] for k in key): a for a in expected.get("accepted") or []}
    assert set(rows) == set(wanted), f"accepted keys {sorted(rows)}, expected {sorted(wanted)}"
    for k, values in wanted.items():
        for column, value in values.items():
            assert _same(rows[k][column], value), f"{k} {column}: {rows[k][column]!r} != {value!r}"

    # counts balance; quarantined rows = rows with a problem
    read = sum(len(_delivered_rows(contract, folder / file)) for file, _ in deliveries)
    assert counts["read"] == read
    assert counts["accepted"] + counts["quarantined"] + counts["superseded"] == read
    assert counts["quarantined"] == len({(f, n) for f, n, _, _ in want})
    superseded = {
        (q._source_file.rsplit("/", 1)[-1], q._row_number)
        for q in findings
        if q.status == "superseded"
    }
    assert superseded == {
        (s.get("file", sole), s["row_number"]) for s in expected.get("superseded") or []
    }

    # personal data never reaches quarantine, neither as the value nor in a reason
    pii = [f.name for f in contract.pii_fields]
    delivered = {
        r[name].strip()
        for file, _ in deliveries
        for r in _delivered_rows(contract, folder / file)
        for name in pii
        if (r.get(name) or "").strip()
    }
    for q in quarantine:
        if q.field in pii:
            assert q.value is None, q
        for value in delivered:
            assert value not in (q.value or "") and value not in q.reason, (value, q)
