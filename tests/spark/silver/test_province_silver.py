"""Silver on the province's catalog and actions: every labelled row fault is caught exactly,
cleaned faults are accepted, and no clean row is rejected (ground_truth.csv is the answer)."""

import csv
import dataclasses
from datetime import date

import pytest
import yaml

from spark_jobs.contracts import get_contract
from spark_jobs.core.settings import REPO_ROOT
from spark_jobs.ingest import bronze
from spark_jobs.ingest.landing import stage_landing
from spark_jobs.silver import build as silver
from tests.synthetic import PROVINCE, SCHEMAS

pytestmark = pytest.mark.slow  # a whole delivery through Delta: not in the quick tier

DAY = date(2024, 6, 28)
SOURCES = ("supervision_items", "supervision_actions")


@pytest.fixture(scope="module")
def loaded(spark, base_settings, tmp_path_factory):
    lake = dataclasses.replace(base_settings, home=tmp_path_factory.mktemp("province-silver"))
    stage_landing(lake, PROVINCE / "landing")
    counts = {}
    for name in SOURCES:
        bronze.ingest(spark, lake, get_contract(name, SCHEMAS), DAY)
        counts[name] = silver.build(spark, lake, get_contract(name, SCHEMAS))
    classes = yaml.safe_load(
        (REPO_ROOT / "tests" / "synthetic" / "faults.yaml").read_text("utf-8")
    )["classes"]
    with open(PROVINCE / "ground_truth.csv", encoding="utf-8") as fh:
        truth = [
            r for r in csv.DictReader(fh) if r["row_number"] and r["file"].split("/")[0] in SOURCES
        ]
    for r in truth:
        r["outcome"] = classes[r["fault_class"]]["outcome"]
    return lake, counts, truth


def test_quarantine_is_exactly_the_labelled_row_faults(spark, loaded):
    _, counts, truth = loaded
    expected = {
        (r["file"], int(r["row_number"]), r["field"])
        for r in truth
        if r["outcome"] == "quarantined"
    }
    problems = {
        (q._source_file, q._row_number, q.field) for q in spark.table("silver.quarantine").collect()
    }
    # exactly the labelled rows, each with its labelled field among its problems (a future
    # action date also puts the submission date "before" it: both are reported)
    assert {(f, n) for f, n, _ in problems} == {(f, n) for f, n, _ in expected}
    assert expected <= problems
    for name in SOURCES:
        c = counts[name]
        assert c["read"] == c["accepted"] + c["quarantined"]


def test_cleaned_rows_are_accepted_with_standard_values(spark, loaded):
    _, _, truth = loaded
    cleaned = [r for r in truth if r["outcome"] == "cleaned"]
    assert cleaned
    actions = spark.table("silver.supervision_actions")
    for r in cleaned:
        row = actions.where(
            f"_source_file = '{r['file']}' AND _row_number = {r['row_number']}"
        ).first()
        assert row is not None, r
        value = getattr(row, r["field"])
        assert str(value).isascii() and str(value) == str(value).strip(), (r, value)


def test_duplicate_keys_keep_the_later_row(spark, loaded):
    _, _, truth = loaded
    superseded = [r for r in truth if r["outcome"] == "superseded"]
    assert superseded
    actions = spark.table("silver.supervision_actions")
    for r in superseded:
        assert (
            actions.where(
                f"_source_file = '{r['file']}' AND _row_number = {r['row_number']}"
            ).count()
            == 0
        )
    assert actions.count() == actions.select("action_id").distinct().count()
