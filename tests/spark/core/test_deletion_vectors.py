"""Deletion vectors (spark_jobs/core/session.py's default, maintenance.enable_deletion_vectors):
a MERGE that replaces a few rows of a large file marks them instead of copying the rest of the
file. That copy is what made the daily MERGEs into silver and gold grow with the lake's age."""

from __future__ import annotations

from spark_jobs.core import maintenance


def _merge_three_rows(spark, path: str) -> dict:
    """Update three of the table's 1,000 rows and insert two: the MERGE's metrics."""
    spark.range(997, 1002).selectExpr("id", "'new' as v").createOrReplaceTempView("dv_source")
    spark.sql(
        f"MERGE INTO delta.`{path}` t USING dv_source s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
    )
    history = spark.sql(f"DESCRIBE HISTORY delta.`{path}` LIMIT 1").first()
    assert history["operation"] == "MERGE"
    return history["operationMetrics"]


def _one_file(spark, path: str, properties: str = "") -> None:
    spark.sql(
        f"CREATE TABLE delta.`{path}` USING delta {properties} "
        "AS SELECT /*+ COALESCE(1) */ id, cast(id as string) as v FROM range(1000)"
    )


def test_new_tables_merge_without_copying_their_files(spark, lake):
    path = lake.table_path("gold", "dv_default")
    _one_file(spark, path)
    metrics = _merge_three_rows(spark, path)
    assert metrics["numTargetRowsUpdated"] == "3" and metrics["numTargetRowsInserted"] == "2"
    assert metrics["numTargetRowsCopied"] == "0"  # 997 rows copied without deletion vectors
    assert metrics["numTargetDeletionVectorsAdded"] == "1"
    rows = spark.read.format("delta").load(path)
    assert rows.count() == 1002 and rows.where("v = 'new'").count() == 5


def test_an_older_table_is_upgraded_once_and_then_merges_without_copying(spark, lake):
    path = lake.table_path("silver", "dv_older")
    _one_file(spark, path, "TBLPROPERTIES ('delta.enableDeletionVectors' = false)")
    before = _merge_three_rows(spark, path)
    assert before["numTargetRowsCopied"] == "997"  # what every daily MERGE paid before

    only = ["silver.dv_older"]
    assert maintenance.enable_deletion_vectors(spark, lake, only) == {"upgraded": only}
    assert maintenance.enable_deletion_vectors(spark, lake, only) == {"upgraded": []}
    spark.sql(f"DELETE FROM delta.`{path}` WHERE id >= 997")
    after = _merge_three_rows(spark, path)
    assert after["numTargetRowsCopied"] == "0" and after["numTargetRowsInserted"] == "5"
    assert spark.read.format("delta").load(path).count() == 1002
