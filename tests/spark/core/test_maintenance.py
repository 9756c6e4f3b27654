"""OPTIMIZE and VACUUM of the lake's Delta tables (spark_jobs/core/maintenance.py) on small
tables of a new lake: compaction reduces the files, VACUUM keeps what the retention keeps (time
travel still works) and removes only what is older, and both are idempotent."""

from __future__ import annotations

import pytest

from spark_jobs.core import maintenance

pytestmark = pytest.mark.slow  # three VACUUMs: about a minute, out of the quick tier


def _table_with_small_files(spark, lake, commits: int = 4) -> str:
    path = lake.table_path("silver", "small")
    for i in range(commits):
        spark.range(i * 10, i * 10 + 10).coalesce(1).write.format("delta").mode("append").save(path)
    return path


def test_optimize_then_vacuum_with_and_without_retention(spark, lake):
    path = _table_with_small_files(spark, lake)
    other = lake.table_path("gold", "untouched")
    spark.range(3).coalesce(1).write.format("delta").save(other)

    optimized = maintenance.optimize_tables(spark, lake)
    small = optimized["tables"]["silver.small"]
    assert small["files_before"] == 4 and small["files_after"] == 1
    assert small["files_removed"] == 4 and small["files_added"] == 1
    assert optimized["compacted"] == ["silver.small"]  # one file already: nothing to do
    again = maintenance.optimize_tables(spark, lake)
    assert again["compacted"] == [] and again["tables"]["silver.small"]["files_after"] == 1
    assert spark.read.format("delta").load(path).count() == 40

    # The default retention (720 h): the compacted-away files are minutes old, so they stay,
    # and time travel to the version before OPTIMIZE still reads them.
    sc = spark.sparkContext
    sc.setJobGroup("vacuum-listing", "vacuum with the default retention")
    kept = maintenance.vacuum_tables(spark, lake, maintenance.MaintenancePolicy())
    sc.setJobGroup("", "")
    tracker = sc.statusTracker()
    tasks = [
        tracker.getStageInfo(stage).numTasks
        for job in tracker.getJobIdsForGroup("vacuum-listing")
        for stage in tracker.getJobInfo(job).stageIds
        if tracker.getStageInfo(stage) is not None
    ]
    # VACUUM's listing job runs one task per core, not Spark's default 10,000 (20-30 s idle).
    assert tasks and max(tasks) <= max(sc.defaultParallelism, 4), tasks
    assert spark.conf.get(maintenance.LISTING_PARALLELISM, None) is None  # unset again
    assert kept["retention_hours"] == 720
    assert kept["tables"]["silver.small"] == {
        "files_before": 5, "files_removed": 0, "bytes_removed": 0,
    }  # fmt: skip
    before_optimize = spark.read.format("delta").option("versionAsOf", 3).load(path)
    assert before_optimize.count() == 40

    with pytest.raises(ValueError, match="safety floor"):
        maintenance.vacuum_tables(spark, lake, maintenance.MaintenancePolicy(0))
    short = maintenance.MaintenancePolicy(vacuum_retention_hours=0, allow_short_retention=True)
    removed = maintenance.vacuum_tables(spark, lake, short)
    assert removed["tables"]["silver.small"]["files_removed"] == 4
    assert removed["tables"]["silver.small"]["bytes_removed"] > 0
    assert removed["tables"]["gold.untouched"]["files_removed"] == 0
    assert removed["files_removed"] == 4
    assert spark.read.format("delta").load(path).count() == 40  # the current version is whole
    check = "spark.databricks.delta.retentionDurationCheck.enabled"
    assert spark.conf.get(check, "true") == "true"  # the safety check is back on
