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
