"""dbt (dbt_project/) run in-process by spark_jobs.gold.dbt_runner: silver -> gold.

One lake (module-scoped) is built once and checked by several tests, in file order: the marts,
then gold.coverage_rate for a first run date, a re-run of that date, a second date and a re-run
of it after the catalog changed. The failure tests use their own fresh lakes. Gold is read by
path where possible, so a test never depends on which lake the shared session's catalog names
happen to point at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.core.session import get_spark
from spark_jobs.core.settings import Settings
from spark_jobs.gold.dbt_runner import (
    LAKE_ROOT_SETTING,
    PROJECT_DIR,
    RUN_DATE_SETTING,
    DbtFailed,
    dbt_args,
    dbt_log_path,
    dbt_target_path,
    run_date_of,
    run_dbt,
)
from spark_jobs.gold.docs_site import publish_docs, source_freshness
from spark_jobs.gold.publish import (
    GoldNotPublished,
    build_and_publish,
    build_args,
    gold_vars,
    gold_versions,
    marker_path,
    missing_sources,
    recover,
)
from spark_jobs.pipeline.gold_parts import GOLD_PARTS, gold_models
from spark_jobs.quality.gate_record import write_gate_record

ITEMS_SCHEMA = (
    "item_code string, department_code string, department_name string, main_item_name string, "
    "sub_item_name string, object_type string, object_type_name string, item_level string, "
    "delivery_date date, _source_file string, _file_sha256 string, _row_number long, "
    "_batch_id string, _ingested_at timestamp, _silver_at timestamp"
)
ACTIONS_SCHEMA = (
    "action_id string, action_name string, item_code string, action_type string, "
    "action_type_name string, entity_uscc string, entity_name string, division_code string, "
    "action_date date, result_code string, department_code string, department_name string, "
    "officer_license_nos array<string>, content string, contact_name string, "
    "contact_phone string, contact_name_masked string, contact_phone_masked string, "
    "contact_phone_token string, submitted_date date, delivery_date date, _source_file string, "
    "_file_sha256 string, _row_number long, _batch_id string, _ingested_at timestamp, "
    "_silver_at timestamp"
)
RAW_NAME, RAW_PHONE = "张三", "13812345678"
D = dt.date(2025, 3, 1)  # the first run date; most actions are dated on it
D2 = dt.date(2025, 3, 5)  # the second run date
TS = dt.datetime(2025, 3, 1, 9, 30)
LINEAGE = ("items.csv", "ab" * 32, 1, "batch-1", TS)
DEPARTMENTS = {"01": "市场监管局", "05": "生态环境厅", "12": "应急管理厅"}
# item number -> (department, main item name, sub item name, object type, label, level)
CATALOG = {
    1: ("01", "食品经营许可检查", None, "legal_person", "法人", "2"),
    2: ("01", "特种设备安全监督检查", "电梯检查", "equipment", "设施设备", None),
    3: ("05", "排污许可检查", None, "site", "场地场所", "3"),
    4: ("01", "食品生产许可检查", None, "product", "特定产品", "2"),
    5: ("01", "计量器具监督检查", None, "equipment", "设施设备", "3"),
    6: ("05", "建设项目环境保护检查", None, "project", "项目工程", "3"),
    7: ("01", "广告经营监督检查", None, "legal_person", "法人", "3"),
    8: ("05", "放射源安全检查", None, "site", "场地场所", "2"),
    9: ("12", "安全生产监督检查", None, "legal_person", "法人", "2"),
}


def code(n: int) -> str:
    return f"330000000000{n:02d}"


def _items(moved: dict[int, str] | None = None):
    """The catalog; `moved` gives some items another department."""
    rows = []
    for n, (dept, main, sub, otype, label, level) in CATALOG.items():
        dept = (moved or {}).get(n, dept)
        rows.append(
            (code(n), dept, DEPARTMENTS[dept], main, sub, otype, label, level, D, *LINEAGE, TS)
        )
    return rows


def _action(action_id, item_code, action_type, result_code, officers, *, contact=True, day=D):
    name, phone = (RAW_NAME, RAW_PHONE) if contact else (None, None)
    return (
        action_id, f"检查{action_id}", item_code, action_type, "行政检查", "91330000MA27XL0E2B",
        "某某食品有限公司", "330106", day, result_code, "01", "市场监管局", officers, None,
        name, phone, "张*" if contact else None, "138****5678" if contact else None,
        "f" * 64 if contact else None, day + dt.timedelta(days=2), day + dt.timedelta(days=3),
        "actions.csv", "cd" * 32, 1, "batch-1", TS, TS,
    )  # fmt: skip


TWO = ["ZJ0001", "ZJ0002"]


def _actions():
    return [
        _action("A001", code(1), "inspection", "01", TWO),
        _action("A002", code(2), "penalty", "04", ["ZJ0001", "ZJ0003", "ZJ0004"], contact=False),
        _action("A003", code(3), "random_inspection", "02", ["HB0001", "HB0002"]),
        _action("A004", code(4), "inspection", "01", TWO, day=dt.date(2024, 12, 31)),  # last year
        _action("A005", code(5), "inspection", "01", TWO, day=dt.date(2025, 1, 1)),  # 1 January
        _action("A006", code(6), "inspection", "01", TWO, day=dt.date(2025, 3, 2)),  # after D
        _action("A007", code(7), "mobile", "01", TWO),
        _action("A008", code(9), "off_site", "01", TWO),
        _action("A009", code(1), "inspection", "02", TWO),  # a second action on item 1
    ]


ACTION_IDS = [f"A00{i}" for i in range(1, 10)]
# The gold tables a lake with only the catalog and the actions in silver gets.
BUILT_FROM_ITEMS_AND_ACTIONS = {
    "supervision_items", "supervision_items_history", "supervision_actions", "inspections",
    "penalties",
    "coercive_measures", "other_actions", "public_random_inspection_results", "coverage_rate",
    # without checklists every item is in force and no region claims an item
    # (macros/unbuilt.sql): coverage and collection monitoring need only the catalog and the
    # actions
    "coverage_periodic", "coverage_items", "collection_indicators", "collection_warnings",
    "collection_events",
}  # fmt: skip
# Expected coverage per run date and department: items_total, items_covered, rate, 80 %, 100 %.
# 01: items 1 2 4 5 7, item 4 acted on only last year; 05: items 3 6 8, item 6 only after D;
# 12: item 9.
COVERAGE_D = {
    "01": (5, 4, Decimal("0.8000"), True, False),  # exactly 80 %: meets the first target
    "05": (3, 1, Decimal("0.3333"), False, False),
    "12": (1, 1, Decimal("1.0000"), True, True),
}
COVERAGE_D2 = COVERAGE_D | {"05": (3, 2, Decimal("0.6667"), False, False)}  # 2/3 rounds up
COVERAGE_COLUMNS = [
    ("run_date", "date"), ("department_code", "string"), ("department_name", "string"),
    ("period_start", "date"), ("period_end", "date"), ("items_total", "bigint"),
    ("items_covered", "bigint"), ("coverage_rate", "decimal(7,4)"),
    ("meets_80_target", "boolean"), ("meets_100_target", "boolean"), ("items_retired", "bigint"),
]  # fmt: skip


def write_silver(spark, settings: Settings, actions=None, items=None) -> None:
    for table, rows, schema in (
        ("supervision_items", items or _items(), ITEMS_SCHEMA),
        ("supervision_actions", actions or _actions(), ACTIONS_SCHEMA),
    ):
        (
            spark.createDataFrame(rows, schema)
            .write.format("delta")
            .mode("overwrite")
            .save(settings.table_path("silver", table))
        )
    register_lake_tables(spark, settings)


# Only what a step needs, without data tests (quicker; the `build`s above run them all).
# coverage_rate counts gold.coverage_items, which describes one run date: both run together.
RUN_COVERAGE = ("run", "--select", "coverage_items", "coverage_rate")
RUN_ITEMS_AND_COVERAGE = ("run", "--select", "supervision_items", "coverage_items", "coverage_rate")
# The parts of the catalog (repository 1) and the actions (repository 4): what a test of the
# write-audit-publish needs, a third of a whole build's models and tests.
CATALOG_AND_ACTIONS = ["tag:repository_1", "tag:repository_4"]
# the tests of these marts only (`buildable`), not those of other marts that read them
BUILD_ACTIONS_MARTS = ["supervision_items", "supervision_actions", "inspections", "penalties"]
BUILD_ACTIONS = build_args(BUILD_ACTIONS_MARTS, [])


def build(settings: Settings, run_date: dt.date = D, args=None):
    """`dbt build` of what this lake's silver tables allow (as the pipeline selects it and
    with the pipeline's vars), or `args`; returns dbt's result."""
    missing = missing_sources(get_spark(settings), settings)
    if args is None:
        args = build_args((), missing)
    return run_dbt(list(args), settings, vars=gold_vars(run_date.isoformat(), missing))


def gold(spark, settings: Settings, table: str):
    return spark.read.format("delta").load(settings.table_path("gold", table))


def coverage(spark, settings: Settings, run_date: dt.date) -> dict[str, tuple]:
    """{department_code: (items_total, items_covered, rate, 80 %, 100 %)} of one run date."""
    rows = gold(spark, settings, "coverage_rate").where(f"run_date = DATE'{run_date}'").collect()
    out = {
        r.department_code: (
            r.items_total, r.items_covered, r.coverage_rate, r.meets_80_target,
            r.meets_100_target,
        )
        for r in rows
    }  # fmt: skip
    assert len(out) == len(rows), f"duplicate departments for {run_date}: {rows}"
    return out


def delta_version(spark, settings: Settings, table: str) -> int:
    from delta.tables import DeltaTable

    path = settings.table_path("gold", table)
    return DeltaTable.forPath(spark, path).history(1).collect()[0]["version"]


def merged_rows(spark, settings: Settings, table: str) -> int | None:
    """Source rows the gold table's latest commit merged (its MERGE's numSourceRows), or None
    when its latest commit is not a MERGE."""
    from delta.tables import DeltaTable

    last = DeltaTable.forPath(spark, settings.table_path("gold", table)).history(1).collect()[0]
    if last["operation"] != "MERGE":
        return None
    return int(last["operationMetrics"]["numSourceRows"])


def later(action: tuple, hours: int = 24) -> tuple:
    """`action` as silver writes it `hours` after the first build (`_silver_at` is last)."""
    return (*action[:-1], TS + dt.timedelta(hours=hours))


# --- the runner's arguments (no Spark) -----------------------------------------------------------
def test_dbt_args_point_into_settings_home(tmp_path):
    settings = Settings(home=tmp_path / "home")
    args = dbt_args(["build", "--select", "supervision_actions"], settings)
    assert args[:3] == ["build", "--select", "supervision_actions"]
    opts = dict(zip(args[3::2], args[4::2], strict=True))
    assert opts["--target-path"] == str(tmp_path / "home" / "dbt" / "target")
    assert opts["--log-path"] == str(tmp_path / "home" / "dbt" / "logs")
    assert Path(opts["--project-dir"], "dbt_project.yml").is_file()
    assert Path(opts["--profiles-dir"], "profiles.yml").is_file()
    assert json.loads(opts["--vars"]) == {}  # the lake root goes to the session
    # Subcommands of groups are found; options a command lacks are not passed; none twice.
    assert "--target-path" in dbt_args(["docs", "generate"], settings)
    assert "--target-path" not in dbt_args(["debug"], settings)
    assert dbt_args(["build", "--target-path", "x"], settings).count("--target-path") == 1


def test_dbt_args_merge_vars_without_the_lake_root_or_the_run_date(tmp_path):
    settings = Settings(home=tmp_path / "home")

    def passed(args):
        assert args.count("--vars") == 1
        return json.loads(args[args.index("--vars") + 1])

    lake = settings.lake_root
    # Neither the run date nor the lake root is a dbt var (both go to the session,
    # `session_settings`): dbt's vars, and with them its stored parse, stay the same from one
    # day and one lake to the next.
    assert passed(dbt_args(["build"], settings, vars={"run_date": "2024-06-28"})) == {}
    assert passed(dbt_args(["build"], settings, vars={"run_date": "2024-06-29"})) == {}
    assert passed(dbt_args(["build"], settings, vars={"lake_root": lake})) == {}
    assert run_date_of(["build"], {"run_date": "2024-06-28"}) == "2024-06-28"
    assert run_date_of(["build"]) is None
    # --vars typed in a shell (YAML, an unquoted date) is merged too, as a string; the
    # `vars` argument wins over it.
    shell = ["build", "--vars", "{run_date: 2024-06-28, x: 1}"]
    assert passed(dbt_args(shell, settings)) == {"x": 1}
    assert run_date_of(shell) == "2024-06-28"
    assert run_date_of(shell, {"run_date": "2024-07-01"}) == "2024-07-01"
    assert passed(dbt_args(shell, settings, vars={"x": 2}))["x"] == 2
    assert passed(dbt_args(["build", "--vars={a: b}"], settings))["a"] == "b"
    # The lake root comes from the settings only.
    with pytest.raises(ValueError, match="lake_root comes from the settings"):
        dbt_args(["build"], settings, vars={"lake_root": "/elsewhere"})
    with pytest.raises(ValueError, match="mapping"):
        dbt_args(["build", "--vars", "[1, 2]"], settings)


# --- one lake, built once ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(spark, base_settings, tmp_path_factory):
    settings = dataclasses.replace(
        base_settings, home=tmp_path_factory.mktemp("dbt_lake") / "lakehouse"
    )
    write_silver(spark, settings)
    result = build(settings, D)
    return settings, result


def test_build_creates_gold_delta_tables_in_the_lake(spark, built):
    from delta.tables import DeltaTable

    settings, result = built
    assert result.success
    statuses = {r.node.unique_id: r.status.value for r in result.result.results}
    for model in ("supervision_actions", "supervision_items", "coverage_rate"):
        assert statuses[f"model.supervision_lakehouse.{model}"] == "success"
    assert any(".no_personal_data_columns_" in uid for uid in statuses)
    assert any(".unique_combination_coverage_rate_" in uid for uid in statuses)
    tables = BUILT_FROM_ITEMS_AND_ACTIONS
    for table in tables:
        assert DeltaTable.isDeltaTable(spark, settings.table_path("gold", table))
    # Only Delta tables reach gold: staging and intermediate models are ephemeral. This lake
    # has only two silver tables: the marts of the other sources (and what reads them) are
    # excluded, not failed.
    assert {p.name for p in Path(settings.lake_root, "gold").iterdir()} == set(tables)
    skipped = {uid for uid, status in statuses.items() if status not in ("success", "pass")}
    assert not skipped, skipped
    assert "model.supervision_lakehouse.complaints" not in statuses
    # Registered by name, at exactly <lake_root>/gold/<model> (schema `gold`, no prefix).
    names = register_lake_tables(spark, settings)
    assert {f"gold.{t}" for t in tables} <= set(names)
    for table in tables:
        location = {
            r.col_name: r.data_type
            for r in spark.sql(f"DESCRIBE TABLE EXTENDED gold.{table}").collect()
        }
        assert location["Location"].endswith(settings.table_path("gold", table))
    assert spark.table("gold.supervision_actions").count() == len(ACTION_IDS)


def test_gold_actions_values(spark, built):
    settings, _ = built
    rows = {r.action_id: r for r in gold(spark, settings, "supervision_actions").collect()}
    assert sorted(rows) == ACTION_IDS
    assert rows["A001"].main_item_name == "食品经营许可检查"
    assert rows["A002"].main_item_name == "特种设备安全监督检查"
    assert [rows[a].officer_count for a in ("A001", "A002", "A003")] == [2, 3, 2]
    assert rows["A001"].contact_name_masked == "张*"
    assert rows["A001"].contact_phone_masked == "138****5678"
    assert rows["A001"].contact_phone_token == "f" * 64
    assert rows["A002"].contact_phone_masked is None
    assert rows["A003"].action_date == D and rows["A003"].delivery_date == D + dt.timedelta(3)
    items = gold(spark, settings, "supervision_items")
    assert items.count() == len(CATALOG)
    assert set(items.columns) == {
        "item_code", "department_code", "department_name", "main_item_name", "sub_item_name",
        "object_type", "object_type_name", "item_level",
    }  # fmt: skip


def test_no_raw_personal_data_in_gold(spark, built):
    settings, _ = built
    for table in ("supervision_items", "supervision_actions", "coverage_rate"):
        df = gold(spark, settings, table)
        assert not {"contact_name", "contact_phone", "id_number"} & set(df.columns)
        values = {str(v) for row in df.collect() for v in row}
        assert RAW_PHONE not in values and RAW_NAME not in values
    # Every silver column except the two raw ones (docs/layers.md), plus the two new ones.
    silver_cols = set(
        spark.read.format("delta")
        .load(settings.table_path("silver", "supervision_actions"))
        .columns
    )
    gold_df = gold(spark, settings, "supervision_actions")
    # This silver table is from before contract 1.1.0: gold has the 检查行为编号 column, null
    # until silver's next build of the source widens the table (macros/optional_columns.sql).
    assert "inspection_action_id" not in silver_cols
    assert set(gold_df.columns) == silver_cols - {"contact_name", "contact_phone"} | {
        "main_item_name",
        "officer_count",
        "inspection_action_id",
    }
    assert gold_df.where("inspection_action_id IS NOT NULL").count() == 0


def test_coverage_rate_values_and_columns(spark, built):
    """Per department: items with an action from 1 January to the run date / catalog items."""
    settings, _ = built
    df = gold(spark, settings, "coverage_rate")
    # The columns and types the pipeline report reads (unchanged from the former Spark job).
    assert df.dtypes == COVERAGE_COLUMNS
    assert coverage(spark, settings, D) == COVERAGE_D
    rows = df.collect()
    assert {(r.run_date, r.period_start, r.period_end) for r in rows} == {
        (D, dt.date(2025, 1, 1), D)
    }
    assert {r.department_code: r.department_name for r in rows} == DEPARTMENTS


def test_second_build_is_idempotent(spark, built):
    """Re-running the same run date: full marts replaced in one commit, the incremental mart
    merges nothing (no silver row is newer than its own), coverage rows not doubled."""
    settings, _ = built
    marts = ("supervision_items", "supervision_actions")
    before = {
        t: sorted(map(tuple, gold(spark, settings, t).drop("officer_license_nos").collect()))
        for t in (*marts, "coverage_rate")
    }
    version = delta_version(spark, settings, "supervision_items")
    result = build(settings, D)  # the tables exist and are registered: replace / merge
    assert result.success
    for table, rows in before.items():
        again = gold(spark, settings, table).drop("officer_license_nos").collect()
        assert sorted(map(tuple, again)) == rows
    # `create or replace` on the registered table: one new commit, same location.
    assert delta_version(spark, settings, "supervision_items") == version + 1
    assert merged_rows(spark, settings, "supervision_actions") in (None, 0)
    assert spark.table("gold.supervision_actions").count() == len(ACTION_IDS)
    assert spark.table("gold.coverage_rate").count() == len(COVERAGE_D)


def test_docs_generate(spark, built):
    settings, _ = built
    result = run_dbt(["docs", "generate"], settings, vars={"run_date": D.isoformat()})
    assert result.success
    target = dbt_target_path(settings)
    assert (target / "index.html").is_file()
    catalog = json.loads((target / "catalog.json").read_text())
    node = catalog["nodes"]["model.supervision_lakehouse.supervision_actions"]
    assert node["metadata"]["schema"] == "gold"
    columns = set(node["columns"])
    assert {"main_item_name", "officer_count", "contact_phone_token"} <= columns
    assert not {"contact_name", "contact_phone"} & columns
    assert "model.supervision_lakehouse.coverage_rate" in catalog["nodes"]
    assert target.is_relative_to(settings.home)  # under the (ignored) home, not in the repo


def test_source_freshness_and_the_static_docs_site(spark, built):
    """The report's dbt outputs: freshness of every silver table from `_silver_at` (these rows
    were written on 1 March 2025: far past error_after), and one self-contained docs page."""
    settings, _ = built
    fresh = source_freshness(settings, missing_sources(spark, settings))
    assert set(fresh) == {"supervision_items", "supervision_actions"}
    for table, result in fresh.items():
        assert result["status"] == "error", (table, result)
        assert result["age_hours"] > 7 * 24
    page = publish_docs(settings, D.isoformat())
    assert page == settings.home / "dbt_docs" / "index.html"
    html = page.read_text(encoding="utf-8")
    # The manifest is inlined (no server needed), lineage from every source to every mart.
    assert "source.supervision_lakehouse.silver.hotline_12345" in html
    assert "model.supervision_lakehouse.complaints" in html
    # Models compiled for the site without a query; data tests listed, not compiled.
    nodes = json.loads((dbt_target_path(settings) / "manifest.json").read_text())["nodes"]
    tests = [n for n in nodes.values() if n["resource_type"] == "test"]
    assert len(tests) > 100 and not any(n.get("compiled") for n in tests)
    assert "test.supervision_lakehouse.unique_supervision_actions_action_id" in html
    actions = nodes["model.supervision_lakehouse.supervision_actions"]["compiled_code"]
    assert "_silver_at > (select max(_silver_at) from" in actions
    assert "timestamp_micros(" not in actions
    scorecard = nodes["model.supervision_lakehouse.evaluation_scorecard"]["compiled_code"]
    assert "where run_date = current_date()" in scorecard


def test_every_model_has_its_yml_beside_it_and_its_repository_tag(spark, built):
    """jaffle-shop layout: a .yml per model in its folder, every model and column described;
    marts/<NN>_<name>/ models tagged repository_<N>; staging and intermediate ephemeral."""
    settings, _ = built
    manifest = json.loads((dbt_target_path(settings) / "manifest.json").read_text())
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    assert {
        "stg_supervision_items", "stg_supervision_actions", "int_item_retirements",
        "supervision_items", "supervision_actions", "coverage_rate",
    } <= set(models)  # fmt: skip
    for name, node in models.items():
        sql = Path(node["original_file_path"])
        assert node["patch_path"].split("://", 1)[1] == str(sql.with_suffix(".yml")), name
        assert node["description"].strip(), name
        assert node["columns"] and all(c["description"] for c in node["columns"].values()), name
        folder = sql.parts[1]  # models/<folder>/...
        materialized = node["config"]["materialized"]
        if folder in ("staging", "intermediate"):
            assert materialized == "ephemeral", name
        if folder == "marts":
            part = sql.parts[2]  # <NN>_<repository> or cross_repository
            tag = part if not part[0].isdigit() else f"repository_{int(part.split('_', 1)[0])}"
            assert tag in node["tags"], name
            assert materialized in ("table", "incremental"), name
            if materialized == "incremental":  # a MERGE on a key, never an append
                config = node["config"]
                assert config["incremental_strategy"] == "merge", name
                assert config["unique_key"], name
    repositories = {t for n in models.values() for t in n["tags"] if t.startswith("repository_")}
    assert repositories == {f"repository_{n}" for n in range(1, 9)}
    config = models["coverage_rate"]["config"]
    assert (config["materialized"], config["incremental_strategy"], config["file_format"]) == (
        "incremental", "merge", "delta")  # fmt: skip
    assert config["unique_key"] == ["run_date", "department_code"]
    # built once, by the metrics part (it counts gold.coverage_items, a metrics model)
    assert [t for t in models["coverage_rate"]["tags"] if t.startswith("repository_")] == []
    # The targets (docs/coverage.md) are project vars, not numbers in the SQL.
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    targets = {k: v for k, v in project["vars"].items() if k.startswith("coverage_target")}
    assert targets == {"coverage_target_80": 0.8, "coverage_target_100": 1.0}
    raw = models["coverage_rate"]["raw_code"]
    assert "var('coverage_target_80')" in raw and "var('coverage_target_100')" in raw
    sources = [n for n in manifest["sources"].values() if n["source_name"] == "silver"]
    assert {"supervision_items", "supervision_actions"} <= {s["name"] for s in sources}


def test_the_next_run_date_reuses_the_stored_parse(spark, built):
    """The run date reaches the models through the session, not dbt's vars: the next day's
    build re-uses the stored parse (a full parse of this project takes about 8 s)."""
    settings, _ = built
    build(settings, D, args=RUN_COVERAGE)
    log = dbt_log_path(settings) / "dbt.log"
    seen = len(log.read_text("utf-8"))
    build(settings, D2, args=RUN_COVERAGE)
    tail = log.read_text("utf-8")[seen:]
    assert "Unable to do partial parsing" not in tail and "full parse" not in tail, tail[:2000]
    assert coverage(spark, settings, D2) == COVERAGE_D2  # the new date reached the model
    assert spark.conf.get(RUN_DATE_SETTING, None) is None  # set for the invocation only


def test_a_new_lake_starts_from_the_parse_another_lake_stored(
    spark, built, base_settings, tmp_path
):
    """The lake root reaches dbt as a session setting too, so the stored parse holds nothing
    lake-specific: a new lake's first build starts from the parse `built` stored in the shared
    cache (no full parse), and writes its gold into its own lake, not into `built`'s."""
    settings, _ = built
    other = dataclasses.replace(base_settings, home=tmp_path / "other")
    write_silver(spark, other)
    before = sorted(map(tuple, gold(spark, settings, "coverage_rate").collect()))
    build(other, D)
    log = (dbt_log_path(other) / "dbt.log").read_text("utf-8")
    assert "Unable to do partial parsing" not in log and "full parse" not in log, log[:2000]
    assert (dbt_target_path(other) / "partial_parse.vars").is_file()
    assert coverage(spark, other, D) == COVERAGE_D
    assert Path(other.table_path("gold", "coverage_rate"), "_delta_log").is_dir()
    assert sorted(map(tuple, gold(spark, settings, "coverage_rate").collect())) == before
    assert spark.conf.get(LAKE_ROOT_SETTING, None) is None  # set for the invocation only


