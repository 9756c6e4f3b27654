"""What changed in a table between two Delta versions, per record, from its change data feed.

A batch carries each record's *net* change over the range (from_version, to_version]: the
state before the range (the first change of the key: a delete or update pre-image means it
existed) against the state after (the last change: an insert or update post-image means it
exists). Inserted → `i`, deleted → `d`, existing on both sides with different national fields
→ `u`; anything else is no change. So a mart rebuilt in full (dbt `table`: every row deleted
and inserted again), a MERGE that rewrites a row with the same values, or a build rolled back
by `RESTORE` sends nothing, and a row updated three times is sent once.
"""

from __future__ import annotations

from pyspark.sql import Window
from pyspark.sql import functions as F

from spark_jobs.core.delta import CHANGE_FEED, property_on

_BEFORE = ("delete", "update_preimage")
_AFTER = ("insert", "update_postimage")


def commit_timestamp(spark, path: str, version: int):
    from delta.tables import DeltaTable

    row = (
        DeltaTable.forPath(spark, path)
        .history()
        .where(F.col("version") == version)
        .select("timestamp")
        .first()
    )
    return row[0] if row else None


def ensure_change_feed(spark, path: str) -> bool:
    """Turn the change data feed on for a table that does not have it (a lake made before the
    exchange, or a draws table). Returns True when it had to (a new version: the feed starts
    there)."""
    if property_on(spark, path, CHANGE_FEED):
        return False
    spark.sql(f"ALTER TABLE delta.`{path}` SET TBLPROPERTIES ({CHANGE_FEED} = 'true')")
    return True


def snapshot(spark, path: str, version: int):
    """The table at `version`, every row an insert at that version's commit time."""
    ts = commit_timestamp(spark, path, version)
    return (
        spark.read.format("delta")
        .option("versionAsOf", version)
        .load(path)
        .withColumn("_change_type", F.lit("insert"))
        .withColumn("_commit_version", F.lit(version).cast("long"))
        .withColumn("_commit_timestamp", F.lit(ts).cast("timestamp"))
    )


def change_feed(spark, path: str, from_version: int, to_version: int):
    """The change feed of versions (from_version, to_version]."""
    return (
        spark.read.format("delta")
        .option("readChangeFeed", "true")
        .option("startingVersion", from_version + 1)
        .option("endingVersion", to_version)
        .load(path)
    )


def net_changes(projected):
    """One row per record that changed, with `cd_operation` i/u/d (see the module docstring).

    `projected`: national records (datasets.project) with the change-feed columns. A snapshot
    (every row an insert) comes out as all `i`."""
    order = F.when(F.col("_change_type").isin(*_BEFORE), 0).otherwise(1)
    w = Window.partitionBy("cd_id").orderBy(F.col("_commit_version"), order, F.col("_h"))
    ranked = projected.withColumn("_n", F.row_number().over(w)).withColumn(
        "_last", F.count(F.lit(1)).over(Window.partitionBy("cd_id"))
    )
    first = ranked.where("_n = 1").select(
        "cd_id",
        F.col("_change_type").isin(*_BEFORE).alias("_existed"),
        F.col("_h").alias("_h_before"),
    )
    last = ranked.where("_n = _last").drop("_n", "_last")
    joined = last.join(first, "cd_id")
    exists = F.col("_change_type").isin(*_AFTER)
    op = (
        F.when(~F.col("_existed") & exists, "i")
        .when(F.col("_existed") & ~exists, "d")
        .when(F.col("_existed") & exists & (F.col("_h") != F.col("_h_before")), "u")
    )
    return joined.withColumn("cd_operation", op).where(F.col("cd_operation").isNotNull())
