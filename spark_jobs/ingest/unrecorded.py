"""Bronze rows that ops.batch_log does not know of, and the ops rows they should have had.

A run killed between a folder's bronze commit and its ops rows leaves files in bronze that ops
does not list. A rerun of that day finds them (`commit.in_bronze` reads the day's rows) and
records them. If the day is never run again, ops stays blind to them: silver never builds
them, and when a department re-sends one of those files on a later day, that day's commit looks
only at its own day in bronze and would write the rows a second time.

So every ingest compares the rows ops says are in bronze (the `rows_read` of its `ingested`
rows) with the rows bronze holds (from the latest Delta checksum, no Spark job; `count()` when
the checksum does not state them). Equal, the usual case: nothing more is read. Bronze larger:
the files whose `_file_sha256` ops does not know are grouped out of bronze, and the run records
them as `ingested` under the name, batch and delivery date they were committed with, so silver
builds them once and a re-sent copy is skipped as a duplicate.
"""

from __future__ import annotations

import logging
from datetime import date

from spark_jobs.contracts import Contract
from spark_jobs.core.delta import checksum_rows, latest_version
from spark_jobs.core.settings import Settings

log = logging.getLogger(__name__)


def bronze_rows(spark, path: str) -> int | None:
    """Rows of the bronze table at `path`; None when there is no table yet."""
    try:
        latest_version(spark, path)
    except LookupError:
        return None
    rows = checksum_rows(spark, path)
    return rows if rows is not None else spark.read.format("delta").load(path).count()


def unrecorded_files(
    spark,
    settings: Settings,
    contract: Contract,
    recorded_rows: int,
    known: set[str],
    other_than: date,
) -> list[dict]:
    """The ops rows (`ingested`) of the files in bronze whose `_file_sha256` is not in `known`
    and whose delivery date is not `other_than` (that day's are its rerun's case, found by its
    commit: `commit.in_bronze`), looked for only when bronze holds more rows than
    `recorded_rows` (ops' count)."""
    path = settings.table_path("bronze", contract.name)
    rows = bronze_rows(spark, path)
    if rows is None or rows <= recorded_rows:
        return []
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    shas = spark.createDataFrame([(s,) for s in sorted(known)], T.StructType(
        [T.StructField("_file_sha256", T.StringType())]
    ))  # fmt: skip
    found = (
        spark.read.format("delta")
        .load(path)
        .join(shas, "_file_sha256", "left_anti")
        .groupBy("_source_file", "_file_sha256", "_batch_id", "_delivery_date")
        .agg(F.count(F.lit(1)).alias("rows"))
        .orderBy("_delivery_date", "_source_file")
        .collect()
    )
    out = [
        {
            "source": contract.name,
            "source_file": r["_source_file"],
            "stage": "bronze",
            "status": "ingested",
            "batch_id": r["_batch_id"],
            "file_sha256": r["_file_sha256"],
            "delivery_date": r["_delivery_date"],
            "rows_read": int(r["rows"]),
            "reason": "in bronze without an ops row (a run killed before recording it): "
            "recorded now",
        }
        for r in found
        if r["_delivery_date"] != other_than
    ]
    for row in out:
        log.warning("bronze %s: %s: %s", contract.name, row["source_file"], row["reason"])
    return out
