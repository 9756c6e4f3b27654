"""Run the project's DAGs for one delivery date in one process: what `infra/main.sh` calls.

Each DAG runs through Airflow's own test runner (`DAG.test`, the code behind
`airflow dags test`: a real DagRun in the metadata database, tasks executed in process), but all
of them in one Python process, so the 18 ingest DAGs and the downstream pipeline share one JVM
and one registration of the lake instead of paying 15-20 s each to start them again.

`DAG.test` walks the DAG folder again and writes every DAG of it to the metadata database on
each call (so that sibling DAGs exist, apache/airflow#64884): 1.4-1.7 s a run, 30 s of a
province day's 19 runs. This runner has parsed and synced the folder once when it starts, and
the DAG files do not change while it runs, so within `run_dag` that re-sync is left out
(`_synced_once`); the DagRun, its task instances and the tasks themselves are Airflow's own.

A DAG run that ends failed, or any task that ends failed or upstream_failed, stops the run with
the DAG, the task and the log folder named. Skipped tasks are fine (an ingest with nothing new).

    python -m spark_jobs.pipeline.dag_runs [--log <file>] [--days N] 2024-06-28 'ingest_*' <DAG>

With `--log`, Airflow's and Spark's output goes to that file and the terminal gets one line per
DAG run. With `--days N` the date and the N - 1 days after it run one after the other, in this
one process (each date's runs start when the previous date's have finished, as a scheduler
with `max_active_runs=1` runs them), and each day's short report is printed after its runs: a
new process per day paid the JVM's start and warm-up again (about 25 s), and a later day's
tasks ran in a cold JVM (the pipeline DAG of day 2 about 130 s where a warm process takes less).
The scheduler's own path, a process per task, is what the fault suite and the benchmarks run.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

BAD_TASK_STATES = {"failed", "upstream_failed"}


class DagRunFailed(RuntimeError):
    """A DAG run of the main job did not succeed."""


def _parse_dags() -> dict:
    """Every DAG of the configured folder, synced to the metadata database (as the CLI does)."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import BundleDagBag, sync_bag_to_db

    manager = DagBundlesManager()
    manager.sync_bundles_to_db()
    dags: dict = {}
    for bundle in manager.get_all_dag_bundles():
        bundle.initialize()
        bag = BundleDagBag(dag_folder=bundle.path, bundle_path=bundle.path, bundle_name=bundle.name)
        if bag.import_errors:
            raise DagRunFailed(f"DAG files do not import: {bag.import_errors}")
        sync_bag_to_db(bag, bundle.name, bundle.version)
        dags.update(bag.dags)
    return dags


@contextlib.contextmanager
def _synced_once() -> Iterator[None]:
    """Within `DAG.test`: no second walk of the DAG folder and no second sync of it to the
    database (`_parse_dags` did both when the runner started)."""
    from unittest import mock

    from airflow.dag_processing import dagbag

    class _Synced:  # what DAG.test builds and passes to sync_bag_to_db, both left out
        def __init__(self, **_: object) -> None:
            pass

    with (
        mock.patch.object(dagbag, "BundleDagBag", _Synced),
        mock.patch.object(dagbag, "sync_bag_to_db", lambda *a, **k: None),
    ):
        yield


def _task_states(dag_id: str, run_id: str) -> dict[str, str]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.execute(
            select(TaskInstance.task_id, TaskInstance.state).where(
                TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id
            )
        ).all()
    return {task_id: str(getattr(state, "value", state)) for task_id, state in rows}


def run_dag(dag, run_date: str) -> dict[str, str]:
    """One DagRun of `dag` for `run_date` (YYYY-MM-DD); its task states, or DagRunFailed.
    `dag` comes from `_parse_dags`, which has synced the DAG folder to the database."""
    logical = datetime.fromisoformat(run_date).replace(tzinfo=UTC)
    with _synced_once():
        run = dag.test(logical_date=logical)
    states = _task_states(dag.dag_id, run.run_id)
    bad = {t: s for t, s in states.items() if s in BAD_TASK_STATES}
    run_state = str(getattr(run.state, "value", run.state))
    if run_state != "success" or bad:
        raise DagRunFailed(
            f"DAG {dag.dag_id} for {run_date}: run {run_state}; "
            f"tasks {bad or states} (task logs under $AIRFLOW_HOME/logs/dag_id={dag.dag_id})"
        )
    return states


def _log_to(path: str):
    """Send this process's stdout and stderr (Airflow's and Spark's logs) to `path`; return a
    stream on the original stdout for the few lines a person at the terminal reads."""
    terminal = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    log_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    return terminal


def _options(argv: list[str]) -> tuple[str | None, int, list[str]]:
    """`--log <file>` and `--days N` (in any order) before the date; the rest as given."""
    log, days = None, 1
    while argv[:1] in (["--log"], ["--days"]) and len(argv) > 1:
        if argv[0] == "--log":
            log = argv[1]
        else:
            days = int(argv[1]) if argv[1].isdigit() else 0
        argv = argv[2:]
    return log, days, argv


def _short_report(day: str) -> str:
    """The day's short report, from the JSON the pipeline's report task wrote."""
    import json

    from spark_jobs.core.settings import Settings
    from spark_jobs.pipeline.report import render_short, report_path

    path = report_path(Settings.from_env().home, day)
    if not path.exists():  # a run of ingest DAGs only: no pipeline, no report
        return f"main: no report for {day} ({path} not written)"
    return render_short(json.loads(path.read_text("utf-8")))


def main(argv: list[str]) -> int:
    terminal = sys.stdout
    log, days, argv = _options(argv)
    if log:
        terminal = _log_to(log)
    if days < 1:
        print("main: --days takes a whole number of days, 1 or more", file=terminal)
        return 2
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    run_date, dag_ids = argv[0], argv[1:]
    dags = _parse_dags()
    selected = []
    for pattern in dag_ids:  # a DAG id, or a pattern such as 'ingest_*' (sorted matches)
        matches = sorted(fnmatch.filter(dags, pattern))
        if not matches:
            print(f"main: no DAG matches {pattern!r}", file=terminal)
            return 2
        selected += [m for m in matches if m not in selected]
    first_day = date.fromisoformat(run_date)
    for k in range(days):
        day = (first_day + timedelta(days=k)).isoformat()
        if days > 1:
            print(f"main: day {k + 1} of {days}: {day}", file=terminal)
        first = time.monotonic()
        for number, dag_id in enumerate(selected, start=1):
            started = time.monotonic()
            try:
                states = run_dag(dags[dag_id], day)
            except DagRunFailed as exc:
                print(f"main: {exc}", file=terminal)
                return 1
            summary = ", ".join(f"{t} {s}" for t, s in sorted(states.items()))
            print(
                f"main: {dag_id} {day} done in {time.monotonic() - started:.0f} s ({summary})"
                f" [{number}/{len(selected)} DAG runs, {time.monotonic() - first:.0f} s so far]",
                file=terminal,
            )
        if days > 1:
            print(_short_report(day), file=terminal)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
