"""One delivery day landing → export in a process of its own, to be killed by the fault suite.

    LAKEHOUSE_HOME=<home> python -m tests.faults.day 2024-06-28 [--at MODULE:FUNCTION --marker PATH [--pause]]

Runs what the scheduler runs for a day, in order, in this process: the ingest of the sources
the pipeline reads (`spark_jobs.ingest.task.ingest_source`, the ingest DAGs' function), then
`build_silver`, `quality_gate`, `build_gold` and `export_national` of `spark_jobs.pipeline.tasks`
(the report is left out: it writes pages, not data). Prints the tasks' results as JSON.

`--at` names a product function; when the run reaches it (its `--nth` call), a file `--marker`
appears (the parent's signal), and with `--pause` the process then waits there to be killed. Without
`--pause` the function runs on, and the parent kills the process group when it sees what it
waits for (a new data file in a table being committed). Either way the kill is a real SIGKILL
of this process and its JVM from outside: no `finally`, no shutdown hook runs. Product code is
not changed for this: the wrapper is installed here, in the child, before the run starts.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import time
from pathlib import Path


def _install(target: str, marker: Path, pause: bool, nth: int = 1) -> None:
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    owner, _, name = attr.rpartition(".")
    holder = functools.reduce(getattr, owner.split(".") if owner else [], module)
    real = getattr(holder, name)

    calls = 0

    @functools.wraps(real)
    def reached(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == nth:
            marker.write_text(target, "utf-8")
            if pause:
                time.sleep(3600)  # killed here
        return real(*args, **kwargs)

    setattr(holder, name, reached)


def run_day(run_date: str) -> dict:
    """The day's tasks in the scheduler's order, in this process."""
    from spark_jobs.ingest.task import ingest_source
    from spark_jobs.pipeline import tasks

    out: dict = {"ingest": {s: ingest_source(s, run_date)["outcome"] for s in tasks.SOURCES}}
    for task in (tasks.build_silver, tasks.quality_gate, tasks.build_gold, tasks.export_national):
        out[task.__name__] = task(run_date)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.day")
    parser.add_argument("run_date")
    parser.add_argument("--at", help="MODULE:FUNCTION whose call writes the marker")
    parser.add_argument("--marker", type=Path)
    parser.add_argument("--nth", type=int, default=1, help="the call of --at that marks")
    parser.add_argument("--pause", action="store_true", help="wait at --at to be killed")
    args = parser.parse_args(argv)
    if args.at:
        _install(args.at, args.marker, args.pause, args.nth)
    print(json.dumps(run_day(args.run_date), ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