def test_coverage_keeps_history_and_a_rerun_replaces_its_date(spark, built):
    settings, _ = built
    first_rows = gold(spark, settings, "coverage_rate").where(f"run_date = DATE'{D}'")
    first = sorted(map(tuple, first_rows.collect()))
    # As in a new process whose catalog does not know the table yet: the runner registers
    # the lake's tables first, so dbt merges into the table instead of re-creating it empty.
    spark.sql("DROP TABLE IF EXISTS gold.coverage_rate")  # external: the files stay
    build(settings, D2, args=RUN_COVERAGE)
    assert coverage(spark, settings, D2) == COVERAGE_D2
    assert coverage(spark, settings, D) == COVERAGE_D
    history = gold(spark, settings, "coverage_rate").where(f"run_date = DATE'{D}'").collect()
    assert sorted(map(tuple, history)) == first  # the first date's rows are untouched

    # The catalog moves item 9 from department 12 to 05; re-running D2 replaces D2's rows:
    # 05 now has items 3 6 8 9, and 12 has no row for D2 any more (but keeps its D row).
    write_silver(spark, settings, items=_items(moved={9: "05"}))
    build(settings, D2, args=RUN_ITEMS_AND_COVERAGE)
    assert coverage(spark, settings, D2) == {
        "01": COVERAGE_D["01"],
        "05": (4, 3, Decimal("0.7500"), False, False),
    }
    assert coverage(spark, settings, D) == COVERAGE_D
    assert gold(spark, settings, "coverage_rate").count() == len(COVERAGE_D) + 2


