"""The catalog follows the lake it is given: `register_lake_tables` names every table of the
lake, re-points a name another lake left, and drops the names this lake lacks."""

from __future__ import annotations

import dataclasses

from spark_jobs.core.catalog import register_lake_tables, registered_locations


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
