"""The Great Expectations quality gate on silver (spark_jobs.quality: suites, gate).

Tiny silver tables are written as Delta into a fresh lake, registered by name, and gated. The
failing case also plants personal data (a full phone number where only a masked one belongs) and
proves that no raw value reaches the validation results or Data Docs.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from pyspark.sql import types as T

from spark_jobs.checks.identifiers import _USCC_FORMAT, uscc_with_check
from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.quality.gate import QualityGateFailed, enforce_quality_gate, run_quality_gate
from spark_jobs.quality.suites import build_suite, load_suite_config, suite_file
from tests.synthetic import SCHEMAS

ACTIONS_SCHEMA = T.StructType(
    [
        T.StructField("action_id", T.StringType()),
        T.StructField("action_name", T.StringType()),
        T.StructField("item_code", T.StringType()),
        T.StructField("action_type", T.StringType()),
        T.StructField("action_type_name", T.StringType()),
        T.StructField("entity_uscc", T.StringType()),
        T.StructField("entity_name", T.StringType()),
        T.StructField("division_code", T.StringType()),
        T.StructField("action_date", T.DateType()),
        T.StructField("result_code", T.StringType()),
        T.StructField("department_code", T.StringType()),
        T.StructField("department_name", T.StringType()),
        T.StructField("officer_license_nos", T.ArrayType(T.StringType())),
        T.StructField("content", T.StringType()),
        T.StructField("contact_name", T.StringType()),
        T.StructField("contact_phone", T.StringType()),
        T.StructField("contact_name_masked", T.StringType()),
        T.StructField("contact_phone_masked", T.StringType()),
        T.StructField("contact_phone_token", T.StringType()),
        T.StructField("submitted_date", T.DateType()),
        T.StructField("delivery_date", T.DateType()),
        T.StructField("_source_file", T.StringType()),
        T.StructField("_file_sha256", T.StringType()),
        T.StructField("_row_number", T.LongType()),
        T.StructField("_batch_id", T.StringType()),
        T.StructField("_ingested_at", T.TimestampType()),
    ]
)
ITEMS_SCHEMA = T.StructType(
    [
        T.StructField(name, T.DateType() if name == "delivery_date" else T.StringType())
        for name in (
            "item_code",
            "department_code",
            "department_name",
            "main_item_name",
            "sub_item_name",
            "object_type",
            "object_type_name",
            "item_level",
            "delivery_date",
        )
    ]
)

RAW_PHONE = "13912345678"  # a contact's real number: must never reach Data Docs
PLANTED_PHONE = "13687654321"  # a full number planted in the *masked* column
BAD_ITEM_CODE = "33010-BAD-CODE"  # a distinctive bad value: must not be echoed either
DUP_ACTION_ID = "ACT-DUPLICATE-77"


def action(i: int, **overrides) -> dict:
    row = {
        "action_id": f"ACT-{i:04d}",
        "action_name": "日常检查",
        "item_code": "33000000000001",
        "action_type": "inspection",
        "action_type_name": "行政检查",
        "entity_uscc": uscc_with_check("91330106MA2H00" + f"{i:03d}"),
        "entity_name": "杭州某某有限公司",
        "division_code": "330106",
        "action_date": dt.date(2024, 6, 1),
        "result_code": "01",
        "department_code": "12",
        "department_name": "市场监管局",
        "officer_license_nos": ["ZJ123456", "ZJ654321"],
        "content": None,
        "contact_name": "张三",
        "contact_phone": RAW_PHONE,
        "contact_name_masked": "张*",
        "contact_phone_masked": "139****5678",
        "contact_phone_token": "a" * 64,
        "submitted_date": dt.date(2024, 6, 2),
        "delivery_date": dt.date(2024, 6, 28),
        "_source_file": "landing/x/2024-06-28/a.csv",
        "_file_sha256": "0" * 64,
        "_row_number": i,
        "_batch_id": "batch-1",
        "_ingested_at": dt.datetime(2024, 6, 28, 8, 0),
    }
    row.update(overrides)
    return row


def item(code: str) -> dict:
    return {
        "item_code": code,
        "department_code": "12",
        "department_name": "市场监管局",
        "main_item_name": "对食品生产的检查",
        "sub_item_name": None,
        "object_type": "legal_person",
        "object_type_name": "法人",
        "item_level": "2",
        "delivery_date": dt.date(2024, 6, 28),
    }


def write_silver(spark, lake, table: str, rows: list[dict], schema: T.StructType) -> None:
    df = spark.createDataFrame([tuple(r[f.name] for f in schema.fields) for r in rows], schema)
    df.write.format("delta").mode("overwrite").save(lake.table_path("silver", table))
    register_lake_tables(spark, lake)


def all_files(*roots):
    for root in roots:
        yield from (p for p in root.rglob("*") if p.is_file())


# --- the suite, without Spark -----------------------------------------------------------------
def test_suite_is_derived_from_the_contract_plus_the_json_extras():
    config = load_suite_config("supervision_actions", SCHEMAS)
    kinds = {(c["type"], c["kwargs"].get("column")) for c in config["expectations"]}
    for expected in [
        ("expect_column_values_to_not_be_null", "action_id"),  # required (contract)
        ("expect_column_values_to_not_be_null", "officer_license_nos"),
        ("expect_column_values_to_be_unique", "action_id"),  # natural key (contract)
        ("expect_column_values_to_match_regex", "item_code"),  # pattern (contract)
        ("expect_column_values_to_be_in_set", "action_type"),  # code list (contract)
        ("expect_column_values_to_be_in_set", "result_code"),
        ("expect_column_values_to_match_regex", "entity_uscc"),  # JSON
        ("expect_column_values_to_match_regex", "division_code"),
        ("expect_column_values_to_not_match_regex", "contact_phone_masked"),
        ("expect_table_row_count_to_be_between", None),
    ]:
        assert expected in kinds
    assert ("expect_column_values_to_not_be_null", "content") not in kinds  # optional field
    by_key = {(c["type"], c["kwargs"].get("column")): c["kwargs"] for c in config["expectations"]}
    assert sorted(by_key[("expect_column_values_to_be_in_set", "action_type")]["value_set"]) == [
        "coercion",
        "inspection",
        "mobile",
        "off_site",
        "other",
        "penalty",
        "random_inspection",
    ]
    assert by_key[("expect_column_values_to_be_in_set", "result_code")]["value_set"] == [
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
    ]
    assert by_key[("expect_column_values_to_match_regex", "item_code")]["regex"] == "^[0-9]{14}$"
    # the hand-written USCC format is the one silver's identifier check uses
    assert (
        by_key[("expect_column_values_to_match_regex", "entity_uscc")]["regex"]
        == _USCC_FORMAT.pattern
    )
    assert len(build_suite("supervision_actions", SCHEMAS).expectations) == len(
        config["expectations"]
    )

    items = {
        (c["type"], c["kwargs"].get("column"))
        for c in load_suite_config("supervision_items", SCHEMAS)["expectations"]
    }
    assert {
        ("expect_column_values_to_be_unique", "item_code"),
        ("expect_column_values_to_not_be_null", "item_code"),
        ("expect_column_values_to_be_in_set", "object_type"),
        ("expect_column_values_to_be_in_set", "item_level"),
    } <= items


def test_suite_refuses_value_revealing_expectations_on_personal_columns(tmp_path):
    raw = json.loads(suite_file("supervision_actions").read_text(encoding="utf-8"))
    raw["expectations"].append(
        {
            "type": "expect_column_distinct_values_to_be_in_set",
            "kwargs": {"column": "contact_phone", "value_set": []},
        }
    )
    (tmp_path / "supervision_actions.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="contact_phone"):
        load_suite_config("supervision_actions", SCHEMAS, tmp_path)


# --- the gate, on Spark -----------------------------------------------------------------------
@pytest.mark.slow
def test_clean_silver_passes_and_builds_data_docs(spark, lake):
    write_silver(
        spark, lake, "supervision_actions", [action(i) for i in range(1, 4)], ACTIONS_SCHEMA
    )
    write_silver(spark, lake, "supervision_items", [item("33000000000001")], ITEMS_SCHEMA)

    result = run_quality_gate(spark, lake, "silver.supervision_actions", "supervision_actions")
    assert result.success, result.failures
    assert result.failed == 0 and result.failures == []
    assert result.evaluated == len(build_suite("supervision_actions", SCHEMAS).expectations)
    assert result.docs_index == lake.data_docs_dir / "index.html"
    assert result.docs_index.is_file()
    assert result.validation_page is not None and result.validation_page.is_file()

    # a re-run reuses the stored suite / validation definition / checkpoint
    again = run_quality_gate(spark, lake, "silver.supervision_actions", "supervision_actions")
    assert again.success and again.evaluated == result.evaluated

    items = enforce_quality_gate(spark, lake, "silver.supervision_items", "supervision_items")
    assert items.success and items.evaluated == len(
        build_suite("supervision_items", SCHEMAS).expectations
    )
    # the GE project stays under settings.home, Data Docs in data_docs_dir, nothing in the repo
    assert (lake.home / "gx" / "great_expectations.yml").is_file()
    assert not list((lake.home / "gx").rglob("*.html"))


def test_failing_silver_is_reported_kept_and_not_leaked(spark, lake):
    rows = [
        action(1, action_id=DUP_ACTION_ID),
        action(2, action_id=DUP_ACTION_ID),  # duplicate natural key
        action(3, item_code=BAD_ITEM_CODE),  # not 14 digits
        action(4, contact_phone_masked=PLANTED_PHONE),  # masking broke: a full number
    ]
    write_silver(spark, lake, "supervision_actions", rows, ACTIONS_SCHEMA)

    with pytest.raises(QualityGateFailed) as raised:
        enforce_quality_gate(spark, lake, "silver.supervision_actions", "supervision_actions")
    result = raised.value.result
    failed = {(kind, column) for kind, column, _ in result.failures}
    assert failed == {
        ("expect_column_values_to_be_unique", "action_id"),
        ("expect_column_values_to_match_regex", "item_code"),
        ("expect_column_values_to_not_match_regex", "contact_phone_masked"),
    }
    assert not result.success and result.failed == 3
    assert result.evaluated == len(build_suite("supervision_actions", SCHEMAS).expectations)
    observed = {(k, c): o for k, c, o in result.failures}
    assert observed[("expect_column_values_to_match_regex", "item_code")].startswith("1 of 4 rows")

    message = str(raised.value)
    assert "silver.supervision_actions" in message
    assert "expect_column_values_to_be_unique on action_id" in message
    assert "expect_column_values_to_match_regex on item_code" in message
    assert str(lake.data_docs_dir) in message

    # the gate deletes nothing
    assert spark.table("silver.supervision_actions").count() == len(rows)
    assert spark.read.format("delta").load(
        lake.table_path("silver", "supervision_actions")
    ).count() == len(rows)

    # no raw value in Data Docs nor in the stored validation results
    assert result.docs_index.is_file() and result.validation_page.is_file()
    files = list(all_files(lake.data_docs_dir, lake.home / "gx"))
    assert any(p.suffix == ".html" for p in files) and any(p.suffix == ".json" for p in files)
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for secret in (PLANTED_PHONE, RAW_PHONE, BAD_ITEM_CODE, DUP_ACTION_ID):
            assert secret not in text, f"{secret} leaked into {path}"

    # the pages work offline (no CDN, no remote logo) and name the table
    page = result.validation_page.read_text(encoding="utf-8")
    assert "Data asset: silver.supervision_actions" in " ".join(page.split())
    for html in (p for p in files if p.suffix == ".html"):
        assert not re.search(r'(src|href)\s*=\s*["\']?https?://', html.read_text("utf-8")), html