# --- failures ----------------------------------------------------------------------------------
def test_build_without_a_run_date_names_the_missing_var(spark, built):
    settings, _ = built
    with pytest.raises(DbtFailed) as info:
        run_dbt(["build", "--select", "coverage_rate"], settings)
    assert "run date is missing" in str(info.value)
    # The marts alone need no run date.
    assert run_dbt(["run", "--select", "supervision_items"], settings).success


def test_action_with_unknown_item_fails_the_relationships_test(spark, lake):
    """Write, audit, publish: a failing relationships test leaves gold exactly as it was."""
    write_silver(spark, lake)
    build_and_publish(lake, D.isoformat(), select=CATALOG_AND_ACTIONS)
    published = {
        t.name: sorted(map(tuple, gold(spark, lake, t.name).drop("officer_license_nos").collect()))
        for t in Path(lake.lake_root, "gold").iterdir()
    }
    assert {"supervision_items", "supervision_actions", "penalties"} <= set(published)
    bad = later(_action("A999", "33999999999999", "inspection", "01", TWO))
    write_silver(spark, lake, actions=[*_actions(), bad])
    with pytest.raises(GoldNotPublished) as info:
        build_and_publish(lake, D.isoformat(), select=CATALOG_AND_ACTIONS)
    failures = info.value.failures
    assert len(failures) == 1, failures
    assert "relationships_supervision_actions_item_code" in failures[0]
    assert "[fail]" in failures[0]
    assert "not published" in str(info.value)
    # dbt had merged A999 into gold.supervision_actions (tests run after their model): the
    # table was restored, and every other table is unchanged too.
    assert "supervision_actions" in info.value.restored
    for table, rows in published.items():
        again = gold(spark, lake, table).drop("officer_license_nos").collect()
        assert sorted(map(tuple, again)) == rows, table
    assert spark.table("gold.supervision_actions").where("action_id = 'A999'").count() == 0
    assert not marker_path(lake).exists()
    # Once the catalog gains the item, the next build publishes the action.
    items = [*_items(), ("33999999999999", *_items()[0][1:])]
    write_silver(spark, lake, actions=[*_actions(), bad], items=items)
    build_and_publish(lake, D.isoformat(), select=CATALOG_AND_ACTIONS)
    assert gold(spark, lake, "supervision_actions").where("action_id = 'A999'").count() == 1


