"""Which folders of the lake are tables: a log with a commit, not a first write killed early."""

from __future__ import annotations

from spark_jobs.core.catalog import lake_tables
from spark_jobs.core.settings import Settings


def test_a_first_write_killed_before_its_commit_is_not_a_table(tmp_path):
    settings = Settings(home=tmp_path)
    lake = tmp_path / "storage" / "lake"
    committed = lake / "silver" / "supervision_items"
    (committed / "_delta_log").mkdir(parents=True)
    (committed / "_delta_log" / "00000000000000000000.json").write_text("{}")
    killed = lake / "silver" / "supervision_actions"  # what a kill -9 mid-write left behind
    (killed / "_delta_log" / "_staged_commits").mkdir(parents=True)
    (killed / "part-00000-x.snappy.parquet").write_bytes(b"PAR1")
    checkpointed = lake / "gold" / "penalties"
    (checkpointed / "_delta_log").mkdir(parents=True)
    (checkpointed / "_delta_log" / "00000000000000000010.checkpoint.parquet").write_bytes(b"")

    assert [(layer, table) for layer, table, _ in lake_tables(settings)] == [
        ("silver", "supervision_items"),
        ("gold", "penalties"),
    ]
