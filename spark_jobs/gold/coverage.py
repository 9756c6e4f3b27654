"""Supervision-action data coverage (监管行为数据覆盖率) per department, as a gold Delta table.

coverage_rate = distinct catalog items with at least one supervision action in the period
              / catalog items of that department.
The period runs from 1 January of the run date's year to the run date (the seeds set year-end
targets: ≥80 % by mid-year, 100 % by the end of the year, seed 002). No official formula
exists (NATIONAL_DATA.md §6.1); numerator and denominator are documented in the README.
Rows are keyed by run_date: a re-run replaces that date's rows (`replaceWhere`), history stays.
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import functions as F
from pyspark.sql import types as T

from spark_jobs.core.delta import ensure_table
from spark_jobs.core.settings import Settings

TABLE = "coverage_rate"
TARGETS = (0.8, 1.0)
SCHEMA = T.StructType([
    T.StructField("run_date", T.DateType(), False),
    T.StructField("department_code", T.StringType(), False),
    T.StructField("department_name", T.StringType(), True),
    T.StructField("period_start", T.DateType(), False),
    T.StructField("period_end", T.DateType(), False),
    T.StructField("items_total", T.LongType(), False),
    T.StructField("items_covered", T.LongType(), False),
    T.StructField("coverage_rate", T.DecimalType(7, 4), False),
    T.StructField("meets_80_target", T.BooleanType(), False),
    T.StructField("meets_100_target", T.BooleanType(), False),
])


def compute(spark, run_date: date, period_start: date | None = None):
    """Coverage per department from gold.supervision_items and gold.supervision_actions."""
    start = period_start or date(run_date.year, 1, 1)
    items = spark.table("gold.supervision_items").select(
        "item_code", "department_code", "department_name")
    acted = (spark.table("gold.supervision_actions")
             .where(F.col("action_date").between(F.lit(start), F.lit(run_date)))
             .select("item_code").distinct().withColumn("covered", F.lit(1)))
    rate = (F.col("items_covered") / F.col("items_total")).cast("decimal(7,4)")
    return (items.join(acted, "item_code", "left")
            .groupBy("department_code")
            .agg(F.first("department_name", ignorenulls=True).alias("department_name"),
                 F.count("*").alias("items_total"),
                 F.count("covered").alias("items_covered"))
            .select(F.lit(run_date).alias("run_date"), "department_code", "department_name",
                    F.lit(start).alias("period_start"), F.lit(run_date).alias("period_end"),
                    "items_total", "items_covered", rate.alias("coverage_rate"),
                    (rate >= TARGETS[0]).alias("meets_80_target"),
                    (rate >= TARGETS[1]).alias("meets_100_target"))
            .orderBy("department_code"))


def build(spark, settings: Settings, run_date: date) -> list[dict]:
    path = ensure_table(spark, settings, "gold", TABLE, SCHEMA)
    df = spark.createDataFrame(compute(spark, run_date).collect(), SCHEMA)
    (df.write.format("delta").mode("overwrite")
     .option("replaceWhere", f"run_date = DATE'{run_date.isoformat()}'").save(path))
    return [r.asDict() for r in df.collect()]
