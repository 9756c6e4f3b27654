"""The national exchange on gold as dbt builds it: a day-2 delivery that corrects day-1 rows
produces a batch of exactly those rows, as `u`, read from the marts' change data feed (dbt
creates them with `delta.enableChangeDataFeed`; the incremental MERGE records the update)."""

from __future__ import annotations

import json

from spark_jobs.exports import national
from tests.dbt.test_dbt import D2, TWO, D, _action, _actions, build, code, later, write_silver


def _lines(lake, day, batch_no, dataset):
    path = (
        lake.home / "storage" / "exports" / "national" / str(day) / batch_no / dataset
        / "part-00000.jsonl"
    )  # fmt: skip
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()] if path.exists() else []


def test_day2_corrections_are_exactly_the_next_batch(spark, lake):
    write_silver(spark, lake)
    build(lake, D)
    first = national.export(spark, lake, D)
    actions = ("inspection_action", "penalty_action", "coercion_action", "other_action")
    assert sum(first["datasets"][d]["inserts"] for d in actions) == 9  # A001..A009
    assert all(first["datasets"][d]["from_version"] is None for d in actions)

    # Day 2 re-delivers A001 with another result and A002 (a penalty) with a new name; every
    # other row is unchanged. Silver supersedes the two; dbt MERGEs them into gold.
    penalty = _action("A002", code(2), "penalty", "04", ["ZJ0001", "ZJ0003", "ZJ0004"],
                      contact=False)  # fmt: skip
    corrected = {
        "A001": later(_action("A001", code(1), "inspection", "02", TWO)),
        "A002": later((penalty[0], "处罚A002（更正）", *penalty[2:])),
    }
    write_silver(spark, lake, actions=[corrected.get(a[0], a) for a in _actions()])
    build(lake, D2)
    second = national.export(spark, lake, D2)
    assert second["batch_no"] == "2025030500001"
    sent = {
        d: [(r["cd_id"], r["cd_operation"]) for r in _lines(lake, D2, second["batch_no"], d)]
        for d in actions
    }
    assert sent == {
        "inspection_action": [("A001", "u")],
        "penalty_action": [("A002", "u")],
        "coercion_action": [],
        "other_action": [],
    }
    (a001,) = _lines(lake, D2, second["batch_no"], "inspection_action")
    assert a001["检查结果"] == "02" and a001["cd_batch"] == "2025030500001"
    (a002,) = _lines(lake, D2, second["batch_no"], "penalty_action")
    assert a002["处罚行为名称"] == "处罚A002（更正）"
    assert second["row_count"] == 2
