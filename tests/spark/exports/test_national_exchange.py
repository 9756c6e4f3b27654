"""The national exchange on a small gold lake: a first full batch, an incremental batch with
exactly the rows that changed (one `u`, one `i`, one `d`), byte-identical re-runs of earlier
days, a full rebuild that sends nothing, a rejected batch whose changes go again, and the
feedback loop from a failed national check to the record's resubmission.

Gold tables are written here as dbt writes them (Delta, change data feed on), with the columns
the data sets read; the expected records are written out by hand from datasets.yaml.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pandas as pd
import pytest
from delta.tables import DeltaTable
from pyspark.sql import functions as F

from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.core.delta import latest_version
from spark_jobs.core.storage import Storage
from spark_jobs.exports import __main__ as cli
from spark_jobs.exports import feedback, ledger, national
from spark_jobs.exports.datasets import Dataset, PersonalDataInExport, check_no_personal_data

# days of MERGEs and batches read from the change feed: not in the quick tier
pytestmark = pytest.mark.slow

D1, D2, D3, D4 = (dt.date(2025, 3, d) for d in (1, 2, 3, 4))
ACTIONS = (
    "action_id string, action_name string, item_code string, action_type string, "
    "entity_uscc string, entity_name string, division_code string, action_date date, "
    "result_code string, department_code string, department_name string, "
    "officer_license_nos array<string>, submitted_date date, contact_name_masked string, "
    "_source_file string, _row_number bigint, _batch_id string, _silver_at timestamp"
)
USCC = "91350100M000100Y43"


def action(action_id, name="日常检查", row=1, silver_at=dt.datetime(2025, 3, 1, 9)):
    return (
        action_id, name, "31140000000101", "inspection", USCC, "甲公司", "140105",
        dt.date(2025, 2, 27), "01", "31", "市场监管局", ["L1", "L2"], dt.date(2025, 2, 28),
        "张*", "landing/supervision_actions/2025-03-01/a.csv", row, "b1", silver_at,
    )  # fmt: skip


@pytest.fixture
def gold(spark, lake):
    def save(name, rows, ddl, mode="overwrite"):
        path = lake.table_path("gold", name)
        (
            spark.createDataFrame(rows, ddl)
            .write.format("delta")
            .mode(mode)
            .option("delta.enableChangeDataFeed", "true")
            .save(path)
        )
        return path

    save("inspections", [action("I1", row=1), action("I2", row=2), action("I3", row=3)], ACTIONS)
    save(
        "inspection_checklists",
        [("31140000000101", "31", "11140000MB0000000X2")],
        "item_code string, item_department_code string, checklist_code string",
    )
    register_lake_tables(spark, lake)
    return save


def batch_files(lake, day, batch_no):
    return {
        p.relative_to(lake.home).as_posix(): p.read_bytes()
        for p in (lake.home / "storage" / "exports" / "national" / str(day) / batch_no).rglob("*")
        if p.is_file()
    }


def lines(lake, day, batch_no, dataset="inspection_action"):
    path = (
        lake.home / "storage" / "exports" / "national" / str(day) / batch_no / dataset
        / "part-00000.jsonl"
    )  # fmt: skip
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_first_batch_is_every_record_in_national_field_names(spark, lake, gold):
    manifest = national.export(spark, lake, D1)
    assert manifest["batch_no"] == "2025030100001"
    assert manifest["datasets"]["inspection_action"]["inserts"] == 3
    assert manifest["datasets"]["inspection_action"]["from_version"] is None
    records = lines(lake, D1, "2025030100001")
    assert [r["cd_id"] for r in records] == ["I1", "I2", "I3"]
    first = records[0]
    assert list(first)[:5] == ["cd_id", "cd_operation", "cd_batch", "cd_time", "cd_source"]
    assert first["cd_operation"] == "i" and first["cd_batch"] == "2025030100001"
    assert first["cd_source"] == "14000031"  # province 140000 + department 31
    assert first["检查行为编号"] == "I1" and first["监管事项目录编码"] == "31140000000101"
    assert first["监管事项检查实施清单编码"] == "11140000MB0000000X2"
    assert first["行政相对人编码"] == USCC and first["行政相对人证件类型"] == "001"
    assert first["检查时间"] == "2025-02-27" and first["报送时间"] == "2025-02-28"
    assert first["执法证号"] == "L1,L2" and first["检查类别"] == "01"
    assert "contact_name_masked" not in first and "张*" not in json.dumps(records)
    # A reader that is not ours sees the same: pandas reads the lines with the national names.
    path = lake.home / "storage/exports/national/2025-03-01/2025030100001/inspection_action"
    frame = pd.read_json(path / "part-00000.jsonl", lines=True, dtype=False)
    assert frame["检查行为编号"].tolist() == ["I1", "I2", "I3"]
    manifest_file = json.loads((path.parent / "manifest.json").read_text("utf-8"))
    assert manifest_file["datasets"]["inspection_action"]["files"][0]["rows"] == 3


def test_next_batch_carries_exactly_the_changes(spark, lake, gold):
    national.export(spark, lake, D1)
    before = batch_files(lake, D1, "2025030100001")
    path = lake.table_path("gold", "inspections")
    # Day 2, as dbt's incremental MERGE does: I2 renamed (a real change), I3 rewritten with the
    # same national fields (only _silver_at moves), I4 new, I1 deleted.
    updates = spark.createDataFrame(
        [
            action("I2", name="日常检查（更正）", row=7, silver_at=dt.datetime(2025, 3, 2, 9)),
            action("I3", row=3, silver_at=dt.datetime(2025, 3, 2, 9)),
            action("I4", row=8, silver_at=dt.datetime(2025, 3, 2, 9)),
        ],
        ACTIONS,
    )
    t = DeltaTable.forPath(spark, path)
    t.alias("t").merge(updates.alias("s"), "t.action_id = s.action_id").whenMatchedUpdateAll()\
        .whenNotMatchedInsertAll().execute()  # fmt: skip
    t.delete(F.col("action_id") == "I1")

    manifest = national.export(spark, lake, D2)
    assert manifest["batch_no"] == "2025030200001"
    got = {r["cd_id"]: r for r in lines(lake, D2, "2025030200001")}
    assert {k: r["cd_operation"] for k, r in got.items()} == {"I1": "d", "I2": "u", "I4": "i"}
    assert got["I2"]["检查行为名称"] == "日常检查（更正）"
    ds = manifest["datasets"]["inspection_action"]
    assert (ds["inserts"], ds["updates"], ds["deletes"]) == (1, 1, 1)
    assert ds["from_version"] == 0 and ds["to_version"] == 2

    # Re-running day 1 after day 2 gives day 1's bytes; re-running day 2 gives day 2's.
    day2 = batch_files(lake, D2, "2025030200001")
    assert national.export(spark, lake, D1)["batch_no"] == "2025030100001"
    assert batch_files(lake, D1, "2025030100001") == before
    national.export(spark, lake, D2)
    assert batch_files(lake, D2, "2025030200001") == day2

    # The ledger: one row per record sent, with its landing file and row.
    trail = ledger.records(spark, lake).where("cd_id = 'I2'").orderBy("batch_no").collect()
    assert [(r.batch_no, r.cd_operation, r._row_number) for r in trail] == [
        ("2025030100001", "i", 2),
        ("2025030200001", "u", 7),
    ]
    assert trail[0]._source_file.endswith("a.csv")
    lines_of_trail = cli.trail(spark, lake, "I2")
    assert lines_of_trail[0].startswith("2025030100001 inspection_action i at ")
    assert lines_of_trail[1].startswith("2025030200001 inspection_action u at ")
    assert lines_of_trail[1].endswith("2025-03-01/a.csv row 7 (bronze batch b1)")
    assert cli.trail(spark, lake, "NOPE") == ["record NOPE was never sent"]

    # What the national system received on day 2, checked against the files.
    told = cli.received(spark, lake, D2)
    assert told[0] == "batch 2025030200001 (sent), 3 records"
    assert "i=1 u=1 d=1" in told[1] and "v1..v2" in told[1]
    assert told[2] == "    inspection_action/part-00000.jsonl: 3 rows, sha256 ok"
    assert told[-1] == "feedback on these batches: 0 failed checks"


def test_full_rebuild_sends_nothing_and_a_rejected_batch_is_sent_again(spark, lake, gold):
    national.export(spark, lake, D1)
    # dbt rebuilding a `table` mart with the same rows: every row deleted and inserted again.
    gold("inspections", [action("I1", row=1), action("I2", row=2), action("I3", row=3)], ACTIONS)
    m2 = national.export(spark, lake, D2)
    assert m2["row_count"] == 0 and m2["datasets"]["inspection_action"]["files"] == []

    gold("inspections", [action("I1", name="改", row=1), action("I2", row=2), action("I3", row=3)],
         ACTIONS)  # fmt: skip
    m3 = national.export(spark, lake, D3)
    assert [r["cd_operation"] for r in lines(lake, D3, m3["batch_no"])] == ["u"]
    with pytest.raises(ValueError, match="not the newest"):
        ledger.set_status(spark, lake, m2["batch_no"], "rejected")
    ledger.set_status(spark, lake, m3["batch_no"], "rejected", "upload failed")
    # Day 3's batch did not arrive: day 4 sends its change again, under day 4's batch number.
    m4 = national.export(spark, lake, D4)
    assert m4["batch_no"] == "2025030400001"
    assert [(r["cd_id"], r["cd_operation"]) for r in lines(lake, D4, m4["batch_no"])] == [
        ("I1", "u")
    ]
    # A day before the newest batch has nothing left to send.
    assert national.export(spark, lake, dt.date(2025, 2, 28))["batch_no"] is None
    # The day's second submission gets sequence 00002.
    assert national.export(spark, lake, D4, new_batch=True)["batch_no"] == "2025030400002"


def test_feedback_from_the_national_check_to_the_resubmission(spark, lake, gold):
    national.export(spark, lake, D1)
    fb_path = lake.table_path("silver", "national_feedback")
    spark.createDataFrame(
        [("I2", "inspection_action", "2025030100001", "06", "行政相对人编码", "E02",
          "[行政相对人编码]:[91350100M000100Y4A] 验证不通过", dt.date(2025, 3, 2)),
         ("I9", "inspection_action", "2025030100001", "09", "检查行为编号", "E09",
          "[检查行为编号]:[I9] 关联数据不存在", dt.date(2025, 3, 2))],
        "record_id string, dataset string, batch_no string, check_category string, "
        "field_name string, reason_code string, message string, feedback_date date",
    ).write.format("delta").save(fb_path)  # fmt: skip
    counts = feedback.build_fix_queue(spark, lake)
    assert counts["open"] == 2 and counts["resubmitted"] == 0
    assert counts["by_department"] == {"31": {"open": 1}, "unknown": {"open": 1}}
    queue = {r.record_id: r for r in spark.table("exchange.national_fix_queue").collect()}
    assert queue["I2"].sent_in_batch is True and queue["I9"].sent_in_batch is False
    queue_path = lake.table_path("exchange", "national_fix_queue")
    version = latest_version(spark, queue_path)
    assert feedback.build_fix_queue(spark, lake) == counts  # a re-run with nothing new ...
    assert latest_version(spark, queue_path) == version  # ... adds no version

    # The department re-delivers I2 corrected; gold changes; the next batch sends it as `u`.
    gold("inspections", [action("I1", row=1), action("I2", name="更正", row=4), action("I3", row=3)],
         ACTIONS)  # fmt: skip
    m2 = national.export(spark, lake, D2)
    assert [(r["cd_id"], r["cd_operation"]) for r in lines(lake, D2, m2["batch_no"])] == [
        ("I2", "u")
    ]
    counts = feedback.build_fix_queue(spark, lake)
    assert counts["open"] == 1 and counts["resubmitted"] == 1
    assert cli.fix_queue(spark, lake, "31") == [
        "31 resubmitted inspection_action I2 (batch 2025030100001) "
        "[行政相对人编码]:[91350100M000100Y4A] 验证不通过 -> u in 2025030200001"
    ]
    i2 = spark.table("exchange.national_fix_queue").where("record_id = 'I2'").first()
    assert (i2.status, i2.resubmitted_batch, i2.resubmitted_operation) == (
        "resubmitted", "2025030200001", "u",
    )  # fmt: skip


def test_a_data_set_reading_personal_data_is_refused(lake):
    bad = Dataset(
        name="inspection_action", title="行政检查行为", table="gold.inspections",
        key="r.action_id", department=None, fields={"联系人": "r.contact_name"},
    )  # fmt: skip
    with pytest.raises(PersonalDataInExport, match=r"\['contact_name'\]"):
        check_no_personal_data(bad, lake)
    ok = dataclasses.replace(bad, fields={"联系人": "r.contact_name_masked"})
    check_no_personal_data(ok, lake)


ODD_VALUES = [
    "甲公司（分公司）",
    'quote " and backslash \\ and slash /',
    "tab\tnew\nline\rcarriage\bback\fform",
    "controls \x00 \x01 \x1f \x7f end",
    "a literal \\u001F stays text",
    "line sep \u2028 para \u2029 emoji 😀 and 𠀀",
    "",
    None,
]


def test_export_lines_are_what_json_dumps_writes(spark, lake, monkeypatch):
    """Spark writes the export's lines; every byte must be what Python's json module writes
    for the same record (the national side and our own rerun checks compare bytes), in cd_id
    order across Spark's ranges and the files they are cut into; Spark's text files are gone
    afterwards."""
    monkeypatch.setattr(national, "ROWS_PER_FILE", 3)  # 8 records: three ranges, three files
    rows = [(f"R{i:02d}", "i", 7, value, value) for i, value in enumerate(ODD_VALUES)]
    df = spark.createDataFrame(
        rows[::-1], "cd_id string, cd_operation string, cd_batch int, `字段` string, other string"
    )
    files: dict[str, bytes] = {}
    written = national._write_lines(lake, df, "ds", files, {"i": len(rows)})
    expected = [
        json.dumps(
            {"cd_id": i, "cd_operation": op, "cd_batch": b, "字段": v, "other": o},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n"
        for i, op, b, v, o in rows
    ]
    assert sorted(files) == ["ds/part-00000.jsonl", "ds/part-00001.jsonl", "ds/part-00002.jsonl"]
    for n, name in enumerate(sorted(files)):
        assert files[name] == "".join(expected[3 * n : 3 * n + 3]).encode("utf-8"), name
    assert [w["rows"] for w in written] == [3, 3, 2]
    assert Storage.for_settings(lake).list(national.LINES_SCRATCH) == []
    assert national._write_lines(lake, df.limit(0), "ds", {}, {}) == []


def test_python_escapes_lowers_only_real_escapes():
    assert national.python_escapes('"a\\u001Fb"') == '"a\\u001fb"'
    assert national.python_escapes('"a\\\\u001Fb"') == '"a\\\\u001Fb"'  # an escaped backslash
    assert national.python_escapes('"a\\\\\\u001Fb"') == '"a\\\\\\u001fb"'
    assert national.python_escapes('"plain"') == '"plain"'
