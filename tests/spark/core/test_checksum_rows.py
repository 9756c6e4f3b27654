"""Row counts from a table's latest Delta checksum (`core/delta.checksum_rows`), which the
report uses instead of a `count()` per table, must agree with Delta's own count."""

from __future__ import annotations

from pathlib import Path

import pytest
from delta.tables import DeltaTable

from spark_jobs.core.delta import checksum_rows, table_rows

pytestmark = pytest.mark.slow  # ten Delta commits: kept out of the quick tier's 3 minutes


def test_checksum_rows_agree_with_count_through_merges_deletes_and_optimize(spark, lake):
    """The report counts rows from each table's latest checksum (`checksum_rows`): equal to
    `count()` after appends, a MERGE that updates and deletes (deletion vectors: the rows stay
    in their files, marked), OPTIMIZE and a RESTORE; with no checksum, `table_rows` counts."""
    path = lake.table_path("gold", "counted")
    spark.sql(
        f"CREATE TABLE delta.`{path}` (id BIGINT, v STRING) USING delta "
        "TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')"
    )
    assert checksum_rows(spark, path) == 0
    seen = []
    for i in range(3):
        rows = spark.range(i * 100, i * 100 + 100).selectExpr("id", "'a' AS v")
        rows.write.format("delta").mode("append").save(path)
        seen.append((checksum_rows(spark, path), spark.read.format("delta").load(path).count()))
    DeltaTable.forPath(spark, path).alias("t").merge(
        spark.range(50, 250).selectExpr("id", "'b' AS v").alias("s"), "t.id = s.id"
    ).whenMatchedDelete("t.id % 2 = 0").whenMatchedUpdateAll().execute()  # 100 gone, 100 changed
    seen.append((checksum_rows(spark, path), spark.read.format("delta").load(path).count()))
    spark.sql(f"OPTIMIZE delta.`{path}`")
    seen.append((checksum_rows(spark, path), spark.read.format("delta").load(path).count()))
    assert seen == [(100, 100), (200, 200), (300, 300), (200, 200), (200, 200)]
    spark.sql(f"CREATE TABLE IF NOT EXISTS gold.counted USING delta LOCATION '{path}'")
    # RESTORE's checksum lists no files: counted by Spark
    spark.sql(f"RESTORE TABLE delta.`{path}` TO VERSION AS OF 1")
    assert checksum_rows(spark, path) is None
    assert table_rows(spark, path, "gold.counted") == 100
    spark.range(7).selectExpr("id", "'c' AS v").write.format("delta").mode("append").save(path)
    log = Path(path.removeprefix("file:")) / "_delta_log"
    latest = max(p.name[:20] for p in log.glob("*.json"))
    (log / f"{latest}.crc").unlink()  # a crash between the commit and its checksum
    assert checksum_rows(spark, path) is None
    assert table_rows(spark, path, "gold.counted") == 107
