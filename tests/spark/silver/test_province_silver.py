"""Silver on every source of the synthetic province: every labelled row fault is caught exactly,
per fault class; cleaned faults are accepted with their standard value; superseded rows are
counted; and every file reconciles (ground_truth.csv is the answer)."""

import csv
from collections import defaultdict

import pytest
import yaml

from spark_jobs.core.settings import REPO_ROOT
from tests.synthetic import PROVINCE

pytestmark = pytest.mark.slow  # a whole delivery through Delta: not in the quick tier


@pytest.fixture(scope="module")
def loaded(province):
    classes = yaml.safe_load(
        (REPO_ROOT / "tests" / "synthetic" / "faults.yaml").read_text("utf-8")
    )["classes"]
    with open(PROVINCE / "ground_truth.csv", encoding="utf-8") as fh:
        truth = [r for r in csv.DictReader(fh) if r["row_number"]]
    for r in truth:
        r["outcome"] = classes[r["fault_class"]]["outcome"]
        r["key"] = (r["file"], int(r["row_number"]))
    findings = province.table("silver", "quarantine").collect()
    return province, province.silver, truth, findings


def _by_class(rows):
    out = defaultdict(set)
    for r in rows:
        out[r["fault_class"]].add(r["key"])
    return out


def test_quarantine_is_exactly_the_labelled_row_faults_per_class(loaded):
    _, _, truth, findings = loaded
    held = defaultdict(set)
    for q in findings:
        if q.status == "quarantined":
            held[(q._source_file, q._row_number)].add(q.field)
    expected = [r for r in truth if r["outcome"] == "quarantined"]
    assert {r["key"] for r in expected} == set(held), (
        f"missed {sorted({r['key'] for r in expected} - set(held))}, "
        f"extra {sorted(set(held) - {r['key'] for r in expected})}"
    )
    for fault_class, keys in _by_class(expected).items():
        labelled = {(r["key"], r["field"]) for r in expected if r["fault_class"] == fault_class}
        for key, field in labelled:  # the labelled field is among the row's problems
            assert field in held[key], (fault_class, key, field, held[key])
        assert keys <= set(held), fault_class


def test_every_finding_has_a_national_category_and_message(loaded):
    _, _, _, findings = loaded
    for q in findings:
        if q.field == "_row":  # an unparseable row: outside the ten categories
            assert q.category is None and q.message.startswith("[整行]"), q
            continue
        assert q.category in {f"{n:02d}" for n in range(1, 11)}, q
        assert q.message.startswith(f"[{q.field_zh}]"), q
        assert q.severity in {"error", "warning"}, q
    categories = {q.category for q in findings}
    assert {"01", "03", "05", "06", "07", "08", "09", "10"} <= categories


def test_cleaned_rows_are_accepted_with_standard_values(spark, loaded):
    _, _, truth, _ = loaded
    cleaned = [r for r in truth if r["outcome"] == "cleaned"]
    assert {r["fault_class"] for r in cleaned} >= {
        "fullwidth_digits_and_whitespace",
        "mixed_date_formats",
        "legacy_15_digit_id",
    }
    for r in cleaned:
        source = r["file"].split("/")[0]
        row = (
            loaded[0]
            .table("silver", source)
            .where(f"_source_file = '{r['file']}' AND _row_number = {r['row_number']}")
            .first()
        )
        assert row is not None, r
        value = getattr(row, r["field"])
        assert value is not None, r
        if r["fault_class"] == "legacy_15_digit_id":
            assert len(value) == 18, r
        elif r["fault_class"] == "mixed_date_formats":
            assert hasattr(value, "year"), (r, value)  # typed as a date or timestamp
        else:
            assert str(value).isascii() and str(value) == str(value).strip(), (r, value)


def test_superseded_rows_are_exactly_the_labelled_duplicates(spark, loaded):
    _, counts, truth, findings = loaded
    expected = {r["key"] for r in truth if r["outcome"] == "superseded"}
    assert expected
    got = {(q._source_file, q._row_number) for q in findings if q.status == "superseded"}
    assert got == expected
    assert all(q.category == "05" for q in findings if q.status == "superseded")
    assert sum(c["superseded"] for c in counts.values()) == len(expected)


def test_every_file_reconciles_and_no_row_is_lost(spark, loaded):
    province, counts, _, findings = loaded
    for c in province.contracts:
        bronze_rows = province.table("bronze", c.name).count()
        stats = counts[c.name]
        assert stats["read"] == bronze_rows, c.name
        assert stats["read"] == stats["accepted"] + stats["quarantined"] + stats["superseded"]
        held = {
            (q._source_file, q._row_number)
            for q in findings
            if q.source == c.name and q.status == "quarantined"
        }
        assert stats["quarantined"] == len(held), c.name
        assert province.table("silver", c.name).count() <= stats["accepted"], c.name
    for r in province.table("ops", "batch_log").where("stage = 'silver'").collect():
        assert r.rows_read == r.rows_accepted + r.rows_quarantined + r.rows_superseded, r
