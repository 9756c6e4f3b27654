"""One ingest DAG per delivery contract in `schemas/`: landing zone → bronze, once a day.

Generated at parse time from the contract files (YAML only: no Spark is started here, and adding
a source is adding a contract). `ingest_<source>` has one task, `ingest_bronze`, which calls
`spark_jobs.ingest_task.ingest_source(source, ds)`: it ingests
`landing/<landing_dir>/<ds>/` into `bronze.<source>` and returns per-file results (status, rows,
reason). The task's outlet is the Airflow asset of the bronze table, name `bronze.<source>`, URI
`x-lakehouse://bronze/<source>`, so downstream DAGs can be scheduled on data:

    from airflow.sdk import Asset
    @dag(schedule=[Asset(name="bronze.supervision_actions",
                         uri="x-lakehouse://bronze/supervision_actions")], ...)

Task states (see `spark_jobs/ingest_task.py`): rows landed → success and one asset event whose
extra holds the delivery date and counts; nothing new or no files → skipped, no asset event;
every file rejected → failed without retries. A rejected file never fails a run in which other
files landed: it is logged as a warning and recorded in ops.batch_log.

Schedule: one run per UTC day, as a data interval (`CronDataIntervalTimetable`): the run that
starts at 00:00 UTC (08:00 Beijing time) has `ds` = the day that just ended, so it ingests that
day's complete delivery folder. A late delivery into an older folder is picked up by re-running
that date (`airflow tasks clear` / `airflow dags test ingest_<source> <date>`): bronze skips what
is already there.
"""
from __future__ import annotations

import logging
import sys
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import Asset, CronDataIntervalTimetable, dag, task
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo: spark_jobs

# Parse-time imports: YAML and strings only, never Spark (tests/test_ingest_dags.py checks).
from spark_jobs.ingest_task import (  # noqa: E402
    bronze_asset_name, bronze_asset_uri, source_contracts)
from spark_jobs.settings import REPO_ROOT  # noqa: E402

log = logging.getLogger(__name__)
SCHEMAS = REPO_ROOT / "schemas"


def _xcom(value):
    """Task results go to XCom as plain JSON (dates and decimals as strings)."""
    import json

    return json.loads(json.dumps(value, default=str))


# Every ingest task starts a Spark driver and MERGEs into the shared ops.batch_log, and all the
# DAGs are due at the same minute: the pool lets them run one (or a few) at a time instead of
# 18 JVMs at once on a small machine and concurrent MERGEs on one Delta table (which S3A cannot
# arbitrate). Create it once: `airflow pools set lakehouse_spark 1 "Spark jobs on the lake"`.
# A scheduler does not run tasks of a pool that does not exist (the UI shows a DAG warning);
# `airflow dags test` ignores pools.
SPARK_POOL = "lakehouse_spark"

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "pool": SPARK_POOL,
}


def bronze_asset(source: str) -> Asset:
    return Asset(name=bronze_asset_name(source), uri=bronze_asset_uri(source))


def _sources() -> list[tuple[str, dict]]:
    """(source, facts) per contract of `contracts.all_contracts()`. A contract that does not load
    still gets its DAG (named after its file), whose run fails with the contract error: a broken
    contract shows up as a red task, and never hides the other sources' DAGs behind an import
    error (see `ingest_task.source_contracts`)."""
    out, seen = [], set()
    for source, contract, error in source_contracts(SCHEMAS):
        if source in seen:
            log.error("source name %r is used by two contracts: one DAG only", source)
            continue
        seen.add(source)
        if contract is None:
            log.error("contract of %s does not load: %s", source, error)
            facts = {"format": "unknown", "landing_dir": source, "title": source,
                     "error": error}
        else:
            facts = {"format": contract.format, "landing_dir": contract.landing_dir,
                     "title": contract.title.get("zh") or contract.title.get("en") or source,
                     "error": None}
        out.append((source, facts))
    return out


def _ingest_dag(source: str, facts: dict):
    asset = bronze_asset(source)
    tags = ["ingest", "bronze", source, facts["format"]]
    if facts["error"]:
        tags.append("contract_error")

    @dag(
        dag_id=f"ingest_{source}",
        description=(f"{facts['title']}: landing/{facts['landing_dir']}/<ds>/ → bronze.{source}"
                     + (f" (CONTRACT ERROR: {facts['error']})" if facts["error"] else "")),
        schedule=CronDataIntervalTimetable("@daily", timezone="UTC"),
        start_date=datetime(2024, 1, 1),
        catchup=False,
        max_active_runs=1,  # one writer per Delta table (S3A has no cross-process commit lock)
        default_args=DEFAULT_ARGS,
        tags=tags,
        doc_md=__doc__,
    )
    def ingest():
        @task(task_id="ingest_bronze", outlets=[asset])
        def ingest_bronze(ds=None, outlet_events=None, ti=None):
            from spark_jobs.ingest_task import ingest_source

            result = _xcom(ingest_source(source, ds))
            if result["outcome"] != "new_data":  # the per-file results stay visible in XCom
                ti.xcom_push("return_value", result)
            if result["outcome"] == "all_rejected":
                raise AirflowFailException(result["message"])  # a retry reads the same bytes
            if result["outcome"] != "new_data":
                raise AirflowSkipException(result["message"])  # skipped: no asset event
            outlet_events[asset].extra = result["event"]
            return result

        ingest_bronze()

    return ingest()


for _source, _facts in _sources():
    _ingest_dag(_source, _facts)
