"""Bad inputs beyond the contracts' fault classes (issue 12): one landing folder holds a good
delivery and every kind of hostile or broken file. Each bad file is recorded with a reason
naming it, a bad value costs only its row, and the good files land in full."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from spark_jobs.contracts import get_contract
from spark_jobs.core.delta import latest_version
from spark_jobs.core.storage import Storage
from spark_jobs.ingest import bronze
from spark_jobs.ingest.readers.common import MAX_FIELD_CHARS
from tests.synthetic import DEMO, SCHEMAS

ACTIONS = get_contract("supervision_actions", SCHEMAS)
DAY = date(2024, 6, 28)
FOLDER = f"supervision_actions/{DAY}"
# about 30 s (seven files, five Delta commits): left out of the quick tier, run in CI
pytestmark = pytest.mark.slow

GOOD = DEMO / "landing" / FOLDER / "supervision_actions_31_2024-06-28.csv"


def _landing(lake, tmp_path) -> None:
    """The bad files beside the good one."""
    storage = Storage.for_settings(lake)
    good = GOOD.read_bytes()
    header, first, second, *_ = good.decode("gb18030").splitlines()
    columns = header.split(",")

    def put(name: str, data: bytes) -> None:
        storage.write_bytes(f"landing/{FOLDER}/{name}", data)

    put("good.csv", good)
    # same rows as good.csv but new content each (not a re-delivery), under refused names
    put("with space.csv", (header + "\n" + first + "\n\n").encode("gb18030"))
    put("a..b.csv", (header + "\n" + first + "\n\n\n").encode("gb18030"))
    put("binary.csv", bytes(range(256)) * 40)
    # a 10 MB value in row 1 and a NUL character in row 2; row 3 is clean
    fields = first.split(",")
    fields[columns.index("行为名称")] = "长" * (10 * 1024 * 1024)
    nul = second.split(",")
    at = columns.index("监管对象名称")
    nul[at] = nul[at][:2] + "\x00" + nul[at][2:]
    put("values.csv", "\n".join([header, ",".join(fields), ",".join(nul), first]).encode("gb18030"))
    put("dup_header.csv", f"{header},行为编号\n{first},X9\n".encode("gb18030"))
    # a symbolic link to a file outside the landing zone: its content must never be read
    secret = tmp_path / "outside.csv"
    secret.write_bytes(good.replace(b"A", b"Z"))
    os.symlink(secret, Path(lake.storage_root) / "landing" / FOLDER / "link.csv")


def test_each_bad_file_is_named_with_its_reason_and_the_rest_lands(spark, lake, tmp_path):
    _landing(lake, tmp_path)
    results = {
        r.source_file.rsplit("/", 1)[-1]: r for r in bronze.ingest(spark, lake, ACTIONS, DAY)
    }

    assert {n: r.status for n, r in results.items()} == {
        "good.csv": "ingested",
        "values.csv": "ingested",
        "with space.csv": "rejected",
        "a..b.csv": "rejected",
        "binary.csv": "rejected",
        "dup_header.csv": "rejected",
        "link.csv": "rejected",
    }
    reasons = {n: r.reason for n, r in results.items() if r.status == "rejected"}
    assert reasons["with space.csv"] == (
        f"'{FOLDER}/with space.csv': file name refused: it contains whitespace; deliver it "
        "again under a name without whitespace, control characters, backslashes or '..'"
    )
    assert reasons["a..b.csv"].startswith(
        f"'{FOLDER}/a..b.csv': file name refused: it contains '..'"
    )
    assert reasons["binary.csv"] == (
        f"{FOLDER}/binary.csv: not valid gb18030 at byte 128 (bytes b'\\x80\\x81\\x82\\x83'): "
        "the bytes are neither UTF-8 nor GBK (GB18030): another encoding, or not text, but the "
        "contract promises GBK (GB18030)"
    )
    assert reasons["dup_header.csv"] == (
        f"{FOLDER}/dup_header.csv: header has column 行为编号 (action_id) 2 times (columns 1, 18): "
        "which one holds the values is unknown"
    )
    assert reasons["link.csv"] == (
        f"{FOLDER}/link.csv: refused: {FOLDER}/link.csv is a symbolic link: only regular "
        "files are read"
    )

    bronze_rows = spark.table("bronze.supervision_actions")
    assert bronze_rows.where(f"_source_file = '{FOLDER}/good.csv'").count() == 75
    assert bronze_rows.where("action_id LIKE 'Z%'").count() == 0  # the link's target
    values = {
        r._row_number: r
        for r in bronze_rows.where(f"_source_file = '{FOLDER}/values.csv'").collect()
    }
    assert sorted(values) == [1, 2, 3]
    assert values[1].action_name is None and values[1]._parse_error == (
        f"field 行为名称 (action_name) is {10 * 1024 * 1024} characters long, over "
        f"{MAX_FIELD_CHARS}: not kept"
    )
    assert values[2]._parse_error == "field 监管对象名称 (entity_name) holds a NUL character at position 3"  # fmt: skip
    assert values[3]._parse_error is None and values[3].action_id == values[1].action_id

    log = {
        r.source_file.rsplit("/", 1)[-1]: r
        for r in spark.table("ops.batch_log").where("stage = 'bronze'").collect()
    }
    assert set(log) == set(results)  # every file has its row: nothing silently skipped
    assert log["link.csv"].file_sha256 is None and log["link.csv"].reason == reasons["link.csv"]
    assert log["values.csv"].rows_read == 3

    # a re-run finds every refused file as it was: the same outcomes, and no ops version added
    ops_path = lake.table_path("ops", "batch_log")
    version = latest_version(spark, ops_path)
    again = bronze.ingest(spark, lake, ACTIONS, DAY)
    assert {r.source_file.rsplit("/", 1)[-1]: r.status for r in again} == {
        "good.csv": "skipped_duplicate",
        "values.csv": "skipped_duplicate",
        **dict.fromkeys(reasons, "rejected"),
    }
    assert latest_version(spark, ops_path) == version
