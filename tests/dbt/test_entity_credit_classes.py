"""gold.entity_credit_classes: the credit class A-D of every legal person, as the draws use it.

A small lake holds the nine silver tables `+entity_credit_classes` reads (supervised entities,
the four credit lists, credit classes, and the three sources supervised_entities takes name
variants from, left empty), written with silver's columns as the contracts define them. One
`dbt build` of the mart and its parents runs their data tests too. Every expected score below
is computed by hand from the configured model (dbt var credit_class_model, checked first):
start 100; serious violation -60, black list -60, abnormal operation -30, each counted once;
penalties -10 each up to 3; A >= 90, B >= 70, C >= 50, else D.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
import yaml

from spark_jobs.contracts import Contract, get_contract
from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.core.settings import Settings
from spark_jobs.gold.dbt_runner import PROJECT_DIR, run_dbt
from spark_jobs.gold.publish import build_args, missing_sources
from tests.dbt.test_dbt import build, gold

D = dt.date(2025, 3, 1)  # the run date
D2 = dt.date(2025, 3, 2)  # a later delivery
TS = dt.datetime(2025, 3, 1, 9, 30)
# The model the expected values below are computed from (dbt_project.yml, our assumption).
MODEL = {
    "start_points": 100,
    "deductions": {
        "serious_violation": {"points": 60, "max_events": 1},
        "black_list": {"points": 60, "max_events": 1},
        "abnormal_operation": {"points": 30, "max_events": 1},
        "penalty": {"points": 10, "max_events": 3},
    },
    "thresholds": {"A": 90, "B": 70, "C": 50},
}
# Silver's type of each contract field type (spark_jobs/silver/typed.py).
SILVER_TYPES = {
    "string": "string", "code": "string", "date": "date", "timestamp": "timestamp",
    "list": "array<string>", "integer": "bigint", "decimal": "decimal(20,2)",
}  # fmt: skip
LINEAGE = [
    ("_source_file", "string"), ("_file_sha256", "string"), ("_row_number", "bigint"),
    ("_batch_id", "string"), ("_ingested_at", "timestamp"),
]  # fmt: skip
# The silver tables `+entity_credit_classes` reads (through its staging models).
SOURCES = (
    "supervised_entities", "credit_classes", "credit_penalties", "credit_abnormal_operations",
    "credit_serious_violations", "credit_red_black_lists", "supervision_actions", "approvals",
    "third_party_opinion",
)  # fmt: skip


def silver_columns(contract: Contract) -> list[tuple[str, str]]:
    """(name, type) of silver.<contract>, in silver's order (spark_jobs.silver.build.
    accepted_rows): the typed fields (a code delivered as its label also keeps the label as
    <field>_name), delivery_date, the lineage, the masked and tokenised forms, _silver_at."""
    columns = []
    for f in contract.fields:
        columns.append((f.name, SILVER_TYPES[f.type]))
        if f.type == "code" and f.delivered_as == "label":
            columns.append((f"{f.name}_name", "string"))
    columns += [("delivery_date", "date"), *LINEAGE]
    for f in contract.pii_fields:
        columns.append((f"{f.name}_masked", "string"))
        if f.pii != "name":
            columns.append((f"{f.name}_token", "string"))
    return [*columns, ("_silver_at", "timestamp")]


def write_silver(spark, settings: Settings, tables: dict[str, list[dict]]) -> None:
    """Each silver table of SOURCES with the given rows (columns not given are null, lineage
    filled); a table not given is written empty."""
    for name in SOURCES:
        columns = silver_columns(get_contract(name, settings.contract_dir))
        names = [c for c, _ in columns]
        lineage = {
            "delivery_date": D, "_source_file": f"{name}.json", "_file_sha256": "ab" * 32,
            "_batch_id": "batch-1", "_ingested_at": TS, "_silver_at": TS,
        }  # fmt: skip
        rows = []
        for i, given in enumerate(tables.get(name, []), start=1):
            assert set(given) <= set(names), (name, set(given) - set(names))
            row = {**lineage, "_row_number": i, **given}
            rows.append(tuple(row.get(c) for c in names))
        (
            spark.createDataFrame(rows, ", ".join(f"{c} {t}" for c, t in columns))
            .write.format("delta")
            .mode("overwrite")
            .save(settings.table_path("silver", name))
        )
    register_lake_tables(spark, settings)


def uscc(n: int) -> str:
    return f"91330106MA2B{n:05d}X"


def legal_person(n: int, credit_class: str | None = None, **more) -> dict:
    return {
        "entity_id": f"JG33010610{n:06d}", "kind": "legal_person", "kind_name": "法人",
        "subtype": "enterprise", "name": f"杭州某某{n}号有限公司", "uscc": uscc(n),
        "division_code": "330106", "risk_focus": "general", "key_supervision": "no",
        "credit_class": credit_class, **more,
    }  # fmt: skip


def other(entity_id: str, kind: str, **more) -> dict:
    """A supervised entity of another kind than legal person."""
    return {"entity_id": entity_id, "kind": kind, "division_code": "330106", **more}


def red_black(record_id: str, n: int, list_type: str) -> dict:
    """A red or black list entry (always in force)."""
    label = {"red": "红名单", "black": "黑名单"}[list_type]
    return {"record_id": record_id, "list_type": list_type, "list_type_name": label,
            "uscc": uscc(n), "list_date": dt.date(2024, 10, 1)}  # fmt: skip


def penalty(record_id: str, n: int, public_status: str = "0") -> dict:
    """A penalty disclosure: public_status 0 in force, 1 withdrawn, 2 deleted."""
    return {"record_id": record_id, "party_uscc": uscc(n), "public_status": public_status,
            "decision_date": dt.date(2025, 1, 10)}  # fmt: skip


def listed(record_id: str, n: int, list_status: str = "1") -> dict:
    """An abnormal-operation or serious-violation entry: list_status 1 listed, 2 removed."""
    return {"record_id": record_id, "uscc": uscc(n), "list_status": list_status,
            "list_date": dt.date(2024, 9, 1)}  # fmt: skip


SILVER = {
    "supervised_entities": [
        legal_person(1, "A"),  # the registry says A, gold.credit_classes says B (later month)
        legal_person(2, "C"),  # the registry's class, nothing in gold.credit_classes
        *(legal_person(n) for n in range(3, 10)),
        # One USCC under two entity ids: one row, the later delivery's name.
        legal_person(10, entity_id="JG33010610000010", name="旧名称有限公司"),
        legal_person(10, entity_id="JG33010610000011", name="新名称有限公司", delivery_date=D2),
        # Not legal persons: not in the mart, even where they carry a legal person's USCC.
        other("JG33010630000001", "equipment", name="1号乘客电梯", owner_uscc=uscc(3)),
        other("JG33010620000001", "natural_person", id_number_token="5f2c0d1e9a7b"),
    ],
    "credit_classes": [
        {"uscc": uscc(1), "class_month": dt.date(2025, 1, 1), "credit_class": "C"},
        {"uscc": uscc(1), "class_month": dt.date(2025, 2, 1), "credit_class": "B"},
        {"uscc": uscc(99), "class_month": dt.date(2025, 2, 1), "credit_class": "D"},  # unknown
    ],
    "credit_serious_violations": [
        listed("YZ01", 1),  # entity 1 keeps its delivered class all the same
        listed("YZ03", 3),
        listed("YZ06", 6, list_status="2"),  # removed
        listed("YZ99", 99),  # a USCC the registry does not know
    ],
    "credit_abnormal_operations": [
        listed("YC04", 4),
        listed("YC06", 6, list_status="2"),  # removed
        listed("YC08a", 8),  # two entries in force on one list count once
        listed("YC08b", 8),
    ],
    "credit_penalties": [
        *(penalty(f"CF05{i}", 5) for i in range(1, 5)),  # four in force: three count
        penalty("CF055", 5, public_status="1"),  # withdrawn
        penalty("CF056", 5, public_status="2"),  # deleted
        penalty("CF081", 8),
        penalty("CF082", 8),
        penalty("CF091", 9),
        # published until a date before the run date: no longer counts
        {**penalty("CF092", 9), "public_end_date": dt.date(2025, 2, 1)},
    ],
    "credit_red_black_lists": [
        red_black("HM07", 7, "black"),
        red_black("HM07r", 7, "red"),  # a red list does not count
        red_black("HM09r", 9, "red"),
        # a black list entry valid until before the run date: expired, does not count
        {**red_black("HM10", 10, "black"), "valid_until": dt.date(2025, 1, 1)},
    ],
}

# uscc number -> (credit_class, class_source, published_class, model_score, model_class,
#                 serious violations, black lists, abnormal operations, penalties in force)
EXPECTED = {
    1: ("B", "credit_classes", "B", 40, "D", 1, 0, 0, 0),  # 100 - 60; the delivered B wins
    2: ("C", "entity_registry", "C", 100, "A", 0, 0, 0, 0),
    3: ("D", "model", None, 40, "D", 1, 0, 0, 0),  # 100 - 60 = 40 < 50
    4: ("B", "model", None, 70, "B", 0, 0, 1, 0),  # 100 - 30 = 70: exactly B
    5: ("B", "model", None, 70, "B", 0, 0, 0, 4),  # 100 - 10 x min(4, 3) = 70
    6: ("A", "model", None, 100, "A", 0, 0, 0, 0),  # both entries removed
    7: ("D", "model", None, 40, "D", 0, 1, 0, 0),  # 100 - 60; the red list does not count
    8: ("C", "model", None, 50, "C", 0, 0, 2, 2),  # 100 - 30 (once) - 2 x 10 = 50: exactly C
    9: ("A", "model", None, 90, "A", 0, 0, 0, 1),  # 100 - 10 = 90: exactly A; one expired
    10: ("A", "model", None, 100, "A", 0, 0, 0, 0),  # its black list expired before the run
}


def classes(spark, settings: Settings) -> dict[int, tuple]:
    rows = gold(spark, settings, "entity_credit_classes").collect()
    out = {
        int(r.uscc[12:17]): (
            r.credit_class, r.class_source, r.published_class, r.model_score, r.model_class,
            r.serious_violations_in_force, r.black_lists_in_force,
            r.abnormal_operations_in_force, r.penalties_in_force,
        )
        for r in rows
    }  # fmt: skip
    assert len(out) == len(rows), "one row per uscc"
    return out


@pytest.fixture(scope="module")
def built(spark, base_settings, tmp_path_factory):
    settings = dataclasses.replace(
        base_settings, home=tmp_path_factory.mktemp("credit_classes_lake") / "lakehouse"
    )
    write_silver(spark, settings, SILVER)
    args = build_args(["+entity_credit_classes"], missing_sources(spark, settings))
    return settings, build(settings, D, args=args)


def test_the_model_figures_are_project_vars():
    """The expected values below assume these figures: our assumption, in dbt_project.yml,
    read with var() (no figure in the SQL)."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text("utf-8"))
    assert project["vars"]["credit_class_model"] == MODEL
    sql = (PROJECT_DIR / "models/marts/06_credit/entity_credit_classes.sql").read_text("utf-8")
    assert "var('credit_class_model')" in sql
    body = sql.split("\nwith ", 1)[1]
    for figure in ("100", "60", "30", "10", "90", "70", "50"):
        assert figure not in body, figure