def test_a_source_that_failed_its_gate_holds_back_only_its_marts(spark, lake):
    write_silver(spark, lake)
    write_gate_record(lake, D.isoformat(), ["supervision_actions"])
    result = build_and_publish(lake, D.isoformat(), select=CATALOG_AND_ACTIONS)
    assert result["held_by_gate"] == ["supervision_actions"]
    # The catalog is published; nothing built on the actions is.
    assert set(result["published"]) == {"supervision_items", "supervision_items_history"}
    assert not Path(lake.table_path("gold", "supervision_actions")).exists()
    # Another run date's gate verdict does not apply.
    assert build_and_publish(lake, D2.isoformat(), select=CATALOG_AND_ACTIONS)["held_by_gate"] == []
    assert gold(spark, lake, "supervision_actions").count() == len(ACTION_IDS)


def test_each_gold_part_builds_on_its_own_in_the_dag_order(spark, lake):
    """As the DAG runs gold: one build per part, on a fresh lake, in dependency order. A
    part's build runs the tests of its own marts (a relationships test from a later part's
    mart to this part's waits for that part)."""
    write_silver(spark, lake)
    done: set[str] = set()
    while len(done) < len(GOLD_PARTS):
        ready = [p for p, needs in GOLD_PARTS.items() if p not in done and set(needs) <= done]
        for part in ready:
            build_and_publish(lake, D.isoformat(), select=[f"tag:{part}"])
            done.add(part)
    assert {p.name for p in Path(lake.lake_root, "gold").iterdir()} == BUILT_FROM_ITEMS_AND_ACTIONS
    assert gold(spark, lake, "supervision_actions").count() == len(ACTION_IDS)
    assert coverage(spark, lake, D) == COVERAGE_D
    # The pipeline's builds write no dbt artifacts (`--no-write-json`: the manifest twice per
    # part, each part overwriting the last); `docs generate` (the report task) writes them.
    target = dbt_target_path(lake)
    assert not (target / "manifest.json").exists() and not (target / "run_results.json").exists()
    assert (target / "partial_parse.msgpack").is_file()  # the parse is still kept
    # The next run date with nothing delivered: a part without run-date models reads nothing
    # that changed and is not built again (no gold commit); metrics, computed on the run
    # date, are. A delivery to the catalog rebuilds the catalog's part.
    before = gold_versions(spark, lake)
    again = {
        part: build_and_publish(lake, D2.isoformat(), select=[f"tag:{part}"])
        for part in ("repository_1", "repository_4", "metrics")
    }
    assert again["repository_1"].get("unchanged") and again["repository_4"].get("unchanged")
    assert not again["metrics"].get("unchanged") and again["metrics"]["published"]
    after = gold_versions(spark, lake)
    assert {t for t in after if after[t] != before.get(t)} <= set(gold_models("metrics"))
    write_silver(spark, lake, items=_items({1: "12"}))
    moved = build_and_publish(lake, (D2 + dt.timedelta(days=1)).isoformat(), ["tag:repository_1"])
    assert not moved.get("unchanged") and "supervision_items" in moved["published"]


