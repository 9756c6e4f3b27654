"""The outcome policy of an ingest run (what the DAG turns into a task state and an asset
event), from the per-file results alone: no Spark, no Airflow."""

from __future__ import annotations

from datetime import date

import pytest

from spark_jobs.contracts import get_contract
from spark_jobs.ingest.task import summarize
from tests.synthetic import SCHEMAS

SOURCE = "supervision_items"


def _summary(statuses_rows):
    from spark_jobs.ingest.bronze import FileResult

    results = [
        FileResult(
            f"{SOURCE}/2024-06-28/f{i}.csv",
            status,
            rows,
            reason="bad" if status == "rejected" else None,
        )
        for i, (status, rows) in enumerate(statuses_rows)
    ]
    return summarize(get_contract(SOURCE, SCHEMAS), date(2024, 6, 28), results)


@pytest.mark.parametrize(
    "files, outcome",
    [
        ([("ingested", 5), ("rejected", 0)], "new_data"),
        ([("skipped_duplicate", 0)], "nothing_new"),
        ([("ingested", 0)], "nothing_new"),  # header-only delivery: nothing written
        ([("skipped_duplicate", 0), ("rejected", 0)], "nothing_new"),
        ([], "no_files"),
        ([("rejected", 0), ("rejected", 0)], "all_rejected"),
    ],
)
def test_outcomes(files, outcome):
    assert _summary(files)["outcome"] == outcome
