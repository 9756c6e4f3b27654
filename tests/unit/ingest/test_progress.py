"""A big ingest says how far it is: one line per file as it finishes."""

import logging

from spark_jobs.ingest.bronze import FileResult, Progress


def test_each_finished_file_logs_its_place_and_the_rows_so_far(caplog, monkeypatch):
    clock = iter([100.0, 102.0, 104.0])
    monkeypatch.setattr("spark_jobs.ingest.bronze.time.monotonic", lambda: next(clock))
    caplog.set_level(logging.INFO, logger="spark_jobs.ingest.bronze")
    progress = Progress("supervision_actions", 3)
    first = progress.done(FileResult("a.csv", "ingested", 1000))
    second = progress.done(FileResult("b.csv", "rejected", 0, "bad header"), files=2)
    assert first == (
        "bronze supervision_actions: [1/3 files] a.csv ingested 1000 rows; "
        "1000 rows in 2.0 s (500 rows/s)"
    )
    assert second.startswith("bronze supervision_actions: [3/3 files] b.csv rejected 0 rows;")
    assert "1000 rows in 4.0 s (250 rows/s)" in second
    assert [r.getMessage() for r in caplog.records] == [first, second]
