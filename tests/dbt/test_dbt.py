"""dbt (dbt_project/) run in-process by spark_jobs.gold.dbt_runner: silver -> gold.

One lake (module-scoped) is built once and checked by several tests; the failure tests use
their own fresh lakes. Gold is read by path where possible, so a test never depends on which
lake the shared session's catalog names happen to point at.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from spark_jobs.gold.dbt_runner import DbtFailed, dbt_args, dbt_target_path, run_dbt
from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.core.settings import Settings

ITEMS_SCHEMA = (
    "item_code string, department_code string, department_name string, main_item_name string, "
    "sub_item_name string, object_type string, object_type_name string, item_level string, "
    "delivery_date date, _source_file string, _file_sha256 string, _row_number long, "
    "_batch_id string, _ingested_at timestamp"
)
ACTIONS_SCHEMA = (
    "action_id string, action_name string, item_code string, action_type string, "
    "action_type_name string, entity_uscc string, entity_name string, division_code string, "
    "action_date date, result_code string, department_code string, department_name string, "
    "officer_license_nos array<string>, content string, contact_name string, "
    "contact_phone string, contact_name_masked string, contact_phone_masked string, "
    "contact_phone_token string, submitted_date date, delivery_date date, _source_file string, "
    "_file_sha256 string, _row_number long, _batch_id string, _ingested_at timestamp"
)
RAW_NAME, RAW_PHONE = "张三", "13812345678"
D = dt.date(2025, 3, 1)
TS = dt.datetime(2025, 3, 1, 9, 30)
LINEAGE = ("items.csv", "ab" * 32, 1, "batch-1", TS)


def _items():
    return [
        ("33000000000001", "01", "市场监管局", "食品经营许可检查", None, "legal_person", "法人", "2",
         D, *LINEAGE),
        ("33000000000002", "01", "市场监管局", "特种设备安全监督检查", "电梯检查", "equipment",
         "设施设备", None, D, *LINEAGE),
        ("33000000000003", "05", "生态环境厅", "排污许可检查", None, "site", "场地场所", "3",
         D, *LINEAGE),
    ]


def _action(action_id, item_code, action_type, result_code, officers, *, contact=True):
    name, phone = (RAW_NAME, RAW_PHONE) if contact else (None, None)
    return (
        action_id, f"检查{action_id}", item_code, action_type, "行政检查", "91330000MA27XL0E2B",
        "某某食品有限公司", "330106", D, result_code, "01", "市场监管局", officers, None,
        name, phone, "张*" if contact else None, "138****5678" if contact else None,
        "f" * 64 if contact else None, D + dt.timedelta(days=2), D + dt.timedelta(days=3),
        "actions.csv", "cd" * 32, 1, "batch-1", TS,
    )


def _actions():
    return [
        _action("A001", "33000000000001", "inspection", "01", ["ZJ0001", "ZJ0002"]),
        _action("A002", "33000000000002", "penalty", "04", ["ZJ0001", "ZJ0003", "ZJ0004"],
                contact=False),
        _action("A003", "33000000000003", "random_inspection", "02", ["HB0001", "HB0002"]),
    ]


def write_silver(spark, settings: Settings, actions=None, items=None) -> None:
    for table, rows, schema in (
        ("supervision_items", items or _items(), ITEMS_SCHEMA),
        ("supervision_actions", actions or _actions(), ACTIONS_SCHEMA),
    ):
        (spark.createDataFrame(rows, schema).write.format("delta").mode("overwrite")
         .save(settings.table_path("silver", table)))
    register_lake_tables(spark, settings)


def gold(spark, settings: Settings, table: str):
    return spark.read.format("delta").load(settings.table_path("gold", table))


def delta_version(spark, settings: Settings, table: str) -> int:
    from delta.tables import DeltaTable

    path = settings.table_path("gold", table)
    return DeltaTable.forPath(spark, path).history(1).collect()[0]["version"]


# --- the runner's arguments (no Spark) -----------------------------------------------------------
def test_dbt_args_point_into_settings_home(tmp_path):
    settings = Settings(home=tmp_path / "home")
    args = dbt_args(["build", "--select", "supervision_actions"], settings)
    assert args[:3] == ["build", "--select", "supervision_actions"]
    opts = dict(zip(args[3::2], args[4::2]))
    assert opts["--target-path"] == str(tmp_path / "home" / "dbt" / "target")
    assert opts["--log-path"] == str(tmp_path / "home" / "dbt" / "logs")
    assert Path(opts["--project-dir"], "dbt_project.yml").is_file()
    assert Path(opts["--profiles-dir"], "profiles.yml").is_file()
    # Subcommands of groups are found; options a command lacks are not passed; none twice.
    assert "--target-path" in dbt_args(["docs", "generate"], settings)
    assert "--target-path" not in dbt_args(["debug"], settings)
    assert dbt_args(["build", "--target-path", "x"], settings).count("--target-path") == 1


# --- one lake, built once ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(spark, base_settings, tmp_path_factory):
    settings = dataclasses.replace(base_settings,
                                   home=tmp_path_factory.mktemp("dbt_lake") / "lakehouse")
    write_silver(spark, settings)
    result = run_dbt(["build"], settings)
    return settings, result


def test_build_creates_gold_delta_tables_in_the_lake(spark, built):
    from delta.tables import DeltaTable

    settings, result = built
    assert result.success
    statuses = {r.node.unique_id: r.status.value for r in result.result.results}
    assert statuses["model.supervision_lakehouse.supervision_actions"] == "success"
    assert statuses["model.supervision_lakehouse.supervision_items"] == "success"
    assert any(".no_personal_data_columns_" in uid for uid in statuses)
    for table in ("supervision_items", "supervision_actions"):
        assert DeltaTable.isDeltaTable(spark, settings.table_path("gold", table))
    # Registered by name, at exactly <lake_root>/gold/<model> (schema `gold`, no prefix).
    names = register_lake_tables(spark, settings)
    assert {"gold.supervision_items", "gold.supervision_actions"} <= set(names)
    location = {r.col_name: r.data_type for r in
                spark.sql("DESCRIBE TABLE EXTENDED gold.supervision_actions").collect()}
    assert location["Location"].endswith(settings.table_path("gold", "supervision_actions"))
    assert spark.table("gold.supervision_actions").count() == 3


def test_gold_actions_values(spark, built):
    settings, _ = built
    rows = {r.action_id: r for r in gold(spark, settings, "supervision_actions").collect()}
    assert sorted(rows) == ["A001", "A002", "A003"]
    assert rows["A001"].main_item_name == "食品经营许可检查"
    assert rows["A002"].main_item_name == "特种设备安全监督检查"
    assert [rows[a].officer_count for a in ("A001", "A002", "A003")] == [2, 3, 2]
    assert rows["A001"].contact_name_masked == "张*"
    assert rows["A001"].contact_phone_masked == "138****5678"
    assert rows["A001"].contact_phone_token == "f" * 64
    assert rows["A002"].contact_phone_masked is None
    assert rows["A003"].action_date == D and rows["A003"].delivery_date == D + dt.timedelta(3)
    items = gold(spark, settings, "supervision_items")
    assert items.count() == 3
    assert set(items.columns) == {"item_code", "department_code", "department_name",
                                  "main_item_name", "sub_item_name", "object_type",
                                  "object_type_name", "item_level"}


def test_no_raw_personal_data_in_gold(spark, built):
    settings, _ = built
    for table in ("supervision_items", "supervision_actions"):
        df = gold(spark, settings, table)
        assert not {"contact_name", "contact_phone", "id_number"} & set(df.columns)
        values = {str(v) for row in df.collect() for v in row}
        assert RAW_PHONE not in values and RAW_NAME not in values
    # Every silver column except the two raw ones (docs/layers.md), plus the two new ones.
    silver_cols = set(spark.read.format("delta")
                      .load(settings.table_path("silver", "supervision_actions")).columns)
    gold_cols = set(gold(spark, settings, "supervision_actions").columns)
    assert gold_cols == silver_cols - {"contact_name", "contact_phone"} | {
        "main_item_name", "officer_count"}


def test_second_build_is_idempotent(spark, built):
    settings, _ = built
    before = {t: sorted(map(tuple, gold(spark, settings, t).drop("officer_license_nos").collect()))
              for t in ("supervision_items", "supervision_actions")}
    versions = {t: delta_version(spark, settings, t) for t in before}
    result = run_dbt(["build"], settings)  # the tables exist and are registered: replace
    assert result.success
    for table, rows in before.items():
        again = sorted(map(tuple, gold(spark, settings, table).drop("officer_license_nos").collect()))
        assert again == rows
        # `create or replace` on the registered table: one new commit, same location.
        assert delta_version(spark, settings, table) == versions[table] + 1
    assert spark.table("gold.supervision_actions").count() == 3


def test_docs_generate(spark, built):
    settings, _ = built
    result = run_dbt(["docs", "generate"], settings)
    assert result.success
    target = dbt_target_path(settings)
    assert (target / "index.html").is_file()
    catalog = json.loads((target / "catalog.json").read_text())
    node = catalog["nodes"]["model.supervision_lakehouse.supervision_actions"]
    assert node["metadata"]["schema"] == "gold"
    columns = set(node["columns"])
    assert {"main_item_name", "officer_count", "contact_phone_token"} <= columns
    assert not {"contact_name", "contact_phone"} & columns
    manifest = json.loads((target / "manifest.json").read_text())
    for model in ("supervision_items", "supervision_actions"):
        cols = manifest["nodes"][f"model.supervision_lakehouse.{model}"]["columns"]
        assert cols and all(c["description"] for c in cols.values())
    assert target.is_relative_to(settings.home)  # under the (ignored) home, not in the repo


# --- failures ----------------------------------------------------------------------------------
def test_action_with_unknown_item_fails_the_relationships_test(spark, lake):
    actions = _actions() + [
        _action("A999", "33999999999999", "inspection", "01", ["ZJ0001", "ZJ0002"])]
    write_silver(spark, lake, actions=actions)
    with pytest.raises(DbtFailed) as info:
        run_dbt(["build"], lake)
    failures = info.value.failures
    assert len(failures) == 1, failures
    assert "relationships_supervision_actions_item_code" in failures[0]
    assert "[fail]" in failures[0]
    assert "relationships_supervision_actions_item_code" in str(info.value)
    # The marts were still built (tests run after them) and the names re-registered.
    assert gold(spark, lake, "supervision_actions").count() == 4
    assert spark.table("gold.supervision_actions").where("action_id = 'A999'").count() == 1


def test_personal_data_column_in_gold_fails_the_guard(spark, lake):
    # A gold table that (wrongly) carries a raw phone column: the generic test must catch it.
    df = spark.createDataFrame(
        [r[:8] + (RAW_PHONE,) for r in _items()],
        ITEMS_SCHEMA.split(", delivery_date")[0] + ", contact_phone string")
    df.write.format("delta").save(lake.table_path("gold", "supervision_items"))
    register_lake_tables(spark, lake)
    with pytest.raises(DbtFailed) as info:
        run_dbt(["test", "--select", "supervision_items,test_name:no_personal_data_columns"],
                lake)
    assert [f for f in info.value.failures
            if "no_personal_data_columns_supervision_items" in f and "[fail]" in f]
