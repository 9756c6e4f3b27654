"""`silver.quarantine`: one row per finding of silver's checks, from every source.

Mostly the problems of rejected rows (status `quarantined`), but also the warnings of rows that
were kept (`warned`) and rows a later row of the same delivery superseded (`superseded`,
national category 05), so a quality officer sees every finding in one place. A row carries the
source, its batch, file and row number (so the department can find the delivered line), the
department, the field and its delivered label, the value as delivered and as standardised (both
null for personal-data fields), the national check category, the severity, an English reason
and a message in the national validator's style.
Rows are replaced per batch (`replaceWhere` on source and batch ids), so re-validating a batch
never doubles them.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from spark_jobs.contracts import Contract
from spark_jobs.core.delta import ensure_table
from spark_jobs.core.settings import Settings
from spark_jobs.silver.national import field_label

SUPERSEDED = "duplicate natural key: a later row of the same delivery wins"

QUARANTINE_SCHEMA = T.StructType(
    [
        T.StructField("source", T.StringType(), False),
        T.StructField("_batch_id", T.StringType(), False),
        T.StructField("_source_file", T.StringType(), False),
        T.StructField("_file_sha256", T.StringType(), False),
        T.StructField("_row_number", T.LongType(), False),
        # the department the row belongs to: its `department_code` field when the contract has
        # one, else null (a provincial platform's feed, e.g. 12345)
        T.StructField("department_code", T.StringType(), True),
        T.StructField("field", T.StringType(), False),
        T.StructField("field_zh", T.StringType(), True),  # the delivered header / Chinese name
        T.StructField("value", T.StringType(), True),  # as delivered; null for personal data
        T.StructField("standardised_value", T.StringType(), True),  # null when unchanged or pii
        T.StructField("category", T.StringType(), True),  # national check category 01-10
        T.StructField("severity", T.StringType(), False),  # error (row held) | warning (kept)
        T.StructField("reason", T.StringType(), False),  # English
        T.StructField("message", T.StringType(), False),  # national validator style, Chinese
        T.StructField("status", T.StringType(), False),  # quarantined | released | warned
        T.StructField("released_on", T.DateType(), True),  # the delivery that released it
        T.StructField("delivery_date", T.DateType(), True),
    ]
)


def _department(contract: Contract) -> Column:
    """The row's department: its `department_code` field, or null for a platform's feed."""
    if "department_code" in contract.field_names:
        return F.col("department_code")
    return F.lit(None).cast("string")


def _labels(contract: Contract) -> Column:
    """field name → the label a department knows it by (`national.field_label`)."""
    pairs = [(f.name, field_label(f)) for f in contract.fields] + [("_row", "整行")]
    if len(contract.natural_key) > 1:  # a superseded row's field is the whole key
        key = "|".join(contract.natural_key)
        pairs.append((key, "|".join(field_label(contract.field(k)) for k in contract.natural_key)))
    return F.create_map(*[F.lit(x) for pair in pairs for x in pair])


def _superseded_entry(contract: Contract) -> Column:
    """The one finding of a row a later row of its delivery replaced (category 05)."""
    key = F.concat_ws("|", *[F.col(k).cast("string") for k in contract.natural_key])
    name = "|".join(contract.natural_key)
    label = "|".join(field_label(contract.field(k)) for k in contract.natural_key)
    return F.struct(
        F.lit(name).alias("field"),
        key.alias("value"),
        F.lit(None).cast("string").alias("standardised_value"),
        F.lit(SUPERSEDED).alias("reason"),
        F.lit("05").alias("category"),
        F.concat(F.lit(f"[{label}]:["), key, F.lit("] 同一批次中重复，以后一条为准")).alias(
            "message"
        ),
        F.lit("warning").alias("severity"),
    )


def quarantine_rows(contract: Contract, classified: DataFrame) -> DataFrame:
    """One row per finding: every problem of a rejected row (status `quarantined`), the
    warnings of a kept row (`warned`), and each superseded row (`superseded`). `classified`
    is `build.classify`'s output (`_problems`, `_rejected`, `_superseded`)."""
    with_status = classified.select(
        "*",
        F.when(F.col("_rejected"), "quarantined")
        .when(F.col("_superseded"), "superseded")
        .otherwise("warned")
        .alias("_status"),
        F.when(
            F.col("_superseded") & ~F.col("_rejected"),
            F.concat(F.col("_problems"), F.array(_superseded_entry(contract))),
        )
        .otherwise(F.col("_problems"))
        .alias("_findings"),
    ).where(F.size("_findings") > 0)
    return with_status.select(
        F.lit(contract.name).alias("source"),
        "_batch_id",
        "_source_file",
        "_file_sha256",
        "_row_number",
        _department(contract).alias("department_code"),
        F.explode("_findings").alias("p"),
        F.col("_status").alias("status"),
        F.col("_delivery_date").alias("delivery_date"),
    ).select(
        "source",
        "_batch_id",
        "_source_file",
        "_file_sha256",
        "_row_number",
        "department_code",
        F.col("p.field").alias("field"),
        F.element_at(_labels(contract), F.col("p.field")).alias("field_zh"),
        F.col("p.value").alias("value"),
        F.col("p.standardised_value").alias("standardised_value"),
        F.col("p.category").alias("category"),
        F.col("p.severity").alias("severity"),
        F.col("p.reason").alias("reason"),
        F.col("p.message").alias("message"),
        "status",
        F.lit(None).cast("date").alias("released_on"),
        "delivery_date",
    )


def table(spark, settings: Settings) -> DataFrame:
    """silver.quarantine (created empty if there is none yet)."""
    path = ensure_table(spark, settings, "silver", "quarantine", QUARANTINE_SCHEMA)
    return spark.read.format("delta").load(path)


def replace_clause(contract: Contract, batch_ids: list[str], files: list[str]) -> str:
    """The quarantine rows a build of these batches replaces: those of the batches, and of
    earlier versions of their files (`files`: a corrected file re-delivered under the same
    name), of this source."""
    ids = ", ".join(f"'{b}'" for b in batch_ids)
    same_files = ", ".join("'" + f.replace("'", "''") + "'" for f in files) or "''"
    return (
        f"(source = '{contract.name}' AND (_batch_id IN ({ids}) OR _source_file IN ({same_files})))"
    )


def write_quarantine(spark, settings: Settings, rows: DataFrame, clauses: list[str]) -> None:
    """Replace the quarantine rows that `clauses` (`replace_clause`, one per built source)
    select with `rows`, in one Delta commit for all the sources of a build."""
    path = ensure_table(spark, settings, "silver", "quarantine", QUARANTINE_SCHEMA)
    (
        rows.write.format("delta")
        .mode("overwrite")
        .option("replaceWhere", " OR ".join(clauses))
        .save(path)
    )
