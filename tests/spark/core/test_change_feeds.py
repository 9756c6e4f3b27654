"""The change data feed only where the national exchange reads it
(maintenance.drop_unread_change_feeds; dbt turns it on per exported mart). With the feed on, a
MERGE that updates rows also writes their pre- and post-images under `_change_data/`."""

from __future__ import annotations

from pathlib import Path

from spark_jobs.core import maintenance
from spark_jobs.exports.datasets import feed_tables


def _table(spark, path: str, feed: bool) -> None:
    spark.sql(
        f"CREATE TABLE delta.`{path}` USING delta "
        f"TBLPROPERTIES ('delta.enableChangeDataFeed' = {str(feed).lower()}) "
        "AS SELECT id, cast(id as string) as v FROM range(100)"
    )


def _update_two(spark, path: str) -> int:
    """MERGE two updated rows in; the number of change-data files the table then has."""
    spark.range(98, 100).selectExpr("id", "'new' as v").createOrReplaceTempView("cf_source")
    spark.sql(
        f"MERGE INTO delta.`{path}` t USING cf_source s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
    )
    return len(list(Path(path, "_change_data").glob("*.parquet")))


def test_the_feed_is_dropped_once_where_no_data_set_reads_it(spark, lake):
    read, unread, plain = "gold.inspections", "gold.cf_unread", "silver.cf_plain"
    paths = {name: lake.table_path(*name.split(".")) for name in (read, unread, plain)}
    _table(spark, paths[read], feed=True)
    _table(spark, paths[unread], feed=True)
    _table(spark, paths[plain], feed=False)
    images = _update_two(spark, paths[unread])
    assert images > 0  # what each daily MERGE paid for nothing

    only = list(paths)
    assert read in feed_tables()
    dropped = maintenance.drop_unread_change_feeds(spark, lake, feed_tables(), only)
    assert dropped == {"dropped": [unread]}
    assert maintenance.drop_unread_change_feeds(spark, lake, feed_tables(), only) == {"dropped": []}
    assert _update_two(spark, paths[unread]) == images  # no new change-data file
    assert _update_two(spark, paths[read]) > 0  # the exchange's feed is kept
    history = spark.sql(f"DESCRIBE HISTORY delta.`{paths[read]}`").count()
    assert history == 2  # created, merged: nothing altered
