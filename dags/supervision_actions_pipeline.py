"""Supervision actions from bronze to the national export, whenever their bronze tables change.

Scheduled on data, not on the clock: a run starts when any ingest DAG (`ingest_<source>`, one
per contract) publishes new rows to its bronze Asset (those DAGs are bronze's only producers).
Silver and the quality gate cover every source; gold and the export cover the sources gold
reads today (the catalog and the actions), and the gate of another source never holds them
back. Thin on purpose: each task calls one function in `spark_jobs.pipeline.tasks`, where
the work and its tests live. Tasks are idempotent, so retries and re-runs are safe.

The run's delivery date is its logical date when it has one (`airflow dags test <dag> <date>`,
a manual trigger with a date) and otherwise the latest delivery date of the triggering bronze
events (`common.assets.run_date`).
"""

from __future__ import annotations

from airflow.sdk import AssetAny, chain, dag, task

from common.assets import NATIONAL_EXPORT, bronze_asset, gold_asset, run_date, silver_asset
from common.defaults import DEFAULT_ARGS, START_DATE
from common.xcom import to_xcom
from spark_jobs.contracts import source_contracts
from spark_jobs.core.settings import Settings

# Parse-time: YAML only. Every contract's silver table; gold reads SOURCES.
ALL_SOURCES = [name for name, _, _ in source_contracts(Settings.from_env().contract_dir)]
SOURCES = ("supervision_items", "supervision_actions")
# The functions of spark_jobs.pipeline.tasks, in order, with the tables each one writes.
TASKS = {
    "build_silver": [silver_asset(s) for s in ALL_SOURCES] + [silver_asset("quarantine")],
    "quality_gate": [],
    "build_gold": [gold_asset(s) for s in SOURCES] + [gold_asset("coverage_rate")],
    "export_national": [NATIONAL_EXPORT],
    "report": [],
}


def _pipeline_task(name: str):
    def run(ds=None, triggering_asset_events=None):
        from spark_jobs.pipeline import tasks

        return to_xcom(getattr(tasks, name)(run_date(ds, triggering_asset_events)))

    run.__name__ = name
    run.__doc__ = f"spark_jobs.pipeline.tasks.{name} for the run's delivery date."
    return run


@dag(
    dag_id="supervision_actions_pipeline",
    description="监管行为: bronze → silver → quality gate → gold (dbt) → export",
    schedule=AssetAny(*[bronze_asset(s) for s in ALL_SOURCES]),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,  # one writer per Delta table (docs/pitfalls.md: S3A has no commit lock)
    default_args=DEFAULT_ARGS,
    tags=["supervision", "supervision_actions", "national_export"],
    doc_md=__doc__,
)
def supervision_actions_pipeline():
    chain(
        *[
            task(task_id=name, outlets=outlets)(_pipeline_task(name))()
            for name, outlets in TASKS.items()
        ]
    )


supervision_actions_pipeline()
