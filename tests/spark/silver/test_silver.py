"""Silver: every labelled fault is quarantined exactly, the rest merge latest-wins."""

import csv
import dataclasses
from datetime import date

import pytest

from spark_jobs.contracts import get_contract
from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.core.storage import Storage
from spark_jobs.ingest import bronze
from spark_jobs.ingest.landing import stage_landing
from spark_jobs.silver import build as silver
from tests.synthetic import DEMO, SCHEMAS

pytestmark = pytest.mark.slow  # a whole delivery through Delta: not in the quick tier

DAY = date(2024, 6, 28)
ITEMS, ACTIONS = (
    get_contract("supervision_items", SCHEMAS),
    get_contract("supervision_actions", SCHEMAS),
)


def _load(spark, lake):
    stage_landing(lake, DEMO / "landing")
    for c in (ITEMS, ACTIONS):
        bronze.ingest(spark, lake, c, DAY)
        silver.build(spark, lake, c)


@pytest.fixture(scope="module")
def loaded(spark, base_settings, tmp_path_factory):
    """One loaded lake shared by the read-only tests of this module."""
    lake = dataclasses.replace(base_settings, home=tmp_path_factory.mktemp("silver-lake"))
    _load(spark, lake)
    return lake


def test_faults_are_quarantined_exactly_and_counts_balance(spark, loaded):
    register_lake_tables(spark, loaded)
    with open(DEMO / "ground_truth.csv", encoding="utf-8") as fh:
        expected = {(r["file"], int(r["row_number"]), r["field"]) for r in csv.DictReader(fh)}
    q = spark.table("silver.quarantine").collect()
    assert {(r._source_file, r._row_number, r.field) for r in q} == expected
    reasons = {r.field: r.reason for r in q}
    assert reasons["entity_uscc"].startswith("invalid uscc: check character")
    assert reasons["action_date"] == "not a valid date (yyyy-MM-dd)"
    assert reasons["entity_name"] == "required field is empty"
    assert reasons["item_code"] == "item_code 72140000999999 is not in silver.supervision_items"
    assert reasons["officer_license_nos"] == "needs at least 2 items separated by ';'"
    assert reasons["division_code"] == "invalid division_code: not 6 digits"

    # 240 actions and the 56 inspections their penalties and coercions followed
    assert spark.table("silver.supervision_actions").count() == 296 - len(expected)
    assert spark.table("silver.supervision_items").count() == 23
    for r in spark.table("ops.batch_log").where("stage = 'silver'").collect():
        assert r.rows_read == r.rows_accepted + r.rows_quarantined + r.rows_superseded, r
    totals = spark.sql(
        "SELECT sum(rows_read), sum(rows_accepted), sum(rows_quarantined) "
        "FROM ops.batch_log WHERE stage = 'silver' AND source = 'supervision_actions'"
    ).first()
    assert tuple(totals) == (296, 290, 6)


def test_typed_values_and_masking(spark, loaded):
    register_lake_tables(spark, loaded)
    row = (
        spark.table("silver.supervision_actions").where("action_id = 'XW3120240628000000'").first()
    )
    assert row.action_type == "mobile" and row.action_type_name == "移动监管"
    assert str(row.action_date) == "2024-06-15"
    assert row.officer_license_nos == ["1431875055", "1431554762"]
    assert row.contact_phone_masked == row.contact_phone[:3] + "****" + row.contact_phone[-4:]
    assert row.contact_name_masked[0] == row.contact_name[0] and "*" in row.contact_name_masked
    assert len(row.contact_phone_token) == 64