def test_a_build_that_crashed_before_publishing_is_undone_by_the_next(spark, lake):
    write_silver(spark, lake)
    build_and_publish(lake, D.isoformat(), select=CATALOG_AND_ACTIONS)
    published = sorted(map(tuple, gold(spark, lake, "supervision_items").collect()))
    versions = gold_versions(spark, lake)
    # A build that wrote a mart and died before its tests: the marker is left behind.
    marker = marker_path(lake)
    marker.write_text(json.dumps({"run_date": D.isoformat(), "versions": versions}), "utf-8")
    moved = _items({1: "12"})
    write_silver(spark, lake, items=moved)
    run_dbt(["run", "--select", "supervision_items"], lake)
    assert gold(spark, lake, "supervision_items").where("department_code = '12'").count() == 2
    assert recover(spark, lake) == {"supervision_items": versions["supervision_items"]}
    assert sorted(map(tuple, gold(spark, lake, "supervision_items").collect())) == published
    assert not marker.exists()


def test_the_catalog_keeps_its_history(spark, lake):
    """gold.supervision_items_history (a dbt snapshot): a delivery that moves an item to another
    department closes its version and opens a new one; unchanged items keep one version."""
    write_silver(spark, lake)
    catalog_only = build_args(["tag:repository_1"], missing_sources(spark, lake))
    build(lake, D, args=catalog_only)
    write_silver(spark, lake, items=_items({1: "12"}))
    build(lake, D2, args=catalog_only)
    history = gold(spark, lake, "supervision_items_history")
    versions = {}
    for r in history.collect():
        versions.setdefault(r.item_code, []).append(r)
    assert set(versions) == {code(n) for n in CATALOG}
    moved = sorted(versions[code(1)], key=lambda r: r.dbt_valid_from)
    assert [(r.department_code, r.dbt_valid_to is None) for r in moved] == [
        ("01", False),
        ("12", True),
    ]
    assert moved[0].dbt_valid_to == moved[1].dbt_valid_from
    assert all(len(v) == 1 for item, v in versions.items() if item != code(1))
    # The current catalog is the mart; the history is beside it.
    current = gold(spark, lake, "supervision_items").where(f"item_code = '{code(1)}'").first()
    assert current.department_code == "12"
    # A day that changes no item runs no snapshot MERGE (an empty one took seconds).
    build(lake, D2 + dt.timedelta(days=1), args=catalog_only)
    assert gold(spark, lake, "supervision_items_history").count() == sum(
        map(len, versions.values())
    )
    run = dbt_target_path(lake) / "run" / "supervision_lakehouse" / "snapshots"
    sql = (run / "supervision_items_history.sql").read_text()
    assert "no changes: no merge into gold.supervision_items_history" in sql, sql


