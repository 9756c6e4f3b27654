"""The national feedback loop: quality-check failures joined to the records we sent, as a fix
queue per department, closed when a later batch resends the record.

`exchange.national_fix_queue` is rebuilt in full from silver.national_feedback (one row per
failed check of a record) and exchange.national_records (what each batch carried):

- `sent_in_batch`: the feedback names a batch that really carried that record;
- `department_code`: the record's department, from the ledger (who has to fix it);
- `status`: `open`, or `resubmitted` once a batch after the failing one carries the record as
  `u` (the department re-delivered it corrected, gold changed, the exchange sent the change)
  or `d`; `resubmitted_batch` / `resubmitted_operation` say which.
"""

from __future__ import annotations

from pyspark.sql import Window
from pyspark.sql import functions as F

from spark_jobs.core.settings import Settings
from spark_jobs.exports import ledger

FIX_QUEUE = "national_fix_queue"
FEEDBACK = "national_feedback"


def build_fix_queue(spark, settings: Settings) -> dict:
    """Rebuild exchange.national_fix_queue; returns open and resubmitted counts per department."""
    from delta.tables import DeltaTable

    path = settings.table_path("silver", FEEDBACK)
    if not DeltaTable.isDeltaTable(spark, path):
        return {"open": 0, "resubmitted": 0, "by_department": {}}
    feedback = (
        spark.read.format("delta")
        .load(path)
        .select(
            "record_id",
            "dataset",
            "batch_no",
            "check_category",
            "field_name",
            "reason_code",
            "message",
            "feedback_date",
        )
    )
    sent = ledger.records(spark, settings).select(
        F.col("cd_id").alias("record_id"),
        "dataset",
        F.col("batch_no").alias("sent_batch"),
        "cd_operation",
        "department_code",
    )
    department = sent.groupBy("record_id", "dataset").agg(
        F.max("department_code").alias("department_code")
    )
    in_batch = (
        sent.select("record_id", "dataset", F.col("sent_batch").alias("batch_no"))
        .distinct()
        .withColumn("sent_in_batch", F.lit(True))
    )
    later = (
        feedback.select("record_id", "dataset", "batch_no")
        .distinct()
        .join(sent.where(F.col("cd_operation").isin("u", "d")), ["record_id", "dataset"])
        .where(F.col("sent_batch") > F.col("batch_no"))
        .withColumn(
            "_n",
            F.row_number().over(
                Window.partitionBy("record_id", "dataset", "batch_no").orderBy("sent_batch")
            ),
        )
        .where("_n = 1")
        .select(
            "record_id",
            "dataset",
            "batch_no",
            F.col("sent_batch").alias("resubmitted_batch"),
            F.col("cd_operation").alias("resubmitted_operation"),
        )
    )
    queue = (
        feedback.join(department, ["record_id", "dataset"], "left")
        .join(in_batch, ["record_id", "dataset", "batch_no"], "left")
        .join(later, ["record_id", "dataset", "batch_no"], "left")
        .withColumn("sent_in_batch", F.coalesce("sent_in_batch", F.lit(False)))
        .withColumn(
            "status",
            F.when(F.col("resubmitted_batch").isNotNull(), "resubmitted").otherwise("open"),
        )
        .select(
            "department_code",
            "dataset",
            "record_id",
            "batch_no",
            "sent_in_batch",
            "check_category",
            "field_name",
            "reason_code",
            "message",
            "feedback_date",
            "status",
            "resubmitted_batch",
            "resubmitted_operation",
        )
    )
    target = settings.table_path(ledger.LAYER, FIX_QUEUE)
    if not _same_rows(spark, target, queue):  # a re-run with nothing new adds no version
        queue.write.format("delta").mode("overwrite").option("overwriteSchema", "true").save(target)
    from spark_jobs.core.catalog import register_table

    register_table(spark, ledger.LAYER, FIX_QUEUE, target)
    counts = (
        spark.read.format("delta")
        .load(target)
        .groupBy(F.coalesce("department_code", F.lit("unknown")).alias("d"), "status")
        .count()
        .collect()
    )
    by_department: dict[str, dict[str, int]] = {}
    for row in counts:
        by_department.setdefault(row["d"], {})[row["status"]] = row["count"]
    return {
        "open": sum(r["count"] for r in counts if r["status"] == "open"),
        "resubmitted": sum(r["count"] for r in counts if r["status"] == "resubmitted"),
        "by_department": by_department,
    }


def _same_rows(spark, target: str, queue) -> bool:
    """The fix queue at `target` already holds exactly `queue`'s rows and columns. Both are
    small (one row per failed national check), so they are compared on the driver."""
    from delta.tables import DeltaTable

    if not DeltaTable.isDeltaTable(spark, target):
        return False
    current = spark.read.format("delta").load(target)
    columns = [(f.name, f.dataType) for f in queue.schema]  # nullability aside
    if [(f.name, f.dataType) for f in current.schema] != columns:
        return False

    def rows(df) -> list[tuple[str, ...]]:
        return sorted(tuple(str(v) for v in r) for r in df.collect())

    return rows(current) == rows(queue)