def test_build_runs_the_mart_and_its_tests(built):
    _, result = built
    statuses = {r.node.unique_id: r.status.value for r in result.result.results}
    assert statuses["model.supervision_lakehouse.entity_credit_classes"] == "success"
    tests = {uid: s for uid, s in statuses.items() if "entity_credit_classes" in uid}
    assert any(".relationships_entity_credit_classes_uscc" in uid for uid in tests)
    # the column tests, in one query (tests/dbt/test_column_checks.py)
    (combined,) = [
        r.node.compiled_code
        for r in result.result.results
        if r.node.name.startswith("declared_column_checks_entity_credit_classes")
    ]
    counted = re.findall(r" as `(\w+)`", combined)
    assert "unique_entity_credit_classes_uscc" in counted
    assert sum(name.startswith("accepted_values_entity_credit_classes_") for name in counted) == 4
    assert {s for uid, s in tests.items() if uid.startswith("test.")} == {"pass"}


def test_classes_by_hand(spark, built):
    settings, _ = built
    assert classes(spark, settings) == EXPECTED


def test_one_row_per_legal_person_with_the_run_date(spark, built):
    settings, _ = built
    df = gold(spark, settings, "entity_credit_classes")
    assert df.columns == [
        "uscc", "entity_name", "division_code", "credit_class", "class_source",
        "published_class", "model_score", "model_class", "serious_violations_in_force",
        "black_lists_in_force", "abnormal_operations_in_force", "penalties_in_force", "as_of",
    ]  # fmt: skip
    rows = {r.uscc: r for r in df.collect()}
    assert set(rows) == {uscc(n) for n in EXPECTED}  # no equipment, person or unknown USCC
    assert rows[uscc(10)].entity_name == "新名称有限公司"  # the later delivery
    assert rows[uscc(3)].entity_name == "杭州某某3号有限公司"
    assert {r.division_code for r in rows.values()} == {"330106"}
    assert {r.as_of for r in rows.values()} == {D}


def test_other_figures_passed_as_vars_change_the_classes(spark, built):
    """The figures are read from the var: B from 75 makes entity 4 (70) a C and entity 5 (70)
    a C; a cap of 4 penalties takes entity 5 to 60, still C. Delivered classes do not move."""
    settings, _ = built
    model = {**MODEL, "thresholds": {"A": 90, "B": 75, "C": 50}}
    model["deductions"] = {**MODEL["deductions"], "penalty": {"points": 10, "max_events": 4}}
    run_dbt(
        ["run", "--select", "entity_credit_classes"],
        settings,
        vars={"run_date": D.isoformat(), "credit_class_model": model},
    )
    got = classes(spark, settings)
    assert got[4][:5] == ("C", "model", None, 70, "C")
    assert got[5][:5] == ("C", "model", None, 60, "C")
    assert got[1][:5] == ("B", "credit_classes", "B", 40, "D")
    assert got[2][:5] == ("C", "entity_registry", "C", 100, "A")
