"""The DAG file imports cleanly and follows the house rules (no Spark started here)."""
import os

from spark_jobs.core.settings import REPO_ROOT


def test_dagbag_has_no_import_errors_and_rules_hold(tmp_path):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path / "airflow"))
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(REPO_ROOT / "dags"))
    assert bag.import_errors == {}
    dag = bag.dags["supervision_actions_pipeline"]
    assert [t.task_id for t in dag.topological_sort()] == [
        "build_silver", "quality_gate", "build_gold", "export_national", "report"]
    for t in dag.tasks:
        assert t.retries >= 2, t.task_id
        assert t.owner == "data-engineering"
        assert t.pool == "lakehouse_spark"
    assert {"supervision", "national_export"} <= set(dag.tags)
    assert dag.max_active_runs == 1
    from spark_jobs.pipeline import tasks as pipeline

    assert [t.task_id for t in dag.topological_sort()] == [f.__name__ for f in pipeline.TASKS]


def test_dag_file_is_thin():
    """Only orchestration in dags/: no Spark, no SQL."""
    text = (REPO_ROOT / "dags" / "supervision_actions_pipeline.py").read_text(encoding="utf-8")
    assert "SparkSession" not in text and "spark.sql" not in text
    assert "from airflow.sdk import" in text
