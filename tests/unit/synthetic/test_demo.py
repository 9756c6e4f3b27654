"""The demo profile: clean rows have valid identifiers and known items; the six planted faults
are labelled where they are (the bytes are checked in `test_samples.py`)."""

import csv
import io

from stdnum.cn import uscc as stdnum_uscc

from spark_jobs.checks.identifiers import division_problem
from spark_jobs.contracts import get_contract
from tests.synthetic import DEMO, SCHEMAS
from tests.synthetic.ground_truth import read_ground_truth
from tests.synthetic.profiles import generate
from tests.unit.synthetic.reading import files_of


def read_csv(data: bytes, encoding: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode(encoding))))


def test_clean_rows_have_valid_identifiers_and_known_items():
    files = files_of(DEMO / "landing")
    faulty = {(f["file"], int(f["row_number"])) for f in read_ground_truth(DEMO)}
    items_file = next(k for k in files if k.startswith("supervision_items/"))
    items = {r["监管事项目录编码"] for r in read_csv(files[items_file], "utf-8-sig")}
    checked = linked = total = 0
    for rel, data in files.items():
        if not rel.startswith("supervision_actions/"):
            continue
        rows = read_csv(data, "gbk")
        inspections = {r["行为编号"] for r in rows if r["监管行为类型"] == "行政检查"}
        total += len(rows)
        for n, row in enumerate(rows, start=1):
            if (rel, n) in faulty:
                continue
            assert stdnum_uscc.is_valid(row["统一社会信用代码"])
            assert division_problem(row["行政区划代码"]) is None
            assert row["监管事项目录编码"] in items
            assert len(row["执法证号"].split(";")) >= 2
            if row["监管行为类型"] in ("行政处罚", "行政强制"):  # 检查行为编号: in its file
                assert row["检查行为编号"] in inspections, row["行为编号"]
                linked += 1
            else:
                assert row["检查行为编号"] == ""
            checked += 1
    assert linked > 0 and total > 240 and checked == total - len(faulty)


def test_planted_faults_sit_in_the_rows_they_name():
    files = files_of(DEMO / "landing")
    actions = get_contract("supervision_actions", SCHEMAS)
    for label in read_ground_truth(DEMO):
        row = read_csv(files[label["file"]], "gbk")[int(label["row_number"]) - 1]
        value = row[actions.field(label["field"]).header]
        cls = label["fault_class"]
        if cls == "bad_check_character":
            assert not stdnum_uscc.is_valid(value)
        elif cls == "empty_required_field":
            assert value == ""
        elif cls == "too_few_officers":
            assert len(value.split(";")) == 1
        elif cls == "malformed_code":
            assert len(value) == 4
        else:
            assert cls in ("impossible_date", "unknown_item_code") and value.endswith(
                ("-02-30", "999999")
            ), (cls, value)


def test_a_zero_fault_rate_plants_nothing_and_scale_sets_the_actions(tmp_path):
    summary = generate("demo", tmp_path, fault_rate=0, scale=0.5)
    assert summary.faults == 0 and read_ground_truth(tmp_path) == []
    # 120 actions and the inspection each of its penalties and coercions followed
    actions = [
        r
        for p in sorted((tmp_path / "landing" / "supervision_actions").rglob("*.csv"))
        for r in read_csv(p.read_bytes(), "gbk")
    ]
    followed = sum(r["监管行为类型"] in ("行政处罚", "行政强制") for r in actions)
    assert followed > 0 and len(actions) == 120 + followed
    assert summary.rows == {"supervision_items": 23, "supervision_actions": 120 + followed}
