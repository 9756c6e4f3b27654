"""Supervision actions, landing zone to national export, once a day.

Thin on purpose: each task calls one function in `spark_jobs.pipeline`, where the work and its
tests live. Tasks are idempotent, so retries and backfills (`airflow dags backfill`) are safe.
"""
from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import dag, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo: spark_jobs

def _xcom(value):
    """Task results go to XCom as plain JSON (dates and decimals as strings)."""
    import json

    return json.loads(json.dumps(value, default=str))


DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
}


@dag(
    dag_id="supervision_actions_pipeline",
    description="监管行为: landing → bronze → silver → quality gate → gold (dbt) → coverage → export",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,  # one writer per Delta table (PITFALLS: S3A has no cross-process lock)
    default_args=DEFAULT_ARGS,
    tags=["supervision", "supervision_actions", "national_export"],
)
def supervision_actions_pipeline():
    @task
    def ingest_bronze(ds=None):
        from spark_jobs import pipeline
        return _xcom(pipeline.ingest_bronze(ds))

    @task
    def build_silver(ds=None):
        from spark_jobs import pipeline
        return _xcom(pipeline.build_silver(ds))

    @task
    def quality_gate(ds=None):
        from spark_jobs import pipeline
        return _xcom(pipeline.quality_gate(ds))

    @task
    def build_gold(ds=None):
        from spark_jobs import pipeline
        return _xcom(pipeline.build_gold(ds))

    @task
    def compute_coverage(ds=None):
        from spark_jobs import pipeline
        return _xcom(pipeline.compute_coverage(ds))

    @task
    def export_national(ds=None):
        from spark_jobs import pipeline
        return _xcom(pipeline.export_national(ds))

    @task
    def report(ds=None):
        from spark_jobs import pipeline
        return _xcom(pipeline.report(ds))

    (ingest_bronze() >> build_silver() >> quality_gate() >> build_gold() >> compute_coverage()
     >> export_national() >> report())


supervision_actions_pipeline()