def test_incremental_mart_merges_only_the_new_silver_rows(spark, lake):
    """Day 2 costs day 2's rows: the MERGE into gold.supervision_actions reads only the rows
    silver wrote after the mart's newest `_silver_at`, and a superseded row is updated. A mart
    with no new rows (other_actions: none on either day) runs no MERGE at all."""
    from delta.tables import DeltaTable

    build_actions = build_args([*BUILD_ACTIONS_MARTS, "other_actions"], [])
    write_silver(spark, lake)
    build(lake, D, args=build_actions)
    assert merged_rows(spark, lake, "supervision_actions") is None  # first run: a full build
    day2 = [
        later(_action("A010", code(1), "inspection", "01", TWO, day=D2)),
        later(_action("A011", code(2), "penalty", "04", TWO, day=D2)),
        later(_action("A001", code(1), "inspection", "02", TWO)),  # A001 corrected on day 2
    ]
    write_silver(spark, lake, actions=[*_actions()[1:], *day2])
    build(lake, D2, args=build_actions)
    assert merged_rows(spark, lake, "supervision_actions") == 3
    # other_actions: the probe found no row, so no MERGE ran (an empty one still costs seconds)
    other = DeltaTable.forPath(spark, lake.table_path("gold", "other_actions"))
    assert [r.operation for r in other.history().collect()] == ["CREATE OR REPLACE TABLE AS SELECT"]
    run = dbt_target_path(lake) / "run" / "supervision_lakehouse" / "models" / "marts"
    assert (
        "no merge into gold.other_actions" in (run / "04_actions" / "other_actions.sql").read_text()
    )
    assert "merge into gold.penalties" in (run / "04_actions" / "penalties.sql").read_text()
    # The bound is a literal in the SQL, so Delta can skip the older files of silver and of
    # the mart by their statistics (a scalar subquery is only known after planning).
    compiled = dbt_target_path(lake) / "compiled" / "supervision_lakehouse" / "models" / "marts"
    for mart in ("supervision_actions", "inspections"):
        sql = (compiled / "04_actions" / f"{mart}.sql").read_text()
        assert "_silver_at > timestamp_micros(" in sql and "max(_silver_at)" not in sql, sql
    rows = {r.action_id: r for r in gold(spark, lake, "supervision_actions").collect()}
    assert sorted(rows) == sorted([*ACTION_IDS, "A010", "A011"])
    assert rows["A001"].result_code == "02"
    assert merged_rows(spark, lake, "penalties") == 1  # A011, cut from the 3 new actions
    penalties = {r.action_id: r for r in gold(spark, lake, "penalties").collect()}
    assert sorted(penalties) == ["A002", "A011"]


def test_personal_data_column_in_gold_fails_the_guard(spark, lake):
    # A gold table that (wrongly) carries a raw phone column: the generic test must catch it.
    df = spark.createDataFrame(
        [(*r[:8], RAW_PHONE) for r in _items()],
        ITEMS_SCHEMA.split(", delivery_date")[0] + ", contact_phone string",
    )
    df.write.format("delta").save(lake.table_path("gold", "supervision_items"))
    register_lake_tables(spark, lake)
    with pytest.raises(DbtFailed) as info:
        run_dbt(["test", "--select", "supervision_items,test_name:no_personal_data_columns"], lake)
    assert [
        f
        for f in info.value.failures
        if "no_personal_data_columns_supervision_items" in f and "[fail]" in f
    ]
