"""The DAG files import cleanly and follow the house rules: thin, pooled, one producer per table,
and the downstream DAG scheduled on the bronze Assets."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest

from common.assets import bronze_asset, run_date
from spark_jobs.core.settings import REPO_ROOT

PIPELINE = "supervision_pipeline"


def test_dagbag_has_no_import_errors_and_rules_hold(bag):
    assert bag.import_errors == {}
    assert not any(d.startswith("common") for d in bag.dags)  # dags/common is not parsed
    dag = bag.dags[PIPELINE]
    from spark_jobs.pipeline import tasks as pipeline
    from spark_jobs.pipeline.gold_parts import GOLD_PARTS

    order = [t.task_id for t in dag.topological_sort()]
    gold = [f"gold_{part}" for part in GOLD_PARTS]
    assert order[:2] == ["build_silver", "quality_gate"]
    assert sorted(order[2:-2]) == sorted(gold)  # one gold task per repository / part
    assert order[-2:] == ["export_national", "report"]
    for part, needs in GOLD_PARTS.items():
        upstream = dag.get_task(f"gold_{part}").upstream_task_ids
        assert upstream == ({f"gold_{n}" for n in needs} or {"quality_gate"}), part
    assert dag.get_task("export_national").upstream_task_ids == set(gold)
    # The same functions run_all calls, gold split by part.
    names = [f.__name__ for f in pipeline.TASKS]
    assert names == ["build_silver", "quality_gate", "build_gold", "export_national", "report"]
    outlets = {a.name for t in gold for a in dag.get_task(t).outlets}
    assert {"gold.supervision_actions", "gold.complaints", "gold.coverage_rate"} <= outlets
    for t in dag.tasks:
        assert t.retries >= 2, t.task_id
        assert t.owner == "data-engineering"
        assert t.pool == "lakehouse_spark"
    assert {"supervision", "national_export"} <= set(dag.tags)
    assert dag.max_active_runs == 1


def test_pipeline_is_scheduled_on_the_bronze_assets_and_daily_so_it_can_be_backfilled(bag):
    dag = bag.dags[PIPELINE]
    assert type(dag.timetable).__name__ == "AssetOrTimeSchedule"
    condition = dag.timetable.asset_condition
    assert set(condition.objects) == {
        bronze_asset(d.removeprefix("ingest_")) for d in bag.dags if d.startswith("ingest_")
    }
    assert len(condition.objects) >= 18
    assert type(condition).__name__ == "AssetAny"  # any source's new rows start a run
    # The clock is the ingest DAGs' daily data interval: `ds` is the day that ended.
    ingest = bag.dags["ingest_supervision_items"]
    assert dag.timetable.timetable == ingest.timetable
    assert dag.params["recompute_past"] is False


def test_every_table_asset_has_exactly_one_producing_task(bag):
    producers = Counter(
        asset.name for dag in bag.dags.values() for t in dag.tasks for asset in t.outlets
    )
    assert producers, "no task publishes an asset"
    assert {name: n for name, n in producers.items() if n != 1} == {}
    bronze = {name for name in producers if name.startswith("bronze.")}
    assert bronze == {
        f"bronze.{d.removeprefix('ingest_')}" for d in bag.dags if d.startswith("ingest_")
    }


def test_dag_files_are_thin_and_edit_no_sys_path():
    for path in (REPO_ROOT / "dags").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "sys.path" not in text, path
        assert "SparkSession" not in text and "spark.sql" not in text, path
    text = (REPO_ROOT / "dags" / f"{PIPELINE}.py").read_text(encoding="utf-8")
    assert "from airflow.sdk import" in text


def _event(extra):
    return SimpleNamespace(extra=extra)


def test_run_date_is_the_logical_date_or_the_latest_triggering_delivery():
    assert run_date("2024-06-28", None) == "2024-06-28"
    events = {
        bronze_asset("supervision_items"): [_event({"delivery_date": "2024-06-27"})],
        bronze_asset("supervision_actions"): [_event({"delivery_date": "2024-06-29"}), _event({})],
    }
    assert run_date(None, events) == "2024-06-29"
    with pytest.raises(ValueError, match="no logical date"):
        run_date(None, {bronze_asset("supervision_items"): [_event(None)]})
