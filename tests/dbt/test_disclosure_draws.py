"""The disclosure view names the draw that selected an inspected entity: the latest published
draw (a record in draws.draw_records) of the same entity, item and department on or before the
inspection date; none on a lake without draws."""

from __future__ import annotations

import datetime as dt

from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.draws import record as rec
from spark_jobs.draws.algorithm import Drawn
from tests.dbt.test_dbt import D, build, code, gold, write_silver

ENTITY = "91330000MA27XL0E2B"  # the entity of every test action; A003 is the random inspection
RUN = ("run", "--select", "+public_random_inspection_results")


def draw_record(draw_id: str, item: str, drawn_on: dt.date) -> dict:
    record = {f.name: None for f in rec.RECORD_SCHEMA}
    return record | {
        "draw_id": draw_id, "plan_id": f"plan-{draw_id}", "task_name": f"任务 {draw_id}",
        "item_code": item, "department_code": "01", "drawn_on": drawn_on,
    }  # fmt: skip


def drawn_results(spark, settings) -> dict[str, tuple]:
    rows = gold(spark, settings, "public_random_inspection_results").collect()
    return {r.action_id: (r.draw_id, r.draw_task_name, r.drawn_on) for r in rows}


def test_the_draw_behind_a_random_inspection(spark, lake):
    write_silver(spark, lake)
    assert build(lake, D, RUN).success
    assert drawn_results(spark, lake) == {"A003": (None, None, None)}  # no draws in this lake

    objects = [Drawn(ENTITY, "B", "0" * 64, ("HB0001", "HB0002"))]
    for draw_id, item, day in (
        ("d-old", code(3), dt.date(2025, 1, 10)),
        ("d-new", code(3), dt.date(2025, 2, 20)),  # the latest before the inspection: this one
        ("d-later", code(3), dt.date(2025, 3, 10)),  # after the inspection
        ("d-item", code(1), dt.date(2025, 2, 28)),  # another item
    ):
        rec.write(spark, lake, draw_record(draw_id, item, day), objects)
    # objects of a draw whose record was never written (a crash between the two commits)
    unpublished = draw_record("d-crash", code(3), dt.date(2025, 2, 25))
    row = ("d-crash", "plan-d-crash", code(3), "01", unpublished["drawn_on"], ENTITY, "B",
           "0" * 64, ["HB0001", "HB0002"])  # fmt: skip
    orphans = spark.createDataFrame([row], rec.OBJECT_SCHEMA)
    orphans.write.format("delta").mode("append").save(lake.table_path("draws", "draw_objects"))
    register_lake_tables(spark, lake)
    assert build(lake, D, RUN).success
    assert drawn_results(spark, lake) == {"A003": ("d-new", "任务 d-new", dt.date(2025, 2, 20))}
    assert build(lake, D, ("test", "--select", "public_random_inspection_results")).success
