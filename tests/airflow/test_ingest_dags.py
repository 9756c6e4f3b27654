"""The generated ingest DAGs (dags/ingest_sources.py) and the task they call
(spark_jobs/ingest/task.py): one DAG per contract, house rules, the bronze asset as outlet, no
Spark at parse time, and the outcome → task state / asset event policy."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from common.assets import bronze_asset
from spark_jobs.contracts import all_contracts
from spark_jobs.core.settings import REPO_ROOT
from tests.synthetic import SCHEMAS
from tests.unit.ingest.helpers import summary_of

DAG_FILE = REPO_ROOT / "dags" / "ingest_sources.py"
SOURCE = "supervision_items"  # small: one UTF-8 CSV of the sample deliveries
SAMPLE = (
    REPO_ROOT
    / "data_samples"
    / "demo"
    / "landing"
    / SOURCE
    / "2024-06-28"
    / "supervision_items_2024-06-28.csv"
)
SAMPLE_ROWS = 23


def _ingest_dags(bag):
    return {dag_id: dag for dag_id, dag in bag.dags.items() if dag_id.startswith("ingest_")}


def test_dagbag_loads_one_ingest_dag_per_contract(bag):
    assert bag.import_errors == {}
    contracts = all_contracts(SCHEMAS)
    assert len(contracts) >= 2
    assert sorted(_ingest_dags(bag)) == sorted(f"ingest_{c.name}" for c in contracts)


def test_ingest_dags_follow_the_house_rules_and_publish_their_bronze_table(bag):
    from airflow.sdk import Asset, CronDataIntervalTimetable

    for dag_id, dag in _ingest_dags(bag).items():
        source = dag_id.removeprefix("ingest_")
        assert [t.task_id for t in dag.tasks] == ["ingest_bronze"], dag_id
        assert dag.max_active_runs == 1 and dag.catchup is False, dag_id
        assert isinstance(dag.timetable, CronDataIntervalTimetable), dag_id  # ds = day ended
        assert dag.timetable.expression == "0 0 * * *", dag_id
        assert {"ingest", "bronze", source} <= set(dag.tags), dag_id
        (task,) = dag.tasks
        assert task.retries >= 2, dag_id
        assert task.owner == "data-engineering", dag_id
        assert task.pool == "lakehouse_spark", dag_id  # one Spark writer at a time
        assert task.outlets == [
            Asset(name=f"bronze.{source}", uri=f"x-lakehouse://bronze/{source}")
        ], dag_id
        assert bronze_asset(source) == Asset(
            name=f"bronze.{source}", uri=f"x-lakehouse://bronze/{source}"
        )


def test_ingest_dags_serialize(bag):
    """What the DAG processor stores: the timetable and the assets must serialize."""
    from airflow.serialization.serialized_objects import DagSerialization

    for dag in _ingest_dags(bag).values():
        data = DagSerialization.to_dict(dag)
        assert data["dag"]["dag_id"] == dag.dag_id


def test_dag_file_has_no_spark_code_and_parses_without_spark():
    text = DAG_FILE.read_text(encoding="utf-8")
    for word in (
        "pyspark",
        "SparkSession",
        "get_spark",
        "spark.sql",
        "spark.table",
        "createDataFrame",
    ):
        assert word not in text, word
    assert "from airflow.sdk import" in text
    # importing the DAG file (what the DAG processor does) must not import Spark
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('ingest_sources', {str(DAG_FILE)!r})\n"
        "mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pyspark', 'py4j', 'delta')))\n"
    )
    # Airflow's DAG processor has dags/ on sys.path (the DAG files import `common`)
    env = {
        **os.environ,
        "AIRFLOW_HOME": os.environ.get("AIRFLOW_HOME", "/tmp/airflow-test"),
        "PYTHONPATH": str(REPO_ROOT / "dags"),
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "files, expected",
    [
        ([("ingested", 5), ("rejected", 0)], "success"),
        ([("skipped_duplicate", 0)], "skipped"),
        ([], "skipped"),
        ([("rejected", 0)], "failed"),
    ],
)
def test_task_state_and_asset_event_follow_the_outcome(bag, monkeypatch, files, expected):
    from airflow.sdk import Asset
    from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException
    from airflow.sdk.execution_time.context import OutletEventAccessors

    import spark_jobs.ingest.task as ingest_task

    summary = summary_of(files)
    monkeypatch.setattr(ingest_task, "ingest_source", lambda source, ds: summary)
    pushed = {}

    class TI:
        def xcom_push(self, key, value):
            pushed[key] = value

    task = bag.dags[f"ingest_{SOURCE}"].get_task("ingest_bronze")
    events = OutletEventAccessors()
    asset = Asset(name=f"bronze.{SOURCE}", uri=f"x-lakehouse://bronze/{SOURCE}")
    call = lambda: task.python_callable(ds="2024-06-28", outlet_events=events, ti=TI())  # noqa: E731
    if expected == "success":
        assert call() == summary
        assert events[asset].extra == {
            "delivery_date": "2024-06-28",
            "rows": 5,
            "files_ingested": 1,
            "files_rejected": 1,
            "files_waiting": 0,
            "contract_version": summary["contract_version"],
        }
        return
    with pytest.raises(AirflowFailException if expected == "failed" else AirflowSkipException):
        call()
    assert pushed["return_value"] == summary
    assert len(events) == 0  # no extra recorded; a skipped or failed task emits no event


def test_a_downstream_dag_can_be_scheduled_on_a_bronze_asset(bag):
    """The asset a consumer names (same name and URI) is the one the ingest task publishes."""
    from airflow.sdk import DAG
    from airflow.serialization.serialized_objects import DagSerialization

    asset = bronze_asset(SOURCE)
    consumer = DAG("consumer_of_bronze", schedule=[asset])
    assert list(consumer.timetable.asset_condition.objects) == [asset]
    assert asset in bag.dags[f"ingest_{SOURCE}"].get_task("ingest_bronze").outlets
    DagSerialization.to_dict(consumer)
