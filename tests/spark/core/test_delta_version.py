"""`latest_version` reads a table's version from its `_delta_log` names; it must agree with
Delta's own history through appends, a checkpoint, OPTIMIZE and a RESTORE."""

from __future__ import annotations

import pytest
from delta.tables import DeltaTable

from spark_jobs.core.delta import latest_version

pytestmark = pytest.mark.quick


def _history_version(spark, path: str) -> int:
    return DeltaTable.forPath(spark, path).history(1).collect()[0]["version"]


def test_latest_version_agrees_with_history(spark, lake):
    path = lake.table_path("gold", "versions")
    spark.range(1).write.format("delta").save(path)
    assert latest_version(spark, path) == 0 == _history_version(spark, path)
    for i in range(11):  # past the checkpoint interval (10): a checkpoint file in the log
        spark.range(i, i + 1).write.format("delta").mode("append").save(path)
    spark.sql(f"OPTIMIZE delta.`{path}`")
    spark.sql(f"RESTORE TABLE delta.`{path}` TO VERSION AS OF 3")
    assert latest_version(spark, path) == 13 == _history_version(spark, path)
    assert latest_version(spark, f"file:{path}") == 13  # a location as the catalog shows it


def test_latest_version_of_a_folder_without_commits_names_it(spark, lake, tmp_path):
    (tmp_path / "empty" / "_delta_log").mkdir(parents=True)
    with pytest.raises(LookupError, match="empty: not a Delta table"):
        latest_version(spark, str(tmp_path / "empty"))
    with pytest.raises(LookupError, match=r"nothing: not a Delta table \(no _delta_log\)"):
        latest_version(spark, str(tmp_path / "nothing"))
