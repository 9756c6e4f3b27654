"""A row held for a missing reference is released into silver when the reference arrives in a
later delivery; its file still reconciles, and re-running changes nothing."""

import dataclasses
from datetime import date

import pytest

from spark_jobs.contracts import load_contract
from spark_jobs.core.delta import latest_version
from spark_jobs.core.storage import Storage
from spark_jobs.ingest import bronze
from spark_jobs.silver import build as silver

pytestmark = pytest.mark.slow  # several Delta commits

ENTITIES = """\
name: entities
version: "1"
format: csv
encoding: utf-8
natural_key: [entity_id]
fields:
  - {name: entity_id, header: 主体编号, type: string, required: true}
  - {name: entity_name, header: 主体名称, type: string, required: true}
"""
ACTIONS = """\
name: actions
version: "1"
format: csv
encoding: utf-8
natural_key: [action_id]
fields:
  - {name: action_id, header: 行为编号, type: string, required: true}
  - name: entity_id
    header: 主体编号
    type: string
    required: true
    references: {table: entities, field: entity_id}
  - {name: action_date, header: 行为日期, type: date, required: true, not_after: delivery_date}
"""
DAY1, DAY2 = date(2024, 6, 27), date(2024, 6, 28)


def small_lake(spark, lake, tmp_path, contracts: dict[str, str]):
    """A lake with the given contracts (name → YAML, built in that order): its settings, a
    `deliver(source, day, text)` into the landing zone, and `run(day)`, bronze then silver of
    every source."""
    folder = tmp_path / "contracts"
    folder.mkdir()
    for name, text in contracts.items():
        (folder / f"{name}.yaml").write_text(text, "utf-8")
    settings = dataclasses.replace(lake, contract_dir=folder)
    storage = Storage.for_settings(settings)

    def deliver(source: str, day: date, text: str) -> None:
        storage.write_bytes(f"landing/{source}/{day}/{source}_{day}.csv", text.encode("utf-8"))

    def run(day: date) -> dict:
        out = {}
        for name in contracts:
            c = load_contract(folder / f"{name}.yaml")
            bronze.ingest(spark, settings, c, day)
            out[name] = silver.build(spark, settings, c)
        return out

    return settings, deliver, run


@pytest.fixture
def setup(spark, lake, tmp_path):
    return small_lake(spark, lake, tmp_path, {"entities": ENTITIES, "actions": ACTIONS})


def test_a_row_waiting_for_its_entity_is_released_when_the_entity_arrives(spark, setup):
    _, deliver, run = setup
    deliver("entities", DAY1, "主体编号,主体名称\nE1,甲公司\n")
    deliver("actions", DAY1, "行为编号,主体编号,行为日期\nA1,E1,2024-06-20\nA2,E2,2024-06-21\n")
    first = run(DAY1)["actions"]
    assert (first["accepted"], first["quarantined"], first["released"]) == (1, 1, 0)
    held = spark.table("silver.quarantine").where("source = 'actions'").collect()
    assert [(q._row_number, q.field, q.category, q.status) for q in held] == [
        (2, "entity_id", "08", "quarantined")
    ]
    assert held[0].message == "[主体编号]:[E2] 在silver.entities中不存在"

    deliver("entities", DAY2, "主体编号,主体名称\nE2,乙公司\n")
    second = run(DAY2)["actions"]
    assert second["released"] == 1 and second["batches"] == 0
    assert {r.action_id for r in spark.table("silver.actions").collect()} == {"A1", "A2"}
    q = spark.table("silver.quarantine").where("source = 'actions'").collect()
    assert [(r._row_number, r.status) for r in q] == [(2, "released")]
    assert q[0].released_on is not None
    log = spark.table("ops.batch_log").where("stage = 'silver' AND source = 'actions'").collect()
    assert len(log) == 1
    r = log[0]
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined, r.rows_released) == (2, 1, 0, 1)
    assert r.rows_read == (
        r.rows_accepted + r.rows_quarantined + r.rows_superseded + r.rows_released
    )

    again = run(DAY2)["actions"]  # nothing pending, nothing held: no change
    assert again["released"] == 0 and again["batches"] == 0
    assert spark.table("silver.actions").count() == 2


def test_a_row_with_another_error_stays_held(spark, setup):
    settings, deliver, run = setup
    deliver("entities", DAY1, "主体编号,主体名称\nE1,甲公司\n")
    deliver("actions", DAY1, "行为编号,主体编号,行为日期\nA3,E3,2024-07-30\n")  # future date too
    run(DAY1)
    path = settings.table_path("silver", "actions")
    before = latest_version(spark, path)
    deliver("entities", DAY2, "主体编号,主体名称\nE3,丙公司\n")
    assert run(DAY2)["actions"]["released"] == 0
    assert latest_version(spark, path) == before  # re-checked, nothing passed: no commit
    statuses = {
        (q.field, q.status)
        for q in spark.table("silver.quarantine").where("source = 'actions'").collect()
    }
    assert statuses == {("entity_id", "quarantined"), ("action_date", "quarantined")}
    assert spark.table("silver.actions").count() == 0


