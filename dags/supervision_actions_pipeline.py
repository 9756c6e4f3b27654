"""Supervision actions, landing zone to national export, once a day.

Thin on purpose: each task calls one function in `spark_jobs.pipeline`, where the work and its
tests live. Tasks are idempotent, so retries and backfills (`airflow dags backfill`) are safe.
"""
from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import CronDataIntervalTimetable, chain, dag, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo: spark_jobs


def _xcom(value):
    """Task results go to XCom as plain JSON (dates and decimals as strings)."""
    import json

    return json.loads(json.dumps(value, default=str))


# The functions of spark_jobs.pipeline, in order (imported only when a task runs).
TASKS = ["ingest_bronze", "build_silver", "quality_gate", "build_gold", "compute_coverage",
         "export_national", "report"]


def _pipeline_task(name: str):
    def run(ds=None):
        from spark_jobs import pipeline

        return _xcom(getattr(pipeline, name)(ds))

    run.__name__ = name
    run.__doc__ = f"spark_jobs.pipeline.{name} for the run's logical date."
    return run


DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    # One Spark job on the lake at a time, shared with the ingest DAGs (dags/ingest_sources.py):
    # they write the same bronze tables and ops.batch_log (S3A has no cross-process commit lock).
    "pool": "lakehouse_spark",
}


@dag(
    dag_id="supervision_actions_pipeline",
    description="监管行为: landing → bronze → silver → quality gate → gold (dbt) → coverage → export",
    # A data interval: the 00:00 UTC run gets ds = the day that just ended (its landing folder).
    schedule=CronDataIntervalTimetable("@daily", timezone="UTC"),
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,  # one writer per Delta table (PITFALLS: S3A has no cross-process lock)
    default_args=DEFAULT_ARGS,
    tags=["supervision", "supervision_actions", "national_export"],
)
def supervision_actions_pipeline():
    chain(*[task(task_id=name)(_pipeline_task(name))() for name in TASKS])


supervision_actions_pipeline()
