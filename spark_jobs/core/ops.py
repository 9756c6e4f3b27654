"""The operations table `ops.batch_log`: one row per landing file and stage.

Data engineers answer for every file that arrived from here: which batch it became, how many
rows it had, how many were accepted and quarantined, or why the whole file was refused. Rows
are MERGEd on (source_file, stage), so re-running a task rewrites its own rows, never adds;
a MERGE that loses to another task's at the same moment is run again.
"""

from __future__ import annotations

from datetime import datetime

from pyspark.sql import types as T

from spark_jobs.core.delta import ensure_table, on_conflict_retry
from spark_jobs.core.settings import Settings

TABLE = "batch_log"
SCHEMA = T.StructType(
    [
        T.StructField("source", T.StringType(), False),
        T.StructField("source_file", T.StringType(), False),
        T.StructField("stage", T.StringType(), False),  # bronze | silver
        T.StructField(
            "status", T.StringType(), False
        ),  # ingested | skipped_duplicate | rejected | done
        T.StructField("batch_id", T.StringType(), True),
        T.StructField("file_sha256", T.StringType(), True),
        T.StructField("delivery_date", T.DateType(), True),
        T.StructField("rows_read", T.LongType(), True),
        T.StructField("rows_accepted", T.LongType(), True),
        T.StructField("rows_quarantined", T.LongType(), True),
        # silver: rows a later row of the same key in the same delivery replaced
        T.StructField("rows_superseded", T.LongType(), True),
        T.StructField("rows_warned", T.LongType(), True),  # silver: kept, with a warning
        # silver: held for a missing reference, released when it arrived (later build)
        T.StructField("rows_released", T.LongType(), True),
        T.StructField("reason", T.StringType(), True),
        T.StructField("recorded_at", T.TimestampType(), False),
    ]
)


def record(spark, settings: Settings, rows: list[dict]) -> None:
    """Upsert operation rows (dicts with SCHEMA's keys; missing keys are null)."""
    if not rows:
        return
    from delta.tables import DeltaTable

    path = ensure_table(spark, settings, "ops", TABLE, SCHEMA)
    now = datetime.now()
    data = [
        tuple(r.get(f.name, now if f.name == "recorded_at" else None) for f in SCHEMA) for r in rows
    ]
    updates = spark.createDataFrame(data, SCHEMA)
    on_conflict_retry(  # another task recording its files at the same moment
        lambda: (
            DeltaTable.forPath(spark, path)
            .alias("t")
            .merge(updates.alias("s"), "t.source_file = s.source_file AND t.stage = s.stage")
            .whenMatchedUpdateAll()
            .whenNotMatchedInsertAll()
            .execute()
        ),
        "ops.batch_log",
    )


def read(spark, settings: Settings):
    ensure_table(spark, settings, "ops", TABLE, SCHEMA)
    return spark.table(f"ops.{TABLE}")
