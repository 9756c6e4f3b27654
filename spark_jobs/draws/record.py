"""Draw records in the lake: `draws.draw_objects` (one row per drawn object, with its officers)
and `draws.draw_records` (one row per draw: plan, seed, algorithm, the pool snapshots and their
hashes). The objects are written first and the record last: a draw exists once its record does
(analysts join the two), so a crash between the two commits publishes nothing, and re-running
the same draw (same plan, same seed, same pools) rewrites the same rows.
"""

from __future__ import annotations

import datetime as dt
import json

from pyspark.sql import functions as F
from pyspark.sql import types as T

from spark_jobs.core.delta import ensure_table
from spark_jobs.core.settings import Settings
from spark_jobs.draws.algorithm import Drawn

LAYER = "draws"
RECORDS = "draw_records"
OBJECTS = "draw_objects"

POOL_ENTRY = T.StructType(
    [T.StructField("entity_key", T.StringType()), T.StructField("credit_class", T.StringType())]
)
CONFLICT = T.StructType(
    [
        T.StructField("officer_id", T.StringType()),
        T.StructField("entity_key", T.StringType()),
        T.StructField("reason", T.StringType()),
    ]
)
RECORD_SCHEMA = T.StructType(
    [
        T.StructField("draw_id", T.StringType(), False),
        T.StructField("plan_id", T.StringType(), False),
        T.StructField("task_name", T.StringType()),
        T.StructField("item_code", T.StringType()),
        T.StructField("department_code", T.StringType()),
        T.StructField("division_prefix", T.StringType()),
        T.StructField("drawn_on", T.DateType()),
        T.StructField("drawn_at", T.TimestampType()),
        T.StructField("operator", T.StringType()),
        T.StructField("seed", T.StringType()),
        T.StructField("algorithm", T.StringType()),
        T.StructField("base_ratio", T.StringType()),  # exact decimals, as text
        T.StructField("class_multipliers", T.StringType()),  # JSON {"A": "0.5", ...}
        T.StructField("officers_per_object", T.IntegerType()),
        T.StructField("strata", T.StringType()),  # JSON {"A": [pool size, drawn], ...}
        T.StructField("pool_size", T.IntegerType()),
        T.StructField("draw_size", T.IntegerType()),
        T.StructField("pool_hash", T.StringType()),
        T.StructField("officer_pool_hash", T.StringType()),
        T.StructField("pool", T.ArrayType(POOL_ENTRY)),
        T.StructField("officer_pool", T.ArrayType(T.StringType())),
        T.StructField("conflicts", T.ArrayType(CONFLICT)),
        T.StructField("plan", T.StringType()),  # the plan as read, JSON
    ]
)
OBJECT_SCHEMA = T.StructType(
    [
        T.StructField("draw_id", T.StringType(), False),
        T.StructField("plan_id", T.StringType(), False),
        T.StructField("item_code", T.StringType()),
        T.StructField("department_code", T.StringType()),
        T.StructField("drawn_on", T.DateType()),
        T.StructField("entity_key", T.StringType(), False),
        T.StructField("credit_class", T.StringType()),
        T.StructField("rank", T.StringType()),
        T.StructField("officer_ids", T.ArrayType(T.StringType())),
    ]
)


def read_record(spark, settings: Settings, draw_id: str) -> dict | None:
    ensure_table(spark, settings, LAYER, RECORDS, RECORD_SCHEMA)
    rows = spark.table(f"{LAYER}.{RECORDS}").where(F.col("draw_id") == draw_id).collect()
    return rows[0].asDict(recursive=True) if rows else None


def read_objects(spark, settings: Settings, draw_id: str) -> list[dict]:
    ensure_table(spark, settings, LAYER, OBJECTS, OBJECT_SCHEMA)
    rows = spark.table(f"{LAYER}.{OBJECTS}").where(F.col("draw_id") == draw_id).collect()
    return [r.asDict(recursive=True) for r in rows]


def write(spark, settings: Settings, record: dict, drawn: list[Drawn]) -> None:
    """Objects (replacing this draw's rows, one commit), then the record (MERGE, one commit)."""
    from delta.tables import DeltaTable

    objects_path = ensure_table(spark, settings, LAYER, OBJECTS, OBJECT_SCHEMA)
    records_path = ensure_table(spark, settings, LAYER, RECORDS, RECORD_SCHEMA)
    draw_id = record["draw_id"]
    objects = [
        (
            draw_id,
            record["plan_id"],
            record["item_code"],
            record["department_code"],
            record["drawn_on"],
            d.entity_key,
            d.credit_class,
            d.rank,
            list(d.officers),
        )
        for d in drawn
    ]
    (
        spark.createDataFrame(objects, OBJECT_SCHEMA)
        .write.format("delta")
        .mode("overwrite")
        .option("replaceWhere", f"draw_id = '{draw_id}'")
        .save(objects_path)
    )
    row = spark.createDataFrame([tuple(record[f.name] for f in RECORD_SCHEMA)], RECORD_SCHEMA)
    (
        DeltaTable.forPath(spark, records_path)
        .alias("t")
        .merge(row.alias("s"), "t.draw_id = s.draw_id")
        .whenNotMatchedInsertAll()
        .execute()
    )


def strata_json(strata: dict[str, tuple[int, int]]) -> str:
    return json.dumps({c: list(v) for c, v in strata.items()}, sort_keys=True)


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)
