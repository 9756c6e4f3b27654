"""The national exchange on gold as dbt builds it: a day-2 delivery that corrects day-1 rows
produces a batch of exactly those rows, as `u`, read from the marts' change data feed (dbt
creates them with `delta.enableChangeDataFeed`; the incremental MERGE records the update).
Then day 1 is re-run after day 2 (a backfill): every gold table and the day-1 batch's files
are exactly what they were before the re-run."""

from __future__ import annotations

import datetime as dt
import json

from spark_jobs.core.catalog import lake_tables
from spark_jobs.exports import national
from spark_jobs.gold.publish import build_and_publish
from tests.dbt.test_dbt import D2, TWO, D, _action, _actions, code, later, write_silver


def _lines(lake, day, batch_no, dataset):
    path = (
        lake.home / "storage" / "exports" / "national" / str(day) / batch_no / dataset
        / "part-00000.jsonl"
    )  # fmt: skip
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()] if path.exists() else []


def _gold_rows(spark, lake) -> dict[str, list]:
    """Every gold table's rows, in a stable order."""
    return {
        table: sorted(tuple(map(str, r)) for r in spark.read.format("delta").load(loc).collect())
        for layer, table, loc in lake_tables(lake)
        if layer == "gold"
    }


def _batch_files(lake, day) -> dict[str, bytes]:
    folder = lake.home / "storage" / "exports" / "national" / str(day)
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_day2_corrections_are_exactly_the_next_batch_and_a_day1_rerun_changes_nothing(spark, lake):
    write_silver(spark, lake)
    build_and_publish(lake, D.isoformat())
    first = national.export(spark, lake, D)
    actions = ("inspection_action", "penalty_action", "coercion_action", "other_action")
    assert sum(first["datasets"][d]["inserts"] for d in actions) == 9  # A001..A009
    assert all(first["datasets"][d]["from_version"] is None for d in actions)

    # Day 2 re-delivers A001 with another result and A002 (a penalty) with a new name, and
    # delivers A010 late: an inspection of item 8 (department 05) dated before day 1. Every
    # other row is unchanged. Silver supersedes the two; dbt MERGEs them into gold.
    penalty = _action("A002", code(2), "penalty", "04", ["ZJ0001", "ZJ0003", "ZJ0004"],
                      contact=False)  # fmt: skip
    corrected = {
        "A001": later(_action("A001", code(1), "inspection", "02", TWO)),
        "A002": later((penalty[0], "处罚A002（更正）", *penalty[2:])),
    }
    late = later(_action("A010", code(8), "inspection", "01", TWO, day=D - dt.timedelta(days=1)))
    write_silver(spark, lake, actions=[*(corrected.get(a[0], a) for a in _actions()), late])
    day1_files = _batch_files(lake, D)
    build_and_publish(lake, D2.isoformat())
    second = national.export(spark, lake, D2)
    assert second["batch_no"] == "2025030500001"
    sent = {
        d: [(r["cd_id"], r["cd_operation"]) for r in _lines(lake, D2, second["batch_no"], d)]
        for d in actions
    }
    assert sent == {
        "inspection_action": [("A001", "u"), ("A010", "i")],
        "penalty_action": [("A002", "u")],
        "coercion_action": [],
        "other_action": [],
    }
    a001, _ = _lines(lake, D2, second["batch_no"], "inspection_action")
    assert a001["检查结果"] == "02" and a001["cd_batch"] == "2025030500001"
    (a002,) = _lines(lake, D2, second["batch_no"], "penalty_action")
    assert a002["处罚行为名称"] == "处罚A002（更正）"
    assert second["row_count"] == 3

    # Day 1 again, after day 2 (a backfill, a re-run): the marts are rebuilt from the current
    # silver (with the corrections), the indicators computed on day 1 are kept as reported,
    # and the day-1 batch is re-written from the versions it recorded, byte for byte.
    before = _gold_rows(spark, lake)
    rerun = build_and_publish(lake, D.isoformat())
    assert rerun["kept_as_of"] == D2.isoformat()
    again = national.export(spark, lake, D)
    assert again["batch_no"] == first["batch_no"]
    assert _batch_files(lake, D) == day1_files
    after = _gold_rows(spark, lake)
    assert after.keys() == before.keys() and "coverage_rate" in after
    for table in before:
        assert after[table] == before[table], table
    assert _coverage(spark, lake, D) == {"01": 4, "05": 1, "12": 1}  # as reported on day 1
    assert _coverage(spark, lake, D2) == {"01": 4, "05": 3, "12": 1}  # items 3, 6 and 8

    # Asked to (a fix in a metric's SQL, say), the re-run recomputes day 1 from the current
    # marts: A010, delivered on day 2 but dated before day 1, now covers item 8.
    redo = build_and_publish(lake, D.isoformat(), recompute_past=True)
    assert redo["kept_as_of"] is None and "coverage_rate" in redo["published"]
    assert _coverage(spark, lake, D) == {"01": 4, "05": 2, "12": 1}


def _coverage(spark, lake, day) -> dict[str, int]:
    """{department: items covered} of gold.coverage_rate on `day`."""
    rows = (
        spark.read.format("delta")
        .load(lake.table_path("gold", "coverage_rate"))
        .where(f"run_date = DATE'{day}'")
        .collect()
    )
    return {r.department_code: r.items_covered for r in rows}
