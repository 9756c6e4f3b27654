"""Delta helpers every writer shares: create a table before anyone writes to it."""

from __future__ import annotations

from pyspark.sql import types as T

from spark_jobs.core.catalog import register_table
from spark_jobs.core.settings import Settings


def add_missing_columns(spark, path: str, schema: T.StructType) -> None:
    """A lake made by an older version gains the columns added since (nullable, at the end),
    so writers with the current schema keep working without rewriting the table."""
    have = {f.name for f in spark.read.format("delta").load(path).schema}
    missing = [f for f in schema if f.name not in have]
    if missing:
        cols = ", ".join(f"`{f.name}` {f.dataType.simpleString()}" for f in missing)
        spark.sql(f"ALTER TABLE delta.`{path}` ADD COLUMNS ({cols})")


def ensure_table(spark, settings: Settings, layer: str, name: str, schema: T.StructType) -> str:
    """Create an empty Delta table at its lake path if it is not there, and name it.

    DDL before writes: two writers creating one table at once fail with
    `ProtocolChangedException` (docs/pitfalls.md).
    """
    from delta.tables import DeltaTable

    path = settings.table_path(layer, name)
    if not DeltaTable.isDeltaTable(spark, path):
        spark.createDataFrame([], schema).write.format("delta").mode("ignore").save(path)
    else:
        add_missing_columns(spark, path, schema)
    register_table(spark, layer, name, path)
    return path
