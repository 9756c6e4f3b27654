"""Bronze: parsing units and the landing → Delta layer on the sample deliveries."""

from datetime import date

import pytest

from spark_jobs.contracts import get_contract
from spark_jobs.core.storage import LocalStorage, Storage
from spark_jobs.ingest import bronze
from spark_jobs.ingest.landing import stage_landing
from tests.synthetic import DEMO, SCHEMAS

ACTIONS = get_contract("supervision_actions", SCHEMAS)
DAY = date(2024, 6, 28)
HEADER = ",".join(f.header for f in ACTIONS.fields)


def _row(action_id="A1", uscc="91110000600037341L"):
    """One inspection, its values in the contract's column order (an inspection names no
    检查行为编号)."""
    values = {
        "action_id": action_id, "action_name": "名称", "item_code": "31140000000001",
        "action_type": "行政检查", "inspection_action_id": "", "entity_uscc": uscc,
        "entity_name": "某公司", "division_code": "140105", "action_date": "2024-06-01",
        "result_code": "01", "department_code": "31", "department_name": "市场监管局",
        "officer_license_nos": "1431000001;1431000002", "content": "内容",
        "contact_name": "张三", "contact_phone": "13812345678", "submitted_date": "2024-06-02",
    }  # fmt: skip
    return ",".join(values[f.name] for f in ACTIONS.fields)


def test_parse_keeps_values_as_strings_with_leading_zeros():
    data = (HEADER + "\r\n" + _row() + "\r\n").encode("gbk")
    table = bronze.parse_delivery(ACTIONS, data, "f.csv")
    assert table.num_rows == 1
    assert table.column("result_code").to_pylist() == ["01"]
    assert table.column("_row_number").to_pylist() == [1]
    assert table.column("officer_license_nos").to_pylist() == ["1431000001;1431000002"]


def test_parse_follows_headers_not_positions():
    cols = HEADER.split(",")
    values = _row().split(",")
    order = list(reversed(range(len(cols))))
    data = ",".join(cols[i] for i in order) + "\n" + ",".join(values[i] for i in order) + "\n"
    table = bronze.parse_delivery(ACTIONS, data.encode("gbk"), "f.csv")
    assert table.column("action_id").to_pylist() == ["A1"]
    assert table.column("entity_uscc").to_pylist() == ["91110000600037341L"]


def test_short_row_is_kept_with_a_parse_error():
    data = (HEADER + "\n" + _row() + "\n" + "A2,只有两列\n").encode("gbk")
    table = bronze.parse_delivery(ACTIONS, data, "f.csv")
    assert table.num_rows == 2
    assert table.column("_parse_error").to_pylist() == [
        None,
        f"row has 2 fields, header has {len(ACTIONS.fields)}",
    ]
    assert table.column("_row_number").to_pylist() == [1, 2]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "f.csv: empty file"),
        (
            "行为编号,行为名称\nA1,x\n".encode("gbk"),
            "f.csv: header lacks column(s) 监管事项目录编码 (item_code)",
        ),
        (HEADER.encode("gbk") + b"\n\xff\xfe\xfd\n", "f.csv: not valid gb18030 at byte"),
    ],
)
def test_unreadable_files_are_rejected_with_file_and_reason(data, message):
    with pytest.raises(bronze.FileRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
        bronze.parse_delivery(ACTIONS, data, "f.csv")


@pytest.mark.slow
def test_ingest_samples_then_skip_them_on_rerun(spark, lake):
    stage_landing(lake, DEMO / "landing")
    storage = Storage.for_settings(lake)
    # a broken file beside the good ones: recorded, and it takes nothing else down
    storage.write_bytes(f"landing/supervision_actions/{DAY}/zz_broken.csv", b"\xff\xfe garbage")
    # the same content as a good file under another name: recognised as a re-delivery
    first = storage.list(f"landing/supervision_actions/{DAY}")[0]
    storage.write_bytes(
        f"landing/supervision_actions/{DAY}/zz_resent.csv", storage.read_bytes(first)
    )

    results = bronze.ingest(spark, lake, ACTIONS, DAY)
    by_status = {}
    for r in results:
        by_status.setdefault(r.status, []).append(r)
    assert len(by_status["ingested"]) == 4
    assert sum(r.rows for r in by_status["ingested"]) == 296
    assert [r.source_file.rsplit("/", 1)[1] for r in by_status["rejected"]] == ["zz_broken.csv"]
    assert "zz_broken.csv: not valid gb18030" in by_status["rejected"][0].reason
    assert [r.source_file.rsplit("/", 1)[1] for r in by_status["skipped_duplicate"]] == [
        "zz_resent.csv"
    ]

    table = spark.table("bronze.supervision_actions")
    assert table.count() == 296
    assert table.select("_file_sha256").distinct().count() == 4
    history = spark.sql(
        f"DESCRIBE HISTORY delta.`{lake.table_path('bronze', 'supervision_actions')}`"
    )
    assert history.count() == 1  # one commit for the folder's four files (ingest/commit.py)

    again = bronze.ingest(spark, lake, ACTIONS, DAY)
    assert {r.status for r in again} == {"skipped_duplicate", "rejected"}
    assert spark.table("bronze.supervision_actions").count() == 296
    log = spark.table("ops.batch_log").where("stage = 'bronze'")
    assert log.count() == 6  # one row per landing file, never doubled


def test_retried_append_is_a_no_op(spark, lake):
    """A crash after the Delta commit but before ops is written: the retry adds nothing."""
    stage_landing(lake, DEMO / "landing")
    storage = Storage.for_settings(lake)
    key = storage.list(f"landing/supervision_actions/{DAY}")[0].removeprefix("landing/")
    rows = []
    bronze.ingest_file(spark, lake, ACTIONS, storage, key, DAY, {}, rows)
    again = bronze.ingest_file(spark, lake, ACTIONS, storage, key, DAY, {}, rows)  # no ops yet
    assert spark.read.format("delta").load(lake.table_path("bronze", ACTIONS.name)).count() == 78
    assert again.status == "ingested" and "not written twice" in again.reason


def test_a_reader_failure_is_recorded_as_rejected(tmp_path, monkeypatch):
    """Whatever goes wrong while reading a file is recorded against it; nothing is written."""
    storage = LocalStorage(tmp_path)
    storage.write_bytes("landing/supervision_actions/x.csv", b"a,b\n")

    def boom(*_):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(bronze, "read_delivery", boom)
    rows = []
    result = bronze.ingest_file(
        None, None, ACTIONS, storage, "supervision_actions/x.csv", DAY, {}, rows
    )
    assert result.status == "rejected"
    assert result.reason == (
        "supervision_actions/x.csv: cannot be read "
        "(RecursionError: maximum recursion depth exceeded)"
    )
    assert [(r["status"], r["reason"]) for r in rows] == [("rejected", result.reason)]
