"""Draws on a small gold lake: the pools as the plan sees them, a record that re-draws, and the
refusals (a changed pool under the same seed, an item not in the catalog, tampering)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.core.settings import REPO_ROOT
from spark_jobs.draws.__main__ import run_draw, verify
from spark_jobs.draws.plan import PlanError
from spark_jobs.draws.record import read_objects

# a gold lake, then draws through their command line: not in the quick tier
pytestmark = pytest.mark.slow

DAY = dt.date(2024, 6, 28)
PLAN = """\
plan_id: JC-TEST-001
task_name: 测试抽查
item_code: "31140000000101"
department_code: "31"
division_prefix: "1401"
entity_kinds: [legal_person]
base_ratio: 0.2
drawn_on: 2024-06-28
conflicts:
  - {officer_id: L1, entity_key: D0, reason: 亲属关系}
  - {officer_id: L2, entity_key: D0, reason: 曾任职}
"""


def entities():
    rows = []
    for cls, n, from_classes in (("A", 20, True), ("B", 10, False), ("C", 4, True), ("D", 2, False)):  # fmt: skip
        for i in range(n):
            key = f"{cls}{i}"
            rows.append((key, "legal_person", "140105", "active", key, None if from_classes else cls))  # fmt: skip
    rows += [
        ("X1", "legal_person", "140105", "revoked", "X1", "D"),  # out of business: not in the pool
        ("X2", "legal_person", "140200", "active", "X2", "B"),  # another city
        ("N1", "natural_person", "140105", None, None, None),  # not a kind the plan checks
    ]
    return rows


def write_gold(spark, lake, extra_entities=()):
    def save(name, rows, ddl):
        df = spark.createDataFrame(list(rows), ddl)
        df.write.format("delta").mode("overwrite").save(lake.table_path("gold", name))

    save("supervised_entities", [*entities(), *extra_entities],
         "entity_key string, kind string, division_code string, registration_status string, "
         "uscc string, credit_class string")  # fmt: skip
    classes = [(f"A{i}", "A") for i in range(20)] + [(f"C{i}", "C") for i in range(4)]
    save("entity_credit_classes", classes, "uscc string, credit_class string")
    save("enforcement_officers", [
        ("L1", "31", "active", DAY), ("L2", "31", "active", DAY), ("L3", "31", "active", DAY),
        ("L4", "31", "active", dt.date(2027, 1, 1)),
        ("L5", "31", "retired", dt.date(2027, 1, 1)),  # not on duty
        ("L6", "31", "active", dt.date(2024, 6, 27)),  # licence expired the day before
        ("L7", "25", "active", dt.date(2027, 1, 1)),  # another department
    ], "license_no string, department_code string, status string, valid_until date")  # fmt: skip
    save("supervision_items", [("31140000000101",)], "item_code string")
    register_lake_tables(spark, lake)


@pytest.fixture
def drawn(spark, lake, tmp_path):
    write_gold(spark, lake)
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    record = run_draw(spark, lake, plan, "seed-1", "tester")
    return record, plan


def test_the_draw_by_stratum_and_its_record(spark, lake, drawn):
    record, _ = drawn
    # pool: 20 A (entity_credit_classes), 10 B (registry), 4 C, 2 D; base 0.2, A 0.5x ... D 5x:
    # A 20*0.1 = 2, B 10*0.2 = 2, C 4*0.4 = 1.6 -> 2, D 2*min(1, 1.0) = 2
    assert record["pool_size"] == 36 and record["draw_size"] == 8
    assert record["strata"] == '{"A": [20, 2], "B": [10, 2], "C": [4, 2], "D": [2, 2]}'
    assert record["officer_pool"] == ["L1", "L2", "L3", "L4"]
    assert record["seed"] == "seed-1" and record["algorithm"] == "sha256-rank/v1"
    assert {e["entity_key"] for e in record["pool"]}.isdisjoint({"X1", "X2", "N1"})
    objects = {o["entity_key"]: o for o in read_objects(spark, lake, record["draw_id"])}
    assert len(objects) == 8 and {"D0", "D1"} <= set(objects)
    assert objects["D0"]["officer_ids"] == ["L3", "L4"] or objects["D0"]["officer_ids"] == ["L4", "L3"]  # fmt: skip
    assert all(len(set(o["officer_ids"])) == 2 for o in objects.values())
    assert spark.table("draws.draw_records").count() == 1


def test_a_record_re_draws_to_the_same_selection_and_tampering_is_found(spark, lake, drawn):
    record, _ = drawn
    assert verify(spark, lake, record["draw_id"]) == []
    path = lake.table_path("draws", "draw_objects")
    spark.sql(f"UPDATE delta.`{path}` SET officer_ids = array('L1', 'L2') WHERE entity_key = 'D0'")
    problems = verify(spark, lake, record["draw_id"])
    assert "recorded but not re-drawn: D0 (class D, officers ('L1', 'L2'))" in problems
    assert verify(spark, lake, "nope") == ["no draw nope in draws.draw_records"]


def test_drawing_again_changes_nothing_but_a_changed_pool_is_refused(spark, lake, drawn):
    record, plan = drawn
    again = run_draw(spark, lake, plan, "seed-1", "someone else")
    assert again["draw_id"] == record["draw_id"] and again["operator"] == "tester"
    assert spark.table("draws.draw_records").count() == 1
    assert spark.table("draws.draw_objects").count() == 8
    other = run_draw(spark, lake, plan, "seed-2", "tester")
    assert other["draw_id"] != record["draw_id"]
    assert spark.table("draws.draw_objects").count() == 16
    write_gold(spark, lake, extra_entities=[("B10", "legal_person", "140105", "active", "B10", "B")])  # fmt: skip
    with pytest.raises(PlanError, match="was made on another pool"):
        run_draw(spark, lake, plan, "seed-1", "tester")


def test_an_item_not_in_the_catalog_is_refused(spark, lake, tmp_path):
    write_gold(spark, lake)
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.replace("31140000000101", "31140000009999"), encoding="utf-8")
    with pytest.raises(PlanError, match="item_code 31140000009999 is not in the catalog"):
        run_draw(spark, lake, plan, "seed-1", "tester")


def test_the_verify_command_from_a_fresh_process(lake, drawn):
    record, _ = drawn
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAKEHOUSE_")}
    env["LAKEHOUSE_HOME"] = str(lake.home)
    run = subprocess.run(
        [sys.executable, "-m", "spark_jobs.draws", "verify", record["draw_id"]],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"draw {record['draw_id']}: plan JC-TEST-001" in run.stdout
    assert (
        "verified: pool hashes recomputed and the re-draw selects the same 8 objects" in run.stdout
    )
