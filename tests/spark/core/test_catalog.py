"""The catalog follows the lake it is given: `register_lake_tables` names every table of the
lake, re-points a name another lake left, and drops the names this lake lacks."""

from __future__ import annotations

import dataclasses

from spark_jobs.core.catalog import register_lake_tables, register_table, registered_locations


def _table(spark, settings, layer: str, name: str) -> str:
    path = settings.table_path(layer, name)
    spark.range(2).write.format("delta").mode("overwrite").save(path)
    return path


def test_names_follow_the_lake_given(spark, base_settings, tmp_path):
    first = dataclasses.replace(base_settings, home=tmp_path / "first")
    second = dataclasses.replace(base_settings, home=tmp_path / "second")
    shared_1 = _table(spark, first, "bronze", "shared")
    _table(spark, first, "silver", "only_first")
    shared_2 = _table(spark, second, "bronze", "shared")
    _table(spark, second, "gold", "only_second")

    assert register_lake_tables(spark, first) == ["bronze.shared", "silver.only_first"]
    where = registered_locations(spark)
    assert where[("bronze", "shared")].rstrip("/").endswith(shared_1)
    assert ("gold", "only_second") not in where

    assert register_lake_tables(spark, second) == ["bronze.shared", "gold.only_second"]
    where = registered_locations(spark)
    assert where[("bronze", "shared")].rstrip("/").endswith(shared_2)  # re-pointed
    assert ("silver", "only_first") not in where  # another lake's name is gone
    assert spark.table("gold.only_second").count() == 2
    # Again: nothing to change, the same names.
    assert register_lake_tables(spark, second) == ["bronze.shared", "gold.only_second"]
    assert registered_locations(spark) == where


def _entry(spark, layer: str, table: str) -> dict[str, str]:
    """What the catalog holds for `<layer>.<table>`, but its name and creation time."""
    jvm = spark._jvm
    ident = jvm.org.apache.spark.sql.catalyst.TableIdentifier.apply(table, jvm.scala.Some(layer))
    meta = spark._jsparkSession.sessionState().catalog().getTableMetadata(ident)
    return {
        "type": meta.tableType().name(),
        "provider": meta.provider().toString(),
        "storage": meta.storage().toString(),
        "schema": meta.schema().json(),
        "partitions": meta.partitionColumnNames().toString(),
        "properties": meta.properties().toString(),
        "owner": meta.owner(),
        "created_by": meta.createVersion(),
        "tracks_partitions": str(meta.tracksPartitionsInCatalog()),
        "preserves_case": str(meta.schemaPreservesCase()),
        "last_access": str(meta.lastAccessTime()),
    }


def test_a_name_is_the_entry_create_table_makes(spark, base_settings, tmp_path):
    """`register_table` writes the catalog entry itself (no Delta snapshot loaded): the same
    entry `CREATE TABLE ... USING DELTA LOCATION` makes, and the table reads the same by name."""
    lake = dataclasses.replace(base_settings, home=tmp_path / "lake")
    path = lake.table_path("silver", "partitioned")
    spark.range(5).selectExpr("id", "id % 2 AS part").write.format("delta").partitionBy(
        "part"
    ).save(path)
    spark.sql("CREATE DATABASE IF NOT EXISTS silver")
    spark.sql("DROP TABLE IF EXISTS silver.by_statement")
    spark.sql(f"CREATE TABLE silver.by_statement USING DELTA LOCATION '{path}'")
    register_table(spark, "silver", "by_name", path)
    try:
        made, expected = _entry(spark, "silver", "by_name"), _entry(spark, "silver", "by_statement")
        assert made == expected
        assert made["provider"] == "Some(delta)" and made["type"] == "EXTERNAL"
        assert spark.table("silver.by_name").where("part = 1").count() == 2
        described = {r.col_name for r in spark.sql("DESCRIBE TABLE silver.by_name").collect()}
        assert {"id", "part"} <= described  # the schema comes from Delta's log
    finally:
        spark.sql("DROP TABLE IF EXISTS silver.by_statement")
        spark.sql("DROP TABLE IF EXISTS silver.by_name")
