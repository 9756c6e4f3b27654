"""One bronze commit per delivery folder, exactly once (`spark_jobs/ingest/commit.py`): a crash
before the ops rows, another writer committing the same day in between, and files committed
one by one by the earlier code."""

from datetime import date

import pytest

from spark_jobs.contracts import get_contract
from spark_jobs.core.storage import Storage
from spark_jobs.ingest import bronze, commit
from spark_jobs.ingest.landing import stage_landing
from tests.synthetic import DEMO, SCHEMAS

pytestmark = pytest.mark.slow

ACTIONS = get_contract("supervision_actions", SCHEMAS)
DAY = date(2024, 6, 28)


def _pending(lake, keys):
    storage = Storage.for_settings(lake)
    return [bronze.read_file(ACTIONS, storage, k, DAY, {}, []) for k in keys]


def _keys(lake):
    storage = Storage.for_settings(lake)
    return [k.removeprefix("landing/") for k in storage.list(f"landing/supervision_actions/{DAY}")]


def _bronze(spark, lake):
    return spark.read.format("delta").load(lake.table_path("bronze", ACTIONS.name))


def _commits(spark, lake) -> int:
    path = lake.table_path("bronze", ACTIONS.name)
    return spark.sql(f"DESCRIBE HISTORY delta.`{path}`").count()


def test_a_rerun_after_a_crash_before_the_ops_rows_writes_only_the_new_file(spark, lake):
    """The folder's first three files committed, the run killed before ops knew: the rerun
    (with a fourth file landed meanwhile) writes the fourth alone, in one more commit."""
    stage_landing(lake, DEMO / "landing")
    keys = _keys(lake)
    assert len(keys) == 4
    commit.commit_files(spark, lake, ACTIONS, DAY, _pending(lake, keys[:3]))
    first = _bronze(spark, lake).count()

    results = bronze.ingest(spark, lake, ACTIONS, DAY)

    assert [r.status for r in results] == ["ingested"] * 4
    assert [r.reason is not None and "not written twice" in r.reason for r in results] == [
        True,
        True,
        True,
        False,
    ]
    table = _bronze(spark, lake)
    assert table.count() == first + results[3].rows == 296
    assert table.select("_file_sha256", "_row_number").distinct().count() == 296
    assert _commits(spark, lake) == 2


def test_another_writer_committing_the_day_first_stops_the_write_and_it_looks_again(
    spark, lake, monkeypatch
):
    """Between this writer's look at bronze and its write, another process commits two of the
    four files under the same day's transaction id: Delta skips this writer's write (its
    txnVersion is taken), it looks again and writes the other two. Without the transaction
    id those two files would be in bronze twice."""
    stage_landing(lake, DEMO / "landing")
    keys = _keys(lake)
    empty = _pending(lake, keys[:1])[0].table.slice(0, 0)  # the table exists, without rows
    spark.createDataFrame(empty).write.format("delta").save(lake.table_path("bronze", ACTIONS.name))
    real = commit.in_bronze
    calls = []

    def racer_commits_after_the_look(spark_, path, contract, day, shas):
        present = real(spark_, path, contract, day, shas)
        if not calls:  # the other process, in between: two of the files
            calls.append(1)
            monkeypatch.setattr(commit, "in_bronze", real)
            commit.commit_files(spark, lake, ACTIONS, DAY, _pending(lake, keys[:2]))
        return present

    monkeypatch.setattr(commit, "in_bronze", racer_commits_after_the_look)
    already = commit.commit_files(spark, lake, ACTIONS, DAY, _pending(lake, keys))

    assert calls == [1]
    by_key = {p.key: p.sha for p in _pending(lake, keys)}
    assert already == {by_key[k] for k in keys[:2]}
    table = _bronze(spark, lake)
    assert table.count() == table.select("_file_sha256", "_row_number").distinct().count() == 296
    # the empty table's, the racer's, then the other two (the skipped write made none)
    assert _commits(spark, lake) == 3


