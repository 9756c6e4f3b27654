"""One source's delivery folder into bronze: the function every `ingest_<source>` DAG calls.

`ingest_source(source, ds)` ingests `landing/<landing_dir>/<ds>/` into `bronze.<source>` with
`bronze.ingest` (every format, files already ingested skipped, every file recorded in
ops.batch_log) and returns a JSON-safe summary: one entry per file (status, rows, reason) and an
`outcome` that the DAG turns into the task's state and the asset event:

| outcome | when | task | asset event `bronze.<source>` |
|---|---|---|---|
| `new_data` | at least one file landed rows in bronze (others may be rejected) | success | yes, extra = `event` |
| `nothing_new` | files were there but none added rows (already ingested, header-only, the first part of a dump `waiting` for the rest, or rejected next to skipped ones) | skipped | no |
| `no_files` | the landing folder of the date is empty or absent | skipped | no |
| `all_rejected` | there were files and every one was rejected | failed, not retried | no |

A rejected file never stops the others; its reason is logged as a warning (it is in the Airflow
task log) and kept in ops.batch_log. When every file of a run is rejected nothing usable arrived
for the day, which is worth a red task and an alert; retrying cannot change a file's content, so
the DAG fails such a run without retries (re-run the date once the department re-delivers).

Nothing here imports Spark or Airflow at module level.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from datetime import date

from spark_jobs.contracts import Contract, find_contract
from spark_jobs.core.settings import Settings

log = logging.getLogger(__name__)

OUTCOMES = ("new_data", "nothing_new", "no_files", "all_rejected")
STATUSES = ("ingested", "skipped_duplicate", "rejected", "waiting")  # a file's, bronze.FileResult


def _day(run_date) -> date:
    return run_date if isinstance(run_date, date) else date.fromisoformat(str(run_date)[:10])


def summarize(contract: Contract, day: date, results) -> dict:
    """The JSON-safe summary of one run of `bronze.ingest` (see the module's table)."""
    files = [
        {
            "file": r.source_file,
            "status": r.status,
            "rows": int(r.rows),
            "reason": r.reason,
            "batch_id": r.batch_id,
        }
        for r in results
    ]
    counts = Counter(f["status"] for f in files)
    rows = sum(f["rows"] for f in files if f["status"] == "ingested")
    if not files:
        outcome = "no_files"
    elif counts["rejected"] == len(files):
        outcome = "all_rejected"
    elif rows > 0:
        outcome = "new_data"
    else:
        outcome = "nothing_new"
    folder = f"landing/{contract.landing_dir}/{day.isoformat()}"
    message = {
        "new_data": f"{rows} rows from {counts['ingested']} file(s) landed in "
        f"bronze.{contract.name}",
        "nothing_new": f"nothing new in {folder}: "
        + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())),
        "no_files": f"no files in {folder}",
        "all_rejected": f"every file in {folder} was rejected ({len(files)}): "
        + "; ".join(str(f["reason"]) for f in files[:5])
        + (" …" if len(files) > 5 else ""),
    }[outcome]
    return {
        "source": contract.name,
        "table": f"bronze.{contract.name}",
        "delivery_date": day.isoformat(),
        "landing": folder,
        "contract_version": contract.version,
        "outcome": outcome,
        "message": message,
        "counts": {s: counts.get(s, 0) for s in STATUSES},
        "rows_ingested": rows,
        "files": files,
        # the asset event's extra (small: the files themselves are in ops.batch_log)
        "event": {
            "delivery_date": day.isoformat(),
            "rows": rows,
            "files_ingested": counts.get("ingested", 0),
            "files_rejected": counts.get("rejected", 0),
            "files_waiting": counts.get("waiting", 0),
            "contract_version": contract.version,
        },
    }


def ingest_source(source: str, run_date, settings: Settings | None = None, spark=None) -> dict:
    """Ingest landing/<landing_dir>/<run_date>/ of `source` into bronze; return the summary.

    `settings` and `spark` default to the environment's (`Settings.from_env()`, `get_spark`);
    tests pass their own.
    """
    from spark_jobs.core.codegen import fit_to_lake
    from spark_jobs.core.session import get_spark
    from spark_jobs.core.storage import Storage
    from spark_jobs.ingest import bronze

    settings = settings or Settings.from_env()
    contract = find_contract(source, settings.contract_dir)
    day = _day(run_date)
    storage = Storage.for_settings(settings)
    storage.check()  # MinIO down or the keys wrong: said in seconds, with the endpoint named
    keys = bronze.landing_keys(storage, contract, day)
    if keys:  # a day with nothing delivered starts no JVM (a scheduler's task: 10-20 s)
        spark = spark or get_spark(settings)
        # the small-lake mode while bronze and this delivery are small (core/codegen.py)
        fit_to_lake(spark, settings, delivery=f"{contract.landing_dir}/{day.isoformat()}")
    results = bronze.ingest(spark, settings, contract, day, keys) if keys else []
    summary = summarize(contract, day, results)
    for f in summary["files"]:
        if f["status"] == "rejected":
            log.warning("bronze %s: REJECTED %s: %s", source, f["file"], f["reason"])
        else:
            note = f": {f['reason']}" if f["reason"] else ""
            log.info(
                "bronze %s: %s %s (%d rows)%s", source, f["status"], f["file"], f["rows"], note
            )
    log.info("bronze %s %s: %s", source, day, summary["message"])
    return summary


if __name__ == "__main__":  # python -m spark_jobs.ingest.task <source> <yyyy-mm-dd>
    import json

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    print(json.dumps(ingest_source(sys.argv[1], sys.argv[2]), ensure_ascii=False, indent=2))
