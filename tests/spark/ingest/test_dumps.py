"""Bronze ingestion of paged JSON dumps: one commit per complete dump, an incomplete dump held
`waiting` while the other files land, a dump delivered in parts over two days landing once, a
retried append is a no-op."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from spark_jobs.core.storage import Storage
from spark_jobs.ingest import bronze, commit, dumps
from spark_jobs.ingest.task import summarize
from tests.unit.ingest.helpers import PAGES_YAML, contract_from, dump_files

DAY = date(2024, 6, 28)
WAITING = dumps.WAITING


def test_ingest_paged_dumps_one_commit_each_incomplete_waiting(spark, lake, tmp_path):
    contract = contract_from(tmp_path, PAGES_YAML, "credit_penalties")
    storage = Storage.for_settings(lake)
    folder = f"landing/credit_penalties/{DAY}"

    def land(files, dump_from=None, dump_to=None):
        for name, data in files:
            name = name.rsplit("/", 1)[1]
            if dump_from:
                name = name.replace(dump_from, dump_to)
            storage.write_bytes(f"{folder}/{name}", data)

    complete = dump_files("penalties_a", total=3, size=2)
    incomplete = dump_files("penalties_b", total=5, size=2, skip={2})  # page 2 of 3 missing
    land(complete)
    land(incomplete)
    land(complete, "penalties_a", "penalties_c")  # the same dump delivered again, other name
    storage.write_bytes(f"{folder}/readme.txt", b"notes")

    results = bronze.ingest(spark, lake, contract, DAY)
    got = {r.source_file.rsplit("/", 1)[1]: r for r in results}
    assert {k: (r.status, r.rows) for k, r in got.items()} == {
        "penalties_a_p0001.json": ("ingested", 2),
        "penalties_a_p0002.json": ("ingested", 1),
        "penalties_b_p0001.json": ("waiting", 0),
        "penalties_b_p0003.json": ("waiting", 0),
        "penalties_c_p0001.json": ("skipped_duplicate", 0),
        "penalties_c_p0002.json": ("skipped_duplicate", 0),
        "readme.txt": ("rejected", 0),
    }
    assert got["penalties_b_p0001.json"].reason == f"penalties_b: missing page 2 of 3; {WAITING}"
    assert got["penalties_c_p0002.json"].reason.endswith(
        f"already ingested from credit_penalties/{DAY}/penalties_a_p0002.json"
    )
    assert "readme.txt: not a page file" in got["readme.txt"].reason
    assert got["penalties_a_p0001.json"].batch_id == got["penalties_a_p0002.json"].batch_id

    path = lake.table_path("bronze", "credit_penalties")
    bronze_rows = spark.table("bronze.credit_penalties").orderBy("_row_number").collect()
    assert [
        (r.penalty_id, r._row_number, r._source_file.rsplit("/", 1)[1]) for r in bronze_rows
    ] == [
        ("CP001", 1, "penalties_a_p0001.json"),
        ("CP002", 2, "penalties_a_p0001.json"),
        ("CP003", 3, "penalties_a_p0002.json"),
    ]
    assert {r._batch_id for r in bronze_rows} == {got["penalties_a_p0001.json"].batch_id}
    assert spark.sql(f"DESCRIBE HISTORY delta.`{path}`").count() == 1  # one commit for the folder

    ops_rows = {
        r.source_file.rsplit("/", 1)[1]: r
        for r in spark.table("ops.batch_log").where("stage = 'bronze'").collect()
    }
    assert len(ops_rows) == 7  # one row per page file
    assert ops_rows["penalties_b_p0003.json"].status == "waiting"
    assert (
        ops_rows["penalties_b_p0003.json"].reason == f"penalties_b: missing page 2 of 3; {WAITING}"
    )
    assert ops_rows["penalties_a_p0002.json"].rows_read == 1

    # the dump read again and committed again (ops never written): the commit finds its pages
    keys = [f"credit_penalties/{DAY}/penalties_a_p000{n}.json" for n in (1, 2)]
    read: list = []
    dumps.ingest_dump(spark, lake, contract, storage, "penalties_a", keys, DAY, {}, [], read)
    assert commit.commit_files(spark, lake, contract, DAY, read) == {read[0].sha}
    assert spark.sql(f"DESCRIBE HISTORY delta.`{path}`").count() == 1

    # the missing page arrives: the dump lands whole in one more commit, the rest is skipped
    land([f for f in dump_files("penalties_b", total=5, size=2) if "_p0002" in f[0]])
    again = {
        r.source_file.rsplit("/", 1)[1]: r.status for r in bronze.ingest(spark, lake, contract, DAY)
    }
    assert again == {
        "penalties_a_p0001.json": "skipped_duplicate",
        "penalties_a_p0002.json": "skipped_duplicate",
        "penalties_b_p0001.json": "ingested",
        "penalties_b_p0002.json": "ingested",
        "penalties_b_p0003.json": "ingested",
        "penalties_c_p0001.json": "skipped_duplicate",
        "penalties_c_p0002.json": "skipped_duplicate",
        "readme.txt": "rejected",
    }
    assert spark.sql(f"DESCRIBE HISTORY delta.`{path}`").count() == 2
    b_rows = (
        spark.table("bronze.credit_penalties")
        .where("_source_file LIKE '%penalties_b%'")
        .orderBy("_row_number")
        .collect()
    )
    assert [(r.penalty_id, r._row_number) for r in b_rows] == [
        (f"CP{i:03d}", i) for i in range(1, 6)
    ]
    log_rows = spark.table("ops.batch_log").where("stage = 'bronze'")
    assert log_rows.count() == 8
    assert log_rows.where("status = 'ingested'").count() == 5


def test_a_dump_in_two_parts_over_two_days_lands_once_on_the_second(spark, lake, tmp_path):
    """The credit platform sends pages 1-2 on day 1 and page 3 on day 2 (same dump name): day 1
    holds them `waiting` (the task is not red), day 2 lands the dump whole, once; re-running
    either day changes nothing; a page sent again on day 2 replaces its waiting copy."""
    contract = contract_from(tmp_path, PAGES_YAML, "credit_penalties")
    storage = Storage.for_settings(lake)
    day2 = date(2024, 6, 29)
    pages = dump_files("split", total=5, size=2)  # 3 pages
    resent = dump_files("twice", total=3, size=2)  # 2 pages: p1 on day 1, p1 again + p2 day 2
    for (name, data), day in zip(pages, (DAY, DAY, day2), strict=True):
        storage.write_bytes(f"landing/credit_penalties/{day}/{name.rsplit('/', 1)[1]}", data)
    for (name, data), day in zip(resent + resent[:1], (DAY, day2, day2), strict=True):
        storage.write_bytes(f"landing/credit_penalties/{day}/{name.rsplit('/', 1)[1]}", data)

    first = bronze.ingest(spark, lake, contract, DAY)
    assert {r.source_file.rsplit("/", 1)[1]: r.status for r in first} == {
        "split_p0001.json": "waiting",
        "split_p0002.json": "waiting",
        "twice_p0001.json": "waiting",
    }
    assert first[0].reason == f"split: missing page 3 of 3; {WAITING}"
    summary = summarize(contract, DAY, first)
    assert (summary["outcome"], summary["counts"]["waiting"]) == ("nothing_new", 3)
    path = lake.table_path("bronze", "credit_penalties")
    assert not (Path(path) / "_delta_log").exists()  # nothing written yet

    second = bronze.ingest(spark, lake, contract, day2)
    assert sorted((r.source_file, r.status, r.rows) for r in second) == [
        (f"credit_penalties/{DAY}/split_p0001.json", "ingested", 2),
        (f"credit_penalties/{DAY}/split_p0002.json", "ingested", 2),
        (f"credit_penalties/{DAY}/twice_p0001.json", "skipped_duplicate", 0),
        (f"credit_penalties/{day2}/split_p0003.json", "ingested", 1),
        (f"credit_penalties/{day2}/twice_p0001.json", "ingested", 2),
        (f"credit_penalties/{day2}/twice_p0002.json", "ingested", 1),
    ]
    assert summarize(contract, day2, second)["rows_ingested"] == 8
    rows = spark.table("bronze.credit_penalties").where("_source_file LIKE '%split%'")
    assert [
        (r.penalty_id, r._row_number, str(r._delivery_date))
        for r in rows.orderBy("_row_number").collect()
    ] == [(f"CP{i:03d}", i, str(day2)) for i in range(1, 6)]
    assert rows.select("_batch_id").distinct().count() == 1  # one batch, one commit
    # the folder's two dumps (split, twice): one commit
    assert spark.sql(f"DESCRIBE HISTORY delta.`{path}`").count() == 1
    log = {
        r.source_file: (r.status, r.rows_read, str(r.delivery_date))
        for r in spark.table("ops.batch_log").where("stage = 'bronze'").collect()
    }
    assert log[f"credit_penalties/{DAY}/split_p0001.json"] == ("ingested", 2, str(day2))
    assert log[f"credit_penalties/{DAY}/twice_p0001.json"][0] == "skipped_duplicate"
    assert "waiting" not in {status for status, _, _ in log.values()}

    for day in (DAY, day2):  # re-runs, in either order: nothing new, no commit
        again = bronze.ingest(spark, lake, contract, day)
        assert {r.status for r in again} == {"skipped_duplicate"}, day
    assert spark.sql(f"DESCRIBE HISTORY delta.`{path}`").count() == 1
    assert spark.table("bronze.credit_penalties").count() == 8
