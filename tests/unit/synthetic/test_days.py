"""The province's later days (`--days N`): new rows, corrections, a retired item, a re-sent
file, a late file and a credit dump in two parts, each listed in ground_truth_days.csv,
consistent with day 1 and with the contracts."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from spark_jobs.contracts import get_contract
from spark_jobs.ingest.readers import DumpIncomplete, read_json_dump
from tests.synthetic import SCHEMAS
from tests.synthetic.profiles import generate
from tests.synthetic.profiles.days import CORRECTIONS, FILE_NAME, NEW_ACTIONS, NEW_ORDERS, _stamps
from tests.synthetic.profiles.days_credit import NEW_LISTINGS

DAY1, DAY2, DAY3 = date(2024, 6, 28), date(2024, 6, 29), date(2024, 6, 30)


def _rows(path: Path, encoding: str) -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    out = tmp_path_factory.mktemp("days")
    summary = generate("province", out, days=3)
    answer = _rows(out / FILE_NAME, "utf-8")
    return out, summary, answer


def test_each_later_day_is_listed_with_its_changes(days):
    _, summary, answer = days
    per: dict[tuple[str, str], int] = {}
    for r in answer:
        per[(r["delivery_date"], r["change"])] = per.get((r["delivery_date"], r["change"]), 0) + 1
    assert per[(str(DAY2), "new")] + per[(str(DAY3), "new")] == 2 * (
        NEW_ACTIONS + NEW_ORDERS + NEW_LISTINGS
    )
    assert per[(str(DAY2), "retirement")] >= 1
    # the late file of day 2 arrives on day 3 with whatever corrections it carries
    assert per[(str(DAY2), "correction")] + per[(str(DAY3), "correction")] == 2 * CORRECTIONS
    kept = ("new", "retirement", "correction")
    assert {k: v for k, v in per.items() if k[1] not in kept} == {
        (str(DAY2), "redelivered_file"): 1,
        (str(DAY2), "dump_part"): 1,
        (str(DAY3), "redelivered_file"): 1,
        (str(DAY3), "late_file"): 1,
        (str(DAY3), "dump_part"): 1,
    }
    assert len(summary.later) == len(answer)


def test_actions_are_new_or_correct_day_one_rows(days):
    out, _, answer = days
    landing = out / "landing" / "supervision_actions"
    day1 = {r["行为编号"]: r for p in (landing / str(DAY1)).glob("*.csv") for r in _rows(p, "gbk")}
    corrected = []
    for folder in (DAY2, DAY3):
        listed = {
            r["key"]: r["change"]
            for r in answer
            if r["delivery_date"] == str(folder) and r["source"] == "supervision_actions"
        }
        rows = {}
        for path in (landing / str(folder)).glob("*.csv"):
            day = path.stem.rsplit("_", 1)[1]  # the day the file belongs to
            for row in _rows(path, "gbk"):
                rows[row["行为编号"]] = row
                assert row["报送时间"] == day and row["行为日期"] <= day, row["行为编号"]
        assert set(rows) == set(listed) - {str(DAY2)}  # the late file's own line: key day 2
        for key, row in rows.items():
            day = date.fromisoformat(row["报送时间"])
            if listed[key] == "new":
                assert key not in day1 and key.startswith(f"XW{row['实施部门编码']}{day:%Y%m%d}")
                assert row["监管行为类型"] == "行政检查"
            else:  # the same action, its content corrected, everything else as delivered
                corrected.append(key)
                before = day1[key]
                assert row["检查内容"] == f"{before['检查内容']}（{day}更正）"
                assert {k: v for k, v in row.items() if k not in ("检查内容", "报送时间")} == {
                    k: v for k, v in before.items() if k not in ("检查内容", "报送时间")
                }
    assert len(corrected) == len(set(corrected)) == 2 * CORRECTIONS  # each action at most once


def test_a_late_file_is_day_two_delivered_on_day_three(days):
    out, _, answer = days
    (late,) = [r for r in answer if r["change"] == "late_file"]
    assert late["delivery_date"] == str(DAY3) and late["key"] == str(DAY2)
    assert late["file"].startswith(f"supervision_actions/{DAY3}/")
    assert late["file"].endswith(f"_{DAY2}.csv")
    rows = _rows(out / "landing" / late["file"], "gbk")
    assert rows and {r["报送时间"] for r in rows} == {str(DAY2)}
    listed = [r for r in answer if r["file"] == late["file"] and r["row_number"]]
    assert [r["key"] for r in listed] == [r["行为编号"] for r in rows]
    assert not (out / "landing" / late["file"].replace(str(DAY3), str(DAY2), 1)).exists()


def test_the_listings_dump_of_day_two_arrives_in_two_parts(days):
    out, _, answer = days
    contract = get_contract("credit_abnormal_operations", SCHEMAS)
    landing = out / "landing" / "credit_abnormal_operations"
    parts = [r for r in answer if r["change"] == "dump_part"]
    assert [(r["delivery_date"], r["file"].rsplit("/", 1)[1]) for r in parts] == [
        (str(DAY2), "credit_abnormal_operations_20240629_p0001.json"),
        (str(DAY3), "credit_abnormal_operations_20240629_p0002.json"),
    ]
    first = [(p.name, p.read_bytes()) for p in sorted((landing / str(DAY2)).glob("*.json"))]
    with pytest.raises(DumpIncomplete, match="missing page 2 of 2"):
        read_json_dump(contract, "credit_abnormal_operations_20240629", first)
    rest = [(p.name, p.read_bytes()) for p in sorted((landing / str(DAY3)).glob("*0629_p*.json"))]
    table = read_json_dump(contract, "credit_abnormal_operations_20240629", first + rest)
    keys = table.column("record_id").to_pylist()
    assert len(keys) == NEW_LISTINGS and len(set(keys)) == NEW_LISTINGS
    assert set(table.column("list_date").to_pylist()) == {str(DAY1)}  # listed the day before
    listed = {
        r["key"] for r in answer if r["source"] == "credit_abnormal_operations" and r["row_number"]
    }
    assert set(keys) <= listed
    whole = [(p.name, p.read_bytes()) for p in sorted((landing / str(DAY3)).glob("*0630_p*.json"))]
    assert read_json_dump(contract, "credit_abnormal_operations_20240630", whole).num_rows == 8


def test_work_orders_are_new_and_never_after_their_day(days):
    out, _, _ = days
    ids = set()
    for day in (DAY2, DAY3):
        path = out / "landing" / "hotline_12345" / str(day) / f"hotline_12345_{day}.jsonl"
        for line in path.read_text("utf-8").splitlines():
            order = json.loads(line)
            assert max(_stamps(order)).date() == day
            received = order["receivedAt"]
            assert order["workOrderNo"][:12] == received[2:19].replace("-", "").replace(
                " ", ""
            ).replace(":", "")
            ids.add(order["workOrderNo"])
    assert len(ids) == 2 * NEW_ORDERS


def test_the_retired_item_and_the_resent_file(days):
    out, _, answer = days
    retired = [r for r in answer if r["change"] == "retirement"]
    rows = _rows(out / "landing" / retired[0]["file"], "utf-8-sig")
    assert {r["清单状态"] for r in rows} == {"02"} and {r["发布日期"] for r in rows} == {str(DAY2)}
    assert len({r["监管事项目录编码"] for r in rows}) == 1  # every checklist row of one item
    for r in (r for r in answer if r["change"] == "redelivered_file"):
        assert (out / "landing" / r["file"]).read_bytes() == (
            out / "landing" / r["key"]
        ).read_bytes()


def test_same_arguments_same_bytes_and_bad_arguments_refused(days, tmp_path):
    out, _, _ = days
    generate("province", tmp_path, days=3)
    for path in sorted((out / "landing").rglob("*")):
        if path.is_file() and str(DAY1) not in path.parts:
            assert (tmp_path / path.relative_to(out)).read_bytes() == path.read_bytes(), path
    with pytest.raises(ValueError, match="--days must be 1 or more"):
        generate("province", tmp_path, days=0)
    with pytest.raises(ValueError, match="--days is for the province profile"):
        generate("demo", tmp_path / "demo", days=2)
    generate("province", tmp_path, days=1)
    assert not (tmp_path / FILE_NAME).exists()  # one day: no stale answer of later days
