"""Every source of the synthetic province lands in bronze; every file-level fault is recorded
with the outcome tests/synthetic/faults.yaml gives it, and never takes the other files down."""

import csv
from datetime import date

import pytest
import yaml

from spark_jobs.contracts import all_contracts
from spark_jobs.core.settings import REPO_ROOT
from tests.synthetic import PROVINCE, SCHEMAS

pytestmark = pytest.mark.slow  # a whole delivery through Delta: not in the quick tier

DAY = date(2024, 6, 28)
STATUS = {
    "file_rejected": "rejected",
    "file_skipped": "skipped_duplicate",
    "accepted": "ingested",
    "quarantined": "ingested",
}


@pytest.fixture
def province_lake(province):
    return province, province.bronze


def test_every_source_lands_rows_in_bronze(spark, province_lake):
    lake, results = province_lake
    assert len(results) == len(all_contracts(SCHEMAS)) >= 18
    for name, files in results.items():
        assert files, f"{name}: no landing files"
        assert sum(f.rows for f in files if f.status == "ingested") > 0, name
        assert lake.table("bronze", name).count() == sum(
            f.rows for f in files if f.status == "ingested"
        ), name


def test_file_level_faults_get_their_documented_outcome(spark, province_lake):
    _, results = province_lake
    classes = yaml.safe_load(
        (REPO_ROOT / "tests" / "synthetic" / "faults.yaml").read_text("utf-8")
    )["classes"]
    by_file = {r.source_file: r for files in results.values() for r in files}
    with open(PROVINCE / "ground_truth.csv", encoding="utf-8") as fh:
        file_faults = [r for r in csv.DictReader(fh) if not r["row_number"]]
    assert file_faults
    checked = 0
    for fault in file_faults:
        spec = classes[fault["fault_class"]]
        if fault["fault_class"] == "missing_page":  # the named page is absent: its dump's others
            dump = fault["file"].rsplit("_p", 1)[0]
            pages = [r for k, r in by_file.items() if k.startswith(dump + "_p")]
            assert pages and all(r.status == "waiting" for r in pages), fault
            assert all("missing page" in r.reason for r in pages), pages[0].reason
        else:
            result = by_file[fault["file"]]
            assert result.status == STATUS[spec["outcome"]], (fault, result)
        checked += 1
    assert checked == len(file_faults)
    empty = next(
        r for k, r in by_file.items() if k.endswith("third_party_opinion_2024-06-28_part2.jsonl")
    )
    assert empty.reason.endswith("empty file")
    renamed = next(r for k, r in by_file.items() if k.endswith("approvals_22_2024-06-28.xlsx"))
    assert "header lacks column(s) 统一社会信用代码 (entity_uscc)" in renamed.reason


def test_ops_log_has_one_row_per_landing_file(spark, province_lake):
    _lake, results = province_lake
    n_files = sum(len(files) for files in results.values())
    log = _lake.table("ops", "batch_log").where("stage = 'bronze'")
    assert log.count() == n_files
    assert log.where("status = 'rejected' AND (reason IS NULL OR reason = '')").count() == 0