def test_rerun_redo_and_latest_delivery_wins(spark, lake):
    _load(spark, lake)
    before = spark.table("silver.supervision_actions").count()
    assert silver.build(spark, lake, ACTIONS)["batches"] == 0
    assert spark.table("silver.supervision_actions").count() == before
    assert spark.table("silver.quarantine").count() == 6

    # a later delivery corrects one action's result: same key, new content
    storage = Storage.for_settings(lake)
    src = storage.read_bytes(f"landing/supervision_actions/{DAY}/supervision_actions_31_{DAY}.csv")
    lines = src.decode("gbk").split("\r\n")
    fix = lines[1].split(",")
    fix[lines[0].split(",").index("检查结果")] = "02"
    later = date(2024, 6, 29)
    storage.write_bytes(
        f"landing/supervision_actions/{later}/correction.csv",
        "\r\n".join([lines[0], ",".join(fix), ""]).encode("gbk"),
    )
    bronze.ingest(spark, lake, ACTIONS, later)
    counts = silver.build(spark, lake, ACTIONS)
    assert (counts["accepted"], counts["replaced"]) == (1, 1)  # one key conflict, counted
    row = spark.table("silver.supervision_actions").where(f"action_id = '{fix[0]}'").first()
    assert row.result_code == "02" and str(row.delivery_date) == "2024-06-29"
    assert spark.table("silver.supervision_actions").count() == before

    # a crash after the MERGE but before ops was written: the batches are redone, nothing doubles
    spark.sql("DELETE FROM ops.batch_log WHERE stage = 'silver' AND source = 'supervision_actions'")
    counts = silver.build(spark, lake, ACTIONS)
    assert counts == {
        "batches": 5,
        "read": 297,
        "accepted": 291,
        "quarantined": 6,
        "superseded": 0,
        "warned": 0,
        "released": 0,
        # the redo's 290 keys replace themselves (its MERGE had committed before the crash)
        "replaced": 290,
    }
    assert spark.table("silver.quarantine").count() == 6
    assert spark.table("silver.supervision_actions").count() == before
    row = spark.table("silver.supervision_actions").where(f"action_id = '{fix[0]}'").first()
    assert row.result_code == "02"  # the redo kept the later delivery


def test_a_corrected_file_redelivered_under_the_same_name_reaches_silver(spark, lake):
    """Same path, new content: a new bronze batch of a file silver has done. It is built again
    (the correction wins), and its quarantine rows replace the first version's, not add to them."""
    _load(spark, lake)
    name = f"landing/supervision_actions/{DAY}/supervision_actions_31_{DAY}.csv"
    storage = Storage.for_settings(lake)
    lines = storage.read_bytes(name).decode("gbk").split("\r\n")
    fix = lines[1].split(",")
    result = lines[0].split(",").index("检查结果")
    fix[result] = "02" if fix[result] != "02" else "03"  # 检查结果 corrected
    storage.write_bytes(name, "\r\n".join([lines[0], ",".join(fix), *lines[2:]]).encode("gbk"))
    bronze.ingest(spark, lake, ACTIONS, DAY)  # a new batch of the same file
    counts = silver.build(spark, lake, ACTIONS)
    assert counts["batches"] == 1
    assert counts["read"] == len([line for line in lines[1:] if line])
    register_lake_tables(spark, lake)
    row = spark.table("silver.supervision_actions").where(f"action_id = '{fix[0]}'").first()
    assert row.result_code == fix[result]
    assert spark.table("silver.quarantine").count() == 6  # replaced, not doubled
    ops_rows = spark.table("ops.batch_log").where(f"source_file LIKE '%{name.rsplit('/', 1)[1]}'")
    batch = {r.stage: r.batch_id for r in ops_rows.collect()}
    assert batch["silver"] == batch["bronze"]  # silver did the new batch
    assert silver.build(spark, lake, ACTIONS)["batches"] == 0  # and only once


def test_references_are_read_from_this_lake_not_from_a_name_another_lake_left(
    spark, loaded, tmp_path
):
    """The demo lake has the catalog and the actions but no officers: a
    `silver.enforcement_officers` name left in the session by another lake (as a test module
    before this one did) must not stand in for the officers the actions reference."""
    spark.sql("CREATE DATABASE IF NOT EXISTS silver")
    other = str(tmp_path / "other-officers")
    spark.createDataFrame([("X",)], "license_no string").write.format("delta").save(other)
    spark.sql(
        f"CREATE TABLE IF NOT EXISTS silver.enforcement_officers USING DELTA LOCATION '{other}'"
    )
    try:
        tables = silver.reference_tables(spark, loaded, ACTIONS)
    finally:
        spark.sql("DROP TABLE IF EXISTS silver.enforcement_officers")
    assert sorted(tables) == ["supervision_actions", "supervision_items"]
    assert (
        tables["supervision_items"].count()
        == spark.read.format("delta").load(loaded.table_path("silver", "supervision_items")).count()
    )
