"""Writers at the same moment, on real processes: two ingests of the same source and day, and
one of another source, started together on a new lake (every table created by the race)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys

import pytest

from tests.faults.processes import DAY, REPO, new_home

pytestmark = pytest.mark.slow


def test_two_processes_ingesting_the_same_source_and_day_at_once(spark, tmp_path):
    home = new_home(tmp_path)
    env = {**os.environ, "LAKEHOUSE_HOME": str(home)}
    env.pop("LAKEHOUSE_MODE", None)
    sources = ["supervision_actions", "supervision_actions", "supervision_items"]
    with contextlib.ExitStack() as files:
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "spark_jobs.ingest.task", source, DAY],
                cwd=REPO,
                env=env,
                stdout=files.enter_context(open(tmp_path / f"{i}.out", "wb")),
                stderr=files.enter_context(open(tmp_path / f"{i}.err", "wb")),
            )
            for i, source in enumerate(sources)
        ]
        codes = [p.wait(timeout=600) for p in procs]
    errs = [(tmp_path / f"{i}.err").read_text("utf-8") for i in range(len(sources))]
    assert codes == [0, 0, 0], "\n\n".join(e[-2500:] for e in errs)
    summaries = [json.loads((tmp_path / f"{i}.out").read_text("utf-8")) for i in range(2)]

    lake = home / "storage" / "lake"
    actions = spark.read.format("delta").load(str(lake / "bronze" / "supervision_actions"))
    assert actions.count() == 296  # the demo's 4 files: every row once
    assert actions.select("_source_file", "_row_number").distinct().count() == 296
    items = spark.read.format("delta").load(str(lake / "bronze" / "supervision_items"))
    assert items.count() == items.select("_source_file", "_row_number").distinct().count() > 0
    ops = spark.read.format("delta").load(str(lake / "ops" / "batch_log"))
    rows = {(r.source_file, r.status) for r in ops.where("stage = 'bronze'").collect()}
    assert len(rows) == 5 and {s for _, s in rows} == {"ingested"}
    # each file written by one of the two; the other says why it wrote nothing
    for f in summaries[0]["files"]:
        other = next(g for g in summaries[1]["files"] if g["file"] == f["file"])
        writers = [g for g in (f, other) if g["status"] == "ingested" and g["reason"] is None]
        assert len(writers) == 1, (f, other)
        loser = other if writers[0] is f else f
        assert loser["reason"] == "already ingested" or (
            "committed by another process ingesting it at the same moment" in loser["reason"]
        ), loser
