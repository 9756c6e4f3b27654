"""`silver.quarantine`: one row per problem of every rejected row, from every source.

A row carries the source, its batch, file and row number (so the department can find the
delivered line), the field, the offending value (null for personal-data fields) and the reason.
Rows are replaced per batch (`replaceWhere` on source and batch ids), so re-validating a batch
never doubles them.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from spark_jobs.contracts import Contract
from spark_jobs.core.delta import ensure_table
from spark_jobs.core.settings import Settings

QUARANTINE_SCHEMA = T.StructType(
    [
        T.StructField("source", T.StringType(), False),
        T.StructField("_batch_id", T.StringType(), False),
        T.StructField("_source_file", T.StringType(), False),
        T.StructField("_file_sha256", T.StringType(), False),
        T.StructField("_row_number", T.LongType(), False),
        T.StructField("field", T.StringType(), False),
        T.StructField("value", T.StringType(), True),
        T.StructField("reason", T.StringType(), False),
        T.StructField("delivery_date", T.DateType(), True),
    ]
)


def quarantine_rows(contract: Contract, validated: DataFrame) -> DataFrame:
    """One row per problem of each validated row that has any (see `rules.validate`)."""
    bad = validated.where(F.size("_problems") > 0)
    return bad.select(
        F.lit(contract.name).alias("source"),
        "_batch_id",
        "_source_file",
        "_file_sha256",
        "_row_number",
        F.explode("_problems").alias("p"),
        F.col("_delivery_date").alias("delivery_date"),
    ).select(
        "source",
        "_batch_id",
        "_source_file",
        "_file_sha256",
        "_row_number",
        F.col("p.field").alias("field"),
        F.col("p.value").alias("value"),
        F.col("p.reason").alias("reason"),
        "delivery_date",
    )


def write_quarantine(
    spark, settings: Settings, contract: Contract, validated: DataFrame, batch_ids: list[str]
) -> None:
    """Replace the quarantine rows of these batches of this source (one Delta commit)."""
    path = ensure_table(spark, settings, "silver", "quarantine", QUARANTINE_SCHEMA)
    ids = ", ".join(f"'{b}'" for b in batch_ids)
    (
        quarantine_rows(contract, validated)
        .write.format("delta")
        .mode("overwrite")
        .option("replaceWhere", f"source = '{contract.name}' AND _batch_id IN ({ids})")
        .save(path)
    )