def test_files_committed_one_by_one_by_the_earlier_code_are_not_written_again(spark, lake):
    """A lake whose first file was appended under its own id (`bronze:<source>:<sha256>`,
    the earlier code's per-file commit) and not yet recorded."""
    stage_landing(lake, DEMO / "landing")
    keys = _keys(lake)
    (one,) = _pending(lake, keys[:1])
    (
        spark.createDataFrame(one.table)
        .write.format("delta")
        .option("txnAppId", f"bronze:supervision_actions:{one.sha}")
        .option("txnVersion", 0)
        .save(lake.table_path("bronze", ACTIONS.name))
    )
    assert commit.in_bronze(
        spark, lake.table_path("bronze", ACTIONS.name), ACTIONS, DAY, {one.sha}
    ) == {one.sha}

    results = bronze.ingest(spark, lake, ACTIONS, DAY)

    assert "not written twice" in results[0].reason
    assert [r.reason for r in results[1:]] == [None, None, None]
    assert _bronze(spark, lake).count() == 296


def test_a_big_folder_is_committed_in_parts(spark, lake, monkeypatch):
    """Past `MAX_BATCH_BYTES` of read rows the folder is committed in parts as it is read (the
    second part under the same day's id, after looking at what the first wrote): every row
    once, and a rerun writes nothing."""
    monkeypatch.setattr(bronze, "MAX_BATCH_BYTES", 1)  # every file its own part
    stage_landing(lake, DEMO / "landing")

    results = bronze.ingest(spark, lake, ACTIONS, DAY)

    assert [(r.status, r.reason) for r in results] == [("ingested", None)] * 4
    table = _bronze(spark, lake)
    assert table.count() == table.select("_file_sha256", "_row_number").distinct().count() == 296
    assert _commits(spark, lake) == 4
    commit.commit_files(spark, lake, ACTIONS, DAY, _pending(lake, _keys(lake)))
    assert _commits(spark, lake) == 4


def test_files_a_killed_run_left_unrecorded_are_recorded_and_a_later_copy_is_skipped(spark, lake):
    """Day 1's folder committed, the run killed before its ops rows, and day 1 never run
    again; day 2's folder holds a copy of one of its files. Day 2's ingest records day 1's
    files as they were committed (so silver builds them once) and skips the copy: no row
    twice, none left out of ops. Without it the copy was written again under day 2."""
    from datetime import timedelta

    from spark_jobs.core import ops
    from spark_jobs.silver.build import build

    stage_landing(lake, DEMO / "landing")
    keys = _keys(lake)
    commit.commit_files(spark, lake, ACTIONS, DAY, _pending(lake, keys))  # then killed
    storage = Storage.for_settings(lake)
    day2 = DAY + timedelta(days=1)
    copy = f"supervision_actions/{day2}/resent_{keys[0].rsplit('/', 1)[1]}"
    storage.write_bytes(f"landing/{copy}", storage.read_bytes(f"landing/{keys[0]}"))

    results = {r.source_file: r for r in bronze.ingest(spark, lake, ACTIONS, day2)}

    assert [results[k].status for k in keys] == ["ingested"] * 4
    assert all("a run killed before recording it" in results[k].reason for k in keys)
    assert results[copy].status == "skipped_duplicate" and keys[0] in results[copy].reason
    assert _bronze(spark, lake).count() == 296
    logged = {
        r.source_file: (r.status, r.delivery_date)
        for r in ops.read(spark, lake).where("stage = 'bronze'").collect()
    }
    assert logged == {**dict.fromkeys(keys, ("ingested", DAY)), copy: ("skipped_duplicate", day2)}
    assert build(spark, lake, ACTIONS)["read"] == 296  # silver reads day 1's rows, once
    again = bronze.ingest(spark, lake, ACTIONS, day2)  # nothing unrecorded any more
    assert [(r.source_file, r.status) for r in again] == [(copy, "skipped_duplicate")]
