"""Every source from bronze to the national export (named supervision_actions_pipeline until it
grew past the actions), whenever a bronze table changes, and once a day.

Scheduled on data and on the clock (`AssetOrTimeSchedule`): a run starts when any ingest DAG
(`ingest_<source>`, one per contract) publishes new rows to its bronze Asset (those DAGs are
bronze's only producers), and daily like the ingest DAGs (`daily`: `ds` is the day that ended),
so a day whose feeds are all late still gets its indicators and page, and a date range can be
backfilled with Airflow's own backfill (`airflow backfill create --dag-id
supervision_pipeline --from-date 2024-06-28 --to-date 2024-06-30`: one run per date,
in date order; an asset-only DAG cannot be backfilled). The daily run may start before that
day's feeds have landed: the asset-triggered runs that follow process them (tasks are
idempotent, `max_active_runs=1` keeps the runs one after the other).
Silver and the quality gate cover every source; gold is one task per supervision repository
(`gold_repository_1` ... `_8`), then the cross-repository views and the metrics, each after the
repositories whose marts it reads and each its own write-audit-publish; then the export. Thin
on purpose: each task calls one function in `spark_jobs.pipeline.tasks`, where the work and
its tests live. Tasks are idempotent, so retries and re-runs are safe.

The run's delivery date is its logical date when it has one (`airflow dags test <dag> <date>`,
a manual trigger with a date) and otherwise the latest delivery date of the triggering bronze
events (`common.assets.run_date`).
"""

from __future__ import annotations

from airflow.sdk import AssetAny, AssetOrTimeSchedule, Param, chain, dag, task

from common.assets import NATIONAL_EXPORT, bronze_asset, gold_asset, run_date, silver_asset
from common.defaults import DEFAULT_ARGS, START_DATE, daily
from common.xcom import to_xcom
from spark_jobs.contracts import source_contracts
from spark_jobs.core.settings import Settings
from spark_jobs.pipeline.gold_parts import GOLD_PARTS, gold_models

# Parse-time: YAML and file names only. Every contract's silver table.
ALL_SOURCES = [name for name, _, _ in source_contracts(Settings.from_env().contract_dir)]
# The functions of spark_jobs.pipeline.tasks, in order, with the tables each one writes; gold
# is one task per part (GOLD_PARTS: a repository, the cross-repository views, the metrics).
BEFORE_GOLD = {
    "build_silver": [silver_asset(s) for s in ALL_SOURCES] + [silver_asset("quarantine")],
    "quality_gate": [],
}
AFTER_GOLD = {"export_national": [NATIONAL_EXPORT], "report": []}


def _pipeline_task(name: str):
    def run(ds=None, triggering_asset_events=None):
        from spark_jobs.pipeline import tasks

        return to_xcom(getattr(tasks, name)(run_date(ds, triggering_asset_events)))

    run.__name__ = name
    run.__doc__ = f"spark_jobs.pipeline.tasks.{name} for the run's delivery date."
    return run


def _gold_task(part: str):
    def run(ds=None, triggering_asset_events=None, params=None):
        from spark_jobs.pipeline import tasks

        day = run_date(ds, triggering_asset_events)
        recompute = bool((params or {}).get("recompute_past", False))
        return to_xcom(tasks.build_gold_part(day, part, recompute_past=recompute))

    run.__name__ = f"gold_{part}"
    run.__doc__ = f"spark_jobs.pipeline.tasks.build_gold_part(<run date>, {part!r})."
    return run


@dag(
    dag_id="supervision_pipeline",
    description="互联网+监管: bronze → silver → quality gate → gold (dbt) → metrics, risk → export",
    schedule=AssetOrTimeSchedule(
        timetable=daily(), assets=AssetAny(*[bronze_asset(s) for s in ALL_SOURCES])
    ),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,  # one writer per Delta table (docs/pitfalls.md: S3A has no commit lock)
    default_args=DEFAULT_ARGS,
    tags=["supervision", "supervision_actions", "national_export"],
    # A re-run of a date before the newest one keeps that date's indicators and warnings as
    # they were reported; `-c '{"recompute_past": true}'` (a trigger, a backfill's
    # --dag-run-conf) recomputes them from the current marts (spark_jobs/gold/publish.py).
    params={"recompute_past": Param(False, type="boolean")},
    doc_md=__doc__,
)
def supervision_pipeline():
    before = [
        task(task_id=name, outlets=outlets)(_pipeline_task(name))()
        for name, outlets in BEFORE_GOLD.items()
    ]
    after = [
        task(task_id=name, outlets=outlets)(_pipeline_task(name))()
        for name, outlets in AFTER_GOLD.items()
    ]
    gold = {
        part: task(task_id=f"gold_{part}", outlets=[gold_asset(m) for m in gold_models(part)])(
            _gold_task(part)
        )()
        for part in GOLD_PARTS
    }
    chain(*before)
    for part, needs in GOLD_PARTS.items():
        (before[-1] if not needs else [gold[n] for n in needs]) >> gold[part]
    list(gold.values()) >> after[0]
    chain(*after)


supervision_pipeline()
