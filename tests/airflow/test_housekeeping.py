"""The housekeeping DAG (dags/lakehouse_housekeeping.py) and the on-failure callback every DAG
shares (dags/common/alerts.py): the DAG parses and keeps the house rules, a failing task's
context becomes exactly one alert record, a failed quality gate and a late feed name their
sources."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from common.alerts import LateFeeds, on_failure_alert
from common.defaults import DEFAULT_ARGS
from spark_jobs.core.alerts import read_alerts
from spark_jobs.core.settings import Settings

DAG_ID = "lakehouse_housekeeping"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LAKEHOUSE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LAKEHOUSE_MODE", raising=False)
    return Settings.from_env()


def test_housekeeping_dag_parses_and_keeps_the_house_rules(bag):
    assert bag.import_errors == {}
    dag = bag.dags[DAG_ID]
    assert sorted(t.task_id for t in dag.tasks) == [
        "late_feeds", "optimize_tables", "prune_quality_outputs", "vacuum_tables",
    ]  # fmt: skip
    assert dag.get_task("vacuum_tables").upstream_task_ids == {"optimize_tables"}
    assert dag.timetable.expression == "0 0 * * *" and dag.max_active_runs == 1
    for t in dag.tasks:
        assert t.pool == "lakehouse_spark" and t.outlets == []  # no second producer of a table
    assert dag.get_task("late_feeds").retries == 0


def test_every_task_of_every_dag_alerts_on_failure(bag):
    assert DEFAULT_ARGS["on_failure_callback"] is on_failure_alert
    for dag in bag.dags.values():
        for t in dag.tasks:
            callbacks = t.on_failure_callback
            callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
            assert on_failure_alert in callbacks, (dag.dag_id, t.task_id)


def _context(dag_id, task_id, error, ds="2024-06-28"):
    ti = SimpleNamespace(
        dag_id=dag_id, task_id=task_id, run_id="scheduled__2024-06-29", try_number=3
    )
    return {"ti": ti, "run_id": ti.run_id, "ds": ds, "exception": error}


def test_a_failed_task_becomes_one_alert_record_and_an_alert_line(home, caplog):
    caplog.set_level("WARNING")
    on_failure_alert(_context("ingest_approvals", "ingest_bronze", RuntimeError("JVM died")))
    (alert,) = read_alerts(home)
    assert alert["kind"] == "task_failed" and alert["severity"] == "error"
    assert (alert["dag_id"], alert["task_id"], alert["run_id"]) == (
        "ingest_approvals", "ingest_bronze", "scheduled__2024-06-29",
    )  # fmt: skip
    assert alert["run_date"] == "2024-06-28" and alert["try_number"] == 3
    assert alert["exception"] == "RuntimeError: JVM died"
    assert (
        "dag_id=ingest_approvals/run_id=scheduled__2024-06-29/task_id=ingest_bronze" in alert["log"]
    )
    assert "ALERT task_failed [error] dag_id=ingest_approvals task_id=ingest_bronze" in caplog.text


def test_a_failed_quality_gate_names_its_sources(home):
    from spark_jobs.quality.gate import QualityGateFailed

    error = QualityGateFailed("quality gate failed for silver.supervision_actions (suite x)", None)
    error.sources = ["approvals", "supervision_actions"]  # set by pipeline.tasks.quality_gate
    # an asset-triggered run has no ds: the run date comes from the triggering events
    context = _context("supervision_pipeline", "quality_gate", error, ds=None)
    context["triggering_asset_events"] = {
        "bronze.x": [SimpleNamespace(extra={"delivery_date": "2024-06-27"})]
    }
    on_failure_alert(context)
    bare = QualityGateFailed("quality gate failed for silver.supervision_items (suite y)", None)
    on_failure_alert(_context("supervision_pipeline", "quality_gate", bare))
    first, second = read_alerts(home)
    assert first["kind"] == "quality_gate" and first["run_date"] == "2024-06-27"
    assert first["sources"] == ["approvals", "supervision_actions"]
    assert second["sources"] == ["supervision_items"]  # from the message when not set


def test_the_late_feed_task_fails_with_the_late_sources_and_the_callback_alerts(home, bag):
    day = home.home / "storage" / "landing" / "supervision_actions" / "2024-06-28"
    day.mkdir(parents=True)
    (day / "actions.csv").write_text("x\n", "utf-8")
    task = bag.dags[DAG_ID].get_task("late_feeds")
    with pytest.raises(LateFeeds) as caught:
        task.python_callable(ds="2024-06-28")  # long after 2024-06-28 23:00 Beijing time
    assert "supervision_actions" not in caught.value.sources
    assert "approvals" in caught.value.sources and "supervision_items" not in caught.value.sources
    assert "feed(s) late for 2024-06-28" in str(caught.value)
    on_failure_alert(_context(DAG_ID, "late_feeds", caught.value))
    (alert,) = read_alerts(home)
    assert alert["kind"] == "late_feed" and alert["sources"] == caught.value.sources
    assert "approvals: nothing in landing/" in alert["message"]


def test_the_callback_never_raises(monkeypatch, home, caplog):
    import spark_jobs.core.alerts as alerts

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(alerts, "record_alert", broken)
    on_failure_alert(_context("d", "t", ValueError("x")))  # logged, not raised
    assert "ALERT could not be recorded" in caplog.text