def test_held_rows_are_rechecked_only_when_a_table_they_reference_changed(
    spark, setup, monkeypatch
):
    """`build_all` (what the pipeline's build_silver runs) skips a source with no new batch
    whose referenced tables are as at its last check: no Spark job for it; when the entity
    arrives, the held row is re-checked and released in the same run."""
    settings, deliver, _ = setup
    contracts = [
        load_contract(settings.contract_dir / f"{n}.yaml") for n in ("entities", "actions")
    ]
    built: list[str] = []
    real_build = silver.build
    monkeypatch.setattr(
        silver, "build", lambda s, st, c, *a: built.append(c.name) or real_build(s, st, c, *a)
    )

    def run(day: date) -> dict:
        for c in contracts:
            bronze.ingest(spark, settings, c, day)
        return silver.build_all(spark, settings, contracts)

    deliver("entities", DAY1, "主体编号,主体名称\nE1,甲公司\n")
    deliver("actions", DAY1, "行为编号,主体编号,行为日期\nA1,E1,2024-06-20\nA2,E2,2024-06-21\n")
    assert run(DAY1)["actions"]["quarantined"] == 1 and built == ["entities", "actions"]

    built.clear()
    again = run(DAY1)  # nothing new: the held row waits for silver.entities, which is unchanged
    assert built == [] and again["actions"]["batches"] == again["entities"]["batches"] == 0
    checks = silver.release.load_checks(settings)
    assert (
        checks["actions"] == {"entities": checks["actions"]["entities"]}
        and checks["entities"] == {}
    )

    deliver("entities", DAY2, "主体编号,主体名称\nE2,乙公司\n")
    second = run(DAY2)
    assert built == ["entities", "actions"]  # entities changed: the held row is re-checked
    assert second["actions"]["released"] == 1
    assert {r.action_id for r in spark.table("silver.actions").collect()} == {"A1", "A2"}

    built.clear()
    run(DAY2)
    assert built == []


CASES = """\
name: cases
version: "1"
format: csv
encoding: utf-8
natural_key: [action_id]
fields:
  - {name: action_id, header: 行为编号, type: string, required: true}
  - name: action_type
    header: 监管行为类型
    type: code
    required: true
    codes: {inspection: 行政检查, penalty: 行政处罚}
  - name: inspection_action_id
    header: 检查行为编号
    type: string
    required_when: {action_type: [penalty]}
    references: {table: cases, field: action_id, where: {action_type: [inspection]}}
"""


def test_a_penalty_waits_for_its_inspection_in_a_later_delivery_of_its_own_source(
    spark, lake, tmp_path
):
    """The national 检查行为编号: a penalty naming an inspection not delivered yet is held;
    the day the inspection arrives (the same source's next batch) both reach silver together,
    and the day-1 file reconciles with the row as released."""
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "cases.yaml").write_text(CASES, "utf-8")
    settings = dataclasses.replace(lake, contract_dir=contracts)
    storage = Storage.for_settings(settings)
    cases = load_contract(contracts / "cases.yaml")
    header = "行为编号,监管行为类型,检查行为编号\n"

    def run(day: date, text: str) -> dict:
        storage.write_bytes(f"landing/cases/{day}/cases_{day}.csv", (header + text).encode())
        bronze.ingest(spark, settings, cases, day)
        return silver.build_all(spark, settings, [cases])["cases"]

    first = run(DAY1, "P1,行政处罚,J1\nJ0,行政检查,\nP0,行政处罚,J0\n")
    assert (first["accepted"], first["quarantined"]) == (2, 1)  # P0's inspection is in its file
    held = spark.table("silver.quarantine").where("source = 'cases'").collect()
    assert [(q._row_number, q.field, q.category, q.message) for q in held] == [
        (1, "inspection_action_id", "08",
         "[检查行为编号]:[J1] 在silver.cases（监管行为类型为行政检查）中不存在"),
    ]  # fmt: skip

    second = run(DAY2, "J1,行政检查,\n")
    assert (second["accepted"], second["released"]) == (1, 1)
    assert {r.action_id for r in spark.table("silver.cases").collect()} == {"J0", "P0", "J1", "P1"}
    day1 = (
        spark.table("ops.batch_log")
        .where(f"stage = 'silver' AND source = 'cases' AND delivery_date = '{DAY1}'")
        .first()
    )
    assert (day1.rows_read, day1.rows_accepted, day1.rows_quarantined, day1.rows_released) == (
        3, 2, 0, 1,
    )  # fmt: skip


