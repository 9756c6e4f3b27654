"""The province's later days (`--days N`): new rows, corrections, a retired item and a re-sent
file, each listed in ground_truth_days.csv, consistent with day 1 and with the contracts."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from tests.synthetic.profiles import generate
from tests.synthetic.profiles.days import CORRECTIONS, FILE_NAME, NEW_ACTIONS, NEW_ORDERS, _stamps

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
    per_day: dict[tuple[str, str], int] = {}
    for r in answer:
        per_day[(r["delivery_date"], r["change"])] = (
            per_day.get((r["delivery_date"], r["change"]), 0) + 1
        )
    new = NEW_ACTIONS + NEW_ORDERS
    assert per_day == {
        (str(DAY2), "new"): new,
        (str(DAY2), "correction"): CORRECTIONS,
        (str(DAY2), "retirement"): per_day[(str(DAY2), "retirement")],
        (str(DAY2), "redelivered_file"): 1,
        (str(DAY3), "new"): new,
        (str(DAY3), "correction"): CORRECTIONS,
        (str(DAY3), "redelivered_file"): 1,
    }
    assert per_day[(str(DAY2), "retirement")] >= 1
    assert len(summary.later) == len(answer)


def test_actions_are_new_or_correct_day_one_rows(days):
    out, _, answer = days
    landing = out / "landing" / "supervision_actions"
    day1 = {r["行为编号"]: r for p in (landing / str(DAY1)).glob("*.csv") for r in _rows(p, "gbk")}
    for day in (DAY2, DAY3):
        rows = {
            r["行为编号"]: r for p in (landing / str(day)).glob("*.csv") for r in _rows(p, "gbk")
        }
        listed = {
            r["key"]: r["change"]
            for r in answer
            if r["delivery_date"] == str(day) and r["source"] == "supervision_actions"
        }
        assert set(rows) == set(listed)
        for key, row in rows.items():
            assert row["报送时间"] == str(day) and row["行为日期"] <= str(day), key
            if listed[key] == "new":
                assert key not in day1 and key.startswith(f"XW{row['实施部门编码']}{day:%Y%m%d}")
                assert row["监管行为类型"] == "行政检查"
            else:  # the same action, its content corrected, everything else as delivered
                before = day1[key]
                assert row["检查内容"] == f"{before['检查内容']}（{day}更正）"
                assert {k: v for k, v in row.items() if k not in ("检查内容", "报送时间")} == {
                    k: v for k, v in before.items() if k not in ("检查内容", "报送时间")
                }


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
