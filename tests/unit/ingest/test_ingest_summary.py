"""The outcome policy of an ingest run (what the DAG turns into a task state and an asset
event), from the per-file results alone: no Spark, no Airflow."""

from __future__ import annotations

import pytest

from tests.unit.ingest.helpers import summary_of

SOURCE = "supervision_items"


@pytest.mark.parametrize(
    "files, outcome",
    [
        ([("ingested", 5), ("rejected", 0)], "new_data"),
        ([("skipped_duplicate", 0)], "nothing_new"),
        ([("ingested", 0)], "nothing_new"),  # header-only delivery: nothing written
        ([("skipped_duplicate", 0), ("rejected", 0)], "nothing_new"),
        ([], "no_files"),
        ([("rejected", 0), ("rejected", 0)], "all_rejected"),
        ([("waiting", 0), ("waiting", 0)], "nothing_new"),  # a dump's first part: not red
        ([("waiting", 0), ("rejected", 0)], "nothing_new"),
    ],
)
def test_outcomes(files, outcome):
    assert summary_of(files)["outcome"] == outcome


def test_a_day_with_nothing_delivered_starts_no_spark(tmp_path, monkeypatch):
    """A scheduler runs each ingest in a process of its own: a source that delivered nothing
    that day answers `no_files` from the landing folder's listing, without a JVM."""
    from spark_jobs.core import session
    from spark_jobs.core.settings import Settings
    from spark_jobs.ingest.task import ingest_source

    def no_spark(*_a, **_k):
        raise AssertionError("get_spark called for an empty landing folder")

    monkeypatch.setattr(session, "get_spark", no_spark)
    summary = ingest_source(SOURCE, "2024-06-30", settings=Settings(home=tmp_path))
    assert (summary["outcome"], summary["message"]) == (
        "no_files",
        "no files in landing/supervision_items/2024-06-30",
    )
