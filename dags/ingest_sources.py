"""One ingest DAG per delivery contract in `schemas/`: landing zone → bronze, once a day.

Generated at parse time from the contract files (YAML only: no Spark is started here, and adding
a source is adding a contract). `ingest_<source>` has one task, `ingest_bronze`, which calls
`spark_jobs.ingest.task.ingest_source(source, ds)`: it ingests
`landing/<landing_dir>/<ds>/` into `bronze.<source>` and returns per-file results (status, rows,
reason). The task's outlet is the Airflow asset of the bronze table (`common.assets`, name
`bronze.<source>`, URI `x-lakehouse://bronze/<source>`); the ingest DAG is its only producer,
and what comes after bronze is scheduled on these assets (`supervision_pipeline.py`).

Task states (see `spark_jobs/ingest/task.py`): rows landed → success and one asset event whose
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

from airflow.sdk import dag, task
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

# Parse-time imports: YAML and strings only, never Spark (tests/airflow checks).
from common.assets import bronze_asset
from common.defaults import DEFAULT_ARGS, START_DATE, daily
from common.xcom import to_xcom
from spark_jobs.contracts import source_contracts
from spark_jobs.core.settings import Settings

log = logging.getLogger(__name__)


def _sources() -> list[tuple[str, dict]]:
    """(source, facts) per contract of `contracts.all_contracts()`. A contract that does not load
    still gets its DAG (named after its file), whose run fails with the contract error: a broken
    contract shows up as a red task, and never hides the other sources' DAGs behind an import
    error (see `spark_jobs.contracts.source_contracts`)."""
    out, seen = [], set()
    for source, contract, error in source_contracts(Settings.from_env().contract_dir):
        if source in seen:
            log.error("source name %r is used by two contracts: one DAG only", source)
            continue
        seen.add(source)
        if contract is None:
            log.error("contract of %s does not load: %s", source, error)
            facts = {"format": "unknown", "landing_dir": source, "title": source, "error": error}
        else:
            facts = {
                "format": contract.format,
                "landing_dir": contract.landing_dir,
                "title": contract.title.get("zh") or contract.title.get("en") or source,
                "error": None,
            }
        out.append((source, facts))
    return out


def _ingest_dag(source: str, facts: dict):
    asset = bronze_asset(source)
    tags = ["ingest", "bronze", source, facts["format"]]
    if facts["error"]:
        tags.append("contract_error")

    @dag(
        dag_id=f"ingest_{source}",
        description=(
            f"{facts['title']}: landing/{facts['landing_dir']}/<ds>/ → bronze.{source}"
            + (f" (CONTRACT ERROR: {facts['error']})" if facts["error"] else "")
        ),
        schedule=daily(),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,  # one writer per Delta table (S3A has no cross-process commit lock)
        default_args=DEFAULT_ARGS,
        tags=tags,
        doc_md=__doc__,
    )
    def ingest():
        @task(task_id="ingest_bronze", outlets=[asset])
        def ingest_bronze(ds=None, outlet_events=None, ti=None):
            from spark_jobs.ingest.task import ingest_source

            result = to_xcom(ingest_source(source, ds))
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
