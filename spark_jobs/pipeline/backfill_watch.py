"""Follow an Airflow backfill until its runs end: what `infra/backfill.sh` calls after
`airflow backfill create`.

Reads the DAG's backfill runs in the date range from the metadata database (the scheduler runs
them; this only watches), prints one line per run as it ends and a progress line while they go,
and exits non-zero when a run failed, naming the date and its failed tasks.

    python -m spark_jobs.pipeline.backfill_watch supervision_pipeline 2024-06-28 2024-06-30
"""

from __future__ import annotations

import sys
import time
from datetime import date

from spark_jobs.pipeline.dag_runs import BAD_TASK_STATES, _task_states

FINISHED = {"success", "failed"}
NO_RUNS_GRACE = 60  # seconds: `backfill create` has returned, so its runs are in the database
# seconds to wait, after the last run, for the scheduler to mark the backfill complete (it checks
# on a timer); stopping it earlier leaves "Backfill in progress" in the UI
COMPLETE_GRACE = 120


def backfill_runs(dag_id: str, first: date, last: date) -> list[dict]:
    """{date, run_id, state} of the newest backfill run of each date in [first, last]."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from airflow.utils.types import DagRunType
    from sqlalchemy import select

    with create_session() as session:
        rows = session.execute(
            select(DagRun.run_id, DagRun.state, DagRun.logical_date, DagRun.id)
            .where(DagRun.dag_id == dag_id, DagRun.run_type == DagRunType.BACKFILL_JOB)
            .order_by(DagRun.id)
        ).all()
    newest: dict[date, dict] = {}
    for run_id, state, logical_date, _ in rows:
        if logical_date is None:
            continue
        day = date.fromisoformat(str(logical_date)[:10])
        if first <= day <= last:
            value = str(getattr(state, "value", state) or "queued")
            newest[day] = {"date": day, "run_id": run_id, "state": value}
    return [newest[d] for d in sorted(newest)]


def open_backfills(dag_id: str) -> int:
    """Backfills of `dag_id` the scheduler has not marked complete yet."""
    from airflow.models.backfill import Backfill
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        query = select(func.count()).where(
            Backfill.dag_id == dag_id, Backfill.completed_at.is_(None)
        )
        return int(session.execute(query).scalar_one())


def _wait_until_complete(dag_id: str, poll: float) -> None:
    waited = 0.0
    while open_backfills(dag_id):
        if waited >= COMPLETE_GRACE:
            print(
                f"backfill: runs done, but the scheduler has not marked the backfill complete "
                f"after {int(waited)} s (the UI may still say 'Backfill in progress')",
                flush=True,
            )
            return
        time.sleep(poll)
        waited += poll


def _tasks_done(dag_id: str, run_id: str) -> str:
    states = _task_states(dag_id, run_id)
    finished = sum(s in {"success", "skipped", *BAD_TASK_STATES} for s in states.values())
    return f"{finished}/{len(states)}"


def watch(dag_id: str, first: date, last: date, poll: float = 15.0, timeout: float = 86400) -> int:
    started = time.monotonic()
    reported: set[str] = set()
    last_line = ""
    while True:
        runs = backfill_runs(dag_id, first, last)
        for run in runs:
            if run["state"] in FINISHED and run["run_id"] not in reported:
                reported.add(run["run_id"])
                failed = sorted(
                    t
                    for t, s in _task_states(dag_id, run["run_id"]).items()
                    if s in BAD_TASK_STATES
                )
                extra = f" (failed tasks: {', '.join(failed)})" if failed else ""
                print(f"backfill: {dag_id} {run['date']} {run['state']}{extra}", flush=True)
        done = sum(r["state"] in FINISHED for r in runs)
        elapsed = int(time.monotonic() - started)
        running = [
            f"{r['date']}: {_tasks_done(dag_id, r['run_id'])} tasks done"
            for r in runs
            if r["state"] == "running"
        ]
        line = f"backfill: {done}/{len(runs)} runs finished; {'; '.join(running) or 'none running'}"
        if line != last_line:
            print(f"{line} [{elapsed} s so far]", flush=True)
            last_line = line
        if runs and done == len(runs):
            _wait_until_complete(dag_id, poll)
            failed_days = [str(r["date"]) for r in runs if r["state"] != "success"]
            if failed_days:
                print(f"backfill: failed for {', '.join(failed_days)}", flush=True)
                return 1
            return 0
        if not runs and elapsed > NO_RUNS_GRACE:
            print(f"backfill: no backfill run of {dag_id} between {first} and {last}", flush=True)
            return 1
        if elapsed > timeout:
            print(f"backfill: gave up waiting after {elapsed} s", flush=True)
            return 1
        time.sleep(poll)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    dag_id, first, last = argv[0], date.fromisoformat(argv[1]), date.fromisoformat(argv[2])
    return watch(dag_id, first, last)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