def test_held_rows_are_read_again_only_when_what_they_wait_for_has_arrived(
    spark, setup, monkeypatch
):
    """A changed referenced table alone does not re-read the held rows from bronze (their
    batches' files, the whole first delivery on a real lake): only the rows whose missing
    value is now in it (`release.may_pass`)."""
    _, deliver, run = setup
    from spark_jobs.silver import release

    reread: list[list] = []
    real = release.held_bronze
    monkeypatch.setattr(
        release, "held_bronze", lambda s, c, held: reread.append(held) or real(s, c, held)
    )
    deliver("entities", DAY1, "主体编号,主体名称\nE1,甲公司\n")
    deliver("actions", DAY1, "行为编号,主体编号,行为日期\nA1,E7,2024-06-20\nA2,E8,2024-06-21\n")
    assert run(DAY1)["actions"]["quarantined"] == 2
    deliver("entities", DAY2, "主体编号,主体名称\nE9,丁公司\n")  # another entity
    assert run(DAY2)["actions"]["released"] == 0
    assert reread == []  # entities changed, but neither E7 nor E8 arrived
    day3 = date(2024, 6, 29)
    deliver("entities", day3, "主体编号,主体名称\nE8,戊公司\n")
    assert run(day3)["actions"]["released"] == 1
    assert [[(h[1], h[3]) for h in held] for held in reread] == [[(2, (("entity_id", "E8"),))]]
    assert {r.action_id for r in spark.table("silver.actions").collect()} == {"A2"}


def test_a_row_waiting_on_a_typed_reference_is_read_again(spark, lake, tmp_path):
    """A reference to an integer column compares typed ("0042" finds 42), so `may_pass` does
    not look such a value up as text: the held row is read again and released."""
    units = (
        'name: units\nversion: "1"\nformat: csv\nencoding: utf-8\nnatural_key: [unit_no]\n'
        "fields:\n  - {name: unit_no, header: 单位编号, type: integer, required: true}\n"
    )
    visits = (
        'name: visits\nversion: "1"\nformat: csv\nencoding: utf-8\nnatural_key: [visit_id]\n'
        "fields:\n  - {name: visit_id, header: 编号, type: string, required: true}\n"
        "  - name: unit_no\n    header: 单位编号\n    type: string\n    required: true\n"
        "    references: {table: units, field: unit_no}\n"
    )
    _, deliver, run = small_lake(spark, lake, tmp_path, {"units": units, "visits": visits})
    deliver("units", DAY1, "单位编号\n7\n")
    deliver("visits", DAY1, "编号,单位编号\nV1,0042\n")
    assert run(DAY1)["visits"]["quarantined"] == 1
    deliver("units", DAY2, "单位编号\n42\n")
    assert run(DAY2)["visits"]["released"] == 1
    assert [r.visit_id for r in spark.table("silver.visits").collect()] == ["V1"]


def test_sources_built_on_threads_keep_the_finished_ones_when_one_fails(
    spark, lake, tmp_path, monkeypatch
):
    """`build_all` on two threads (`Settings.silver_threads`): a source that fails does not
    undo the others: their silver rows and ops rows are written (one flush, in build order),
    the failure is raised, and the next run builds only the failed source."""
    officers = ENTITIES.replace("name: entities", "name: officers")
    settings, deliver, _ = small_lake(
        spark, lake, tmp_path, {"entities": ENTITIES, "officers": officers, "actions": ACTIONS}
    )
    settings = dataclasses.replace(settings, silver_threads=2)
    contracts = [
        load_contract(settings.contract_dir / f"{n}.yaml")
        for n in ("entities", "officers", "actions")
    ]
    deliver("entities", DAY1, "主体编号,主体名称\nE1,甲公司\n")
    deliver("officers", DAY1, "主体编号,主体名称\nO1,张三\n")
    deliver("actions", DAY1, "行为编号,主体编号,行为日期\nA1,E1,2024-06-20\n")
    for c in contracts:
        bronze.ingest(spark, settings, c, DAY1)

    real_build = silver.build

    def build(s, st, c, *a):
        if c.name == "officers":
            raise RuntimeError("officers broke")
        return real_build(s, st, c, *a)

    monkeypatch.setattr(silver, "build", build)
    with pytest.raises(RuntimeError, match="officers broke"):
        silver.build_all(spark, settings, contracts)
    done = spark.read.format("delta").load(settings.table_path("ops", "batch_log"))
    assert sorted(r.source for r in done.where("stage = 'silver'").collect()) == [
        "actions",
        "entities",
    ]
    assert [r.action_id for r in spark.table("silver.actions").collect()] == ["A1"]

    monkeypatch.setattr(silver, "build", real_build)
    again = silver.build_all(spark, settings, contracts)
    assert {n: again[n]["batches"] for n in again} == {"entities": 0, "officers": 1, "actions": 0}
    assert [r.entity_name for r in spark.table("silver.officers").collect()] == ["张三"]
