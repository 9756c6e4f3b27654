"""The exchange ledger: what was sent to the national system, batch by batch and record by record.

- `exchange.national_batches`: one row per batch and data set: the batch number (cd_batch,
  yyyymmdd + 5-digit sequence of the day), the source table and the Delta versions the batch
  covers (from_version exclusive, null for a first full batch; to_version inclusive), counts of
  i/u/d, the files, and the status: `sent`, `acknowledged` (the upload job confirmed it) or
  `rejected` (it did not arrive: its changes go again in the next batch).
- `exchange.national_records`: one row per record sent: batch, data set, cd_id, operation,
  the record's department and its lineage (source table version, landing file, row number,
  bronze batch), which is how feedback finds its record and a record its landing row.

A batch is written files first, then its records, then its batch rows: a batch exists once its
batch rows do, so a crash on the way leaves nothing a later run would take as sent.
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import functions as F
from pyspark.sql import types as T

from spark_jobs.core.delta import ensure_table
from spark_jobs.core.settings import Settings

LAYER = "exchange"
BATCHES = "national_batches"
RECORDS = "national_records"
STATUSES = ("sent", "acknowledged", "rejected")

BATCH_SCHEMA = T.StructType(
    [
        T.StructField("batch_no", T.StringType(), False),
        T.StructField("run_date", T.DateType(), False),
        T.StructField("dataset", T.StringType(), False),
        T.StructField("source_table", T.StringType()),
        T.StructField("from_version", T.LongType()),
        T.StructField("to_version", T.LongType()),
        T.StructField("inserts", T.LongType()),
        T.StructField("updates", T.LongType()),
        T.StructField("deletes", T.LongType()),
        T.StructField("files", T.ArrayType(T.StringType())),
        T.StructField("status", T.StringType()),
        T.StructField("status_note", T.StringType()),
    ]
)
RECORD_SCHEMA = T.StructType(
    [
        T.StructField("batch_no", T.StringType(), False),
        T.StructField("dataset", T.StringType(), False),
        T.StructField("cd_id", T.StringType(), False),
        T.StructField("cd_operation", T.StringType()),
        T.StructField("cd_time", T.StringType()),
        T.StructField("department_code", T.StringType()),
        T.StructField("source_version", T.LongType()),
        T.StructField("_source_file", T.StringType()),
        T.StructField("_row_number", T.LongType()),
        T.StructField("_batch_id", T.StringType()),
    ]
)


def batches(spark, settings: Settings):
    ensure_table(spark, settings, LAYER, BATCHES, BATCH_SCHEMA)
    return spark.table(f"{LAYER}.{BATCHES}")


def records(spark, settings: Settings):
    ensure_table(spark, settings, LAYER, RECORDS, RECORD_SCHEMA)
    return spark.table(f"{LAYER}.{RECORDS}")


def batch_rows_of_day(spark, settings: Settings, day: dt.date) -> list[dict]:
    rows = batches(spark, settings).where(F.col("run_date") == F.lit(day)).collect()
    return sorted((r.asDict() for r in rows), key=lambda r: (r["batch_no"], r["dataset"]))


def latest_batch(spark, settings: Settings) -> dict | None:
    """The newest batch not rejected (any data set row of it)."""
    row = (
        batches(spark, settings)
        .where(F.col("status") != "rejected")
        .orderBy(F.col("batch_no").desc())
        .first()
    )
    return row.asDict() if row else None


def base_versions(spark, settings: Settings) -> dict[str, int | None]:
    """Per data set ever sent, the version its next batch starts after: the newest
    non-rejected batch's to_version (a data set not listed was never sent: its next batch is a
    full one). One pass over the ledger for every data set."""
    rows = (
        batches(spark, settings)
        .where(F.col("status") != "rejected")
        .groupBy("dataset")
        .agg(F.max_by("to_version", "batch_no").alias("to_version"))
        .collect()
    )
    return {r["dataset"]: None if r["to_version"] is None else int(r["to_version"]) for r in rows}


def next_batch_no(spark, settings: Settings, day: dt.date) -> str:
    """yyyymmdd + the day's next 5-digit submission number (2nd on 2019-04-11: 2019041100002)."""
    prefix = day.strftime("%Y%m%d")
    taken = [
        r[0]
        for r in batches(spark, settings)
        .where(F.col("batch_no").startswith(prefix))
        .select("batch_no")
        .distinct()
        .collect()
    ]
    sequence = max((int(b[8:]) for b in taken), default=0) + 1
    if sequence > 99999:
        raise ValueError(f"more than 99999 batches on {day}")
    return f"{prefix}{sequence:05d}"


def write_records(spark, settings: Settings, batch_no: str, df) -> None:
    """Replace the records of `batch_no` (one commit; a re-run rewrites the same rows)."""
    ensure_table(spark, settings, LAYER, RECORDS, RECORD_SCHEMA)
    cols = [f.name for f in RECORD_SCHEMA.fields]
    (
        df.select(*[F.col(c).cast(RECORD_SCHEMA[c].dataType) for c in cols])
        .write.format("delta")
        .mode("overwrite")
        .option("replaceWhere", f"batch_no = '{batch_no}'")
        .save(settings.table_path(LAYER, RECORDS))
    )


def write_batch(spark, settings: Settings, batch_no: str, rows: list[dict]) -> None:
    """Replace the batch rows of `batch_no`, keeping a status already set (ack or reject)."""
    ensure_table(spark, settings, LAYER, BATCHES, BATCH_SCHEMA)
    kept = {
        r.dataset: (r.status, r.status_note)
        for r in batches(spark, settings).where(F.col("batch_no") == batch_no).collect()
    }
    full = []
    for row in rows:
        status, note = kept.get(row["dataset"], ("sent", None))
        full.append({**row, "batch_no": batch_no, "status": status, "status_note": note})
    (
        spark.createDataFrame(full, BATCH_SCHEMA)
        .write.format("delta")
        .mode("overwrite")
        .option("replaceWhere", f"batch_no = '{batch_no}'")
        .save(settings.table_path(LAYER, BATCHES))
    )


def set_status(spark, settings: Settings, batch_no: str, status: str, note: str = "") -> int:
    """Mark every data set of a batch acknowledged or rejected; returns rows changed."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
    from delta.tables import DeltaTable

    found = batches(spark, settings).where(F.col("batch_no") == batch_no).count()
    if not found:
        raise LookupError(f"no national batch {batch_no}")
    newest = latest_batch(spark, settings)
    if status == "rejected" and newest and newest["batch_no"] > batch_no:
        # The newer batch starts where this one ended: its changes would never be sent again.
        raise ValueError(
            f"batch {batch_no} is not the newest batch sent ({newest['batch_no']} is): "
            "reject the newer batches first, newest first"
        )
    DeltaTable.forPath(spark, settings.table_path(LAYER, BATCHES)).update(
        F.col("batch_no") == batch_no,
        {"status": F.lit(status), "status_note": F.lit(note or None)},
    )
    return found
