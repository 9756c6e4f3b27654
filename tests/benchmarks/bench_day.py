"""The day, end to end: our pipeline landing → export next to a DuckDB reference on the same files.

    .venv/bin/python tests/benchmarks/bench_day.py --tiny --runs 1 --out /tmp/bench-day
    .venv/bin/python tests/benchmarks/bench_day.py --scale 10 --runs 3 --out /tmp/bench-day
    .venv/bin/python tests/benchmarks/bench_day.py --scale 100 --out data_samples/large/day100
    .venv/bin/python tests/benchmarks/bench_day.py --tiny --scheduler --runs 1 --out /tmp/bench-sched

Generates the synthetic province at `--scale` (1000 supervision actions per unit; the helper of
`bench_ingest.py`, `python -m tests.synthetic --profile province` underneath) into
`<out>/province/storage/landing`, or with `--tiny` takes the demo delivery
`data_samples/demo/landing` (a few hundred rows). Only the two sources gold and the national
export depend on most, `supervision_items` and `supervision_actions` (`tasks.SOURCES`), are staged.
Then, `--runs` times:

1. a fresh lakehouse `<out>/lakehouse` (LAKEHOUSE_HOME; the user's `.lakehouse` is never touched,
   local mode), the two landing folders copied into its landing zone;
2. our pipeline in one process (a child of this one): `get_spark`, `ingest_source` of both
   sources (what the ingest DAGs run), then `build_silver`, `quality_gate`, `build_gold`,
   `export_national` of `spark_jobs/pipeline/tasks.py` (what `run_all` and the
   `supervision_pipeline` DAG run), each stage timed, with the Delta commits it made (new
   `_delta_log/*.json` files under the lake);
   With `--scheduler`, the child runs every task as a process of its own instead, the way
   Airflow's executors run the DAGs (`scheduler_day`): the ingest task of each source, silver,
   the gate, each gold part in the pipeline DAG's order, the export;
3. the DuckDB reference (`duckdb_day.py`, another child) on the same landing files.

While each child runs, this process samples the resident memory of the child and all its
descendants (psutil, every 0.2 s, DuckDB every 0.05 s; for the pipeline that is Python plus the
Spark JVM) and keeps the peak per stage (a stage shorter than that gets the next sample);
without psutil only the largest child's peak (`RUSAGE_CHILDREN`) is shown.
It prints one table per run and the medians, and ends with lines

    ratio pipeline/duckdb (median of N runs): X.Y×  (pipeline S s, duckdb D s, N actions)

one per stage and one for the whole day (JVM start included; a line without it follows).
rows/s is the rows the stage handled per second: rows landed (ingest/read), bronze rows
validated (silver), silver rows (gate, gold), records exported (export). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from tests.benchmarks.bench_ingest import generate
from tests.synthetic.run import DEFAULT_FAULT_RATE, DEFAULT_RUN_DATE

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SOURCES = ("supervision_items", "supervision_actions")  # spark_jobs.pipeline.tasks.SOURCES
DEMO = REPO / "data_samples" / "demo" / "landing"
# (label, pipeline stage, duckdb stage)
STAGES = (
    ("start", "spark start", None),
    ("ingest/read", "ingest", "read"),
    ("silver", "silver", "silver"),
    ("gate", "quality gate", "gate"),
    ("gold", "gold", "gold"),
    ("export", "export", "export"),
)
_COMMIT = re.compile(r"^[0-9]{20}\.json$")


# -- the pipeline, in a child process ----------------------------------------------------------
def delta_commits(lake_root: str) -> int:
    """Commit files (`_delta_log/<version>.json`) of every Delta table under the lake."""
    total = 0
    for folder, _, files in os.walk(lake_root):
        if folder.endswith("_delta_log"):
            total += sum(1 for f in files if _COMMIT.match(f))
    return total


class StageClock:
    """Times the stages of a day and counts the Delta commits each one made."""

    def __init__(self, lake_root: str) -> None:
        self.lake_root = lake_root
        self.seconds: dict[str, float] = {}
        self.clock: dict[str, tuple[float, float]] = {}
        self.commits: dict[str, int] = {}
        self.results: dict = {}

    def __call__(self, name: str, fn):
        before = delta_commits(self.lake_root)
        t0, w0 = time.perf_counter(), time.time()
        self.results[name] = fn()
        self.seconds[name] = time.perf_counter() - t0
        self.clock[name] = (w0, time.time())
        self.commits[name] = delta_commits(self.lake_root) - before
        print(f"pipeline: {name} {self.seconds[name]:.1f} s", flush=True)
        return self.results[name]


def run_stages(timed: StageClock, settings, spark, day: str) -> None:
    """One day after the session has started: the ingest DAGs' task for both sources, then
    silver, the gate, gold and the export as `run_all` and the pipeline DAG run them."""
    from spark_jobs.ingest.task import ingest_source
    from spark_jobs.pipeline import tasks

    timed(
        "ingest",
        lambda: {s: ingest_source(s, day, settings=settings, spark=spark) for s in SOURCES},
    )
    timed("silver", lambda: tasks.build_silver(day))
    timed("quality gate", lambda: tasks.quality_gate(day))
    timed("gold", lambda: tasks.build_gold(day))
    timed("export", lambda: tasks.export_national(day))


def day_figures(timed: StageClock, spark, day: str, settings=None) -> dict:
    """What the parent prints for one day: seconds, commits and rows per stage, counts
    (silver's rows from the Delta checksums when there is no session: `scheduler_day`)."""
    from spark_jobs.core.delta import checksum_rows

    results = timed.results
    if spark is None:
        silver_rows = {s: checksum_rows(None, settings.table_path("silver", s)) for s in SOURCES}
    else:
        silver_rows = {s: spark.table(f"silver.{s}").count() for s in SOURCES}
    quarantined = {s: results["silver"][s]["quarantined"] for s in SOURCES}
    exported = sum(
        d["inserts"] + d["updates"] + d["deletes"] for d in results["export"]["records"].values()
    )
    ingested = {s: r["rows_ingested"] for s, r in results["ingest"].items()}
    rows = {
        "spark start": 0,
        "ingest": sum(ingested.values()),
        "silver": sum(r["read"] for r in results["silver"].values()),
        "quality gate": sum(silver_rows.values()),
        "gold": sum(silver_rows.values()),
        "export": exported,
    }
    return {
        "run_date": day,
        "seconds": timed.seconds,
        "clock": timed.clock,
        "commits": timed.commits,
        "rows": rows,
        "actions_read": ingested["supervision_actions"],
        "actions_accepted": silver_rows["supervision_actions"],
        "items_accepted": silver_rows["supervision_items"],
        "rows_quarantined": quarantined,
        "export": results["export"]["records"],
    }


def scheduler_day(run_date: date, json_path: Path) -> None:
    """Landing → export the way a scheduler runs the DAGs: every task a process of its own
    (`python -m ...`, as Airflow's executors start one per task), one after the other (the
    tasks share the one-slot Spark pool): the ingest task of each source, silver, the gate,
    each gold part in the pipeline DAG's order, the export. Each stage is the sum of its
    processes; there is no separate JVM start (every task pays its own)."""
    from spark_jobs.core.settings import Settings
    from spark_jobs.pipeline.gold_parts import GOLD_PARTS

    settings = Settings.from_env()
    timed = StageClock(settings.lake_root)
    day = run_date.isoformat()

    import spark_jobs

    checkout = Path(spark_jobs.__file__).resolve().parents[1]  # whose code the tasks run

    def task(*argv: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", *argv], capture_output=True, text=True, cwd=checkout
        )
        if done.returncode != 0:
            raise SystemExit(f"{argv} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return json.loads(done.stdout[done.stdout.index("{") :])

    pipeline = "spark_jobs.pipeline.tasks"
    timed.seconds["spark start"], timed.commits["spark start"] = 0.0, 0
    timed.clock["spark start"] = (time.time(), time.time())
    timed("ingest", lambda: {s: task("spark_jobs.ingest.task", s, day) for s in SOURCES})
    timed("silver", lambda: task(pipeline, "build_silver", day))
    timed("quality gate", lambda: task(pipeline, "quality_gate", day))
    timed("gold", lambda: {p: task(pipeline, "build_gold_part", day, p) for p in GOLD_PARTS})
    timed("export", lambda: task(pipeline, "export_national", day))
    out = day_figures(timed, None, day, settings)
    out["gold_parts_skipped"] = sorted(
        p
        for p, r in timed.results["gold"].items()
        if r.get("unchanged") or r.get("nothing_to_build")
    )
    json_path.write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))


def pipeline_day(run_date: date, json_path: Path) -> None:
    """Landing → export with our code, in this process (settings from the environment)."""
    from spark_jobs.core.session import get_spark
    from spark_jobs.core.settings import Settings

    settings = Settings.from_env()
    timed = StageClock(settings.lake_root)
    spark = timed("spark start", lambda: get_spark(settings))
    run_stages(timed, settings, spark, run_date.isoformat())
    out = day_figures(timed, spark, run_date.isoformat())
    json_path.write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    spark.stop()


# -- the parent: children, memory, figures -----------------------------------------------------
class MemorySampler:
    """Resident memory of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        try:
            import psutil
        except ImportError:
            self.available = False
            return
        self.available = True
        self._root = psutil.Process(pid)
        self._psutil = psutil
        self._thread = threading.Thread(target=self._loop, args=(every,), daemon=True)
        self._thread.start()

    def _loop(self, every: float) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                for p in [self._root, *self._root.children(recursive=True)]:
                    with contextlib.suppress(self._psutil.Error):
                        total += p.memory_info().rss
            except self._psutil.Error:
                break
            self.samples.append((time.time(), total))
            self._stop.wait(every)

    def stop(self) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def peak_mb(self, start: float, end: float) -> float | None:
        """Peak in [start, end]; a stage shorter than the sampling interval gets the first
        sample after it."""
        inside = [rss for t, rss in self.samples if start <= t <= end]
        if not inside:
            inside = [rss for t, rss in self.samples if t > end][:1]
        return max(inside) / 2**20 if inside else None


def run_child(cmd: list[str], env: dict, log: Path, every: float) -> MemorySampler:
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        sampler = MemorySampler(proc.pid, every)
        code = proc.wait()
        sampler.stop()
    if code != 0:
        tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-30:])
        raise SystemExit(f"{' '.join(cmd[:4])} … failed ({code}); log {log}:\n{tail}")
    return sampler


def stage_landing(delivery: Path, home: Path) -> None:
    """A fresh lakehouse whose landing zone holds the two sources' delivery folders."""
    shutil.rmtree(home, ignore_errors=True)
    for source in SOURCES:
        shutil.copytree(delivery / source, home / "storage" / "landing" / source)


def one_run(n: int, delivery: Path, out: Path, run_date: date, scheduler: bool = False) -> dict:
    home = out / "lakehouse"
    stage_landing(delivery, home)
    env = {**os.environ, "LAKEHOUSE_HOME": str(home), "LAKEHOUSE_MODE": "local"}
    env.pop("LAKEHOUSE_CONTRACT_DIR", None)  # the repository's contracts for both
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    figures = {}
    for engine, cmd in (
        (
            "pipeline",
            [sys.executable, str(Path(__file__)),
             "--scheduler-worker" if scheduler else "--worker", run_date.isoformat(),
             str(out / f"pipeline-{n}.json")],
        ),
        (
            "duckdb",
            [sys.executable, str(HERE / "duckdb_day.py"), str(home / "storage" / "landing"),
             str(out / "duckdb"), "--json", str(out / f"duckdb-{n}.json")],
        ),
    ):  # fmt: skip
        print(f"run {n}: {engine} …", flush=True)
        t0 = time.perf_counter()
        every = 0.2 if engine == "pipeline" else 0.05  # DuckDB's stages are short
        sampler = run_child(cmd, env, logs / f"{engine}-{n}.log", every)
        result = json.loads(Path(cmd[-1]).read_text())
        result["process_s"] = time.perf_counter() - t0
        if sampler.available:
            result["peak_mb"] = {s: sampler.peak_mb(*result["clock"][s]) for s in result["seconds"]}
            sampled = max((r for _, r in sampler.samples), default=0) / 2**20
            result["peak_mb_all"] = max(sampled, result.get("peak_rss_mb", 0))
        else:
            result["peak_mb"] = {}
            result["peak_mb_all"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        figures[engine] = result
    return figures


def _f(value, fmt: str, width: int) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}{fmt}}"


def print_run(title: str, pipe: dict, duck: dict) -> None:
    head = (
        f"{'stage':<13}{'pipeline s':>11}{'rows/s':>9}{'commits':>8}{'peak MB':>9}  |"
        f"{'duckdb s':>9}{'rows/s':>10}{'peak MB':>9}  |{'ratio':>8}"
    )
    print(f"\n{title}")
    print(head)
    print("-" * len(head))
    for label, ps, ds in STAGES:
        p_s = pipe["seconds"][ps]
        p_rows = pipe["rows"].get(ps) or 0
        d_s = duck["seconds"][ds] if ds else None
        d_rows = duck["rows"][ds] if ds else 0
        print(
            f"{label:<13}{p_s:>11.2f}{_f(round(p_rows / p_s) if p_rows else None, ',d', 9)}"
            f"{pipe['commits'][ps]:>8}{_f(pipe['peak_mb'].get(ps), '.0f', 9)}  |"
            f"{_f(d_s, '.3f', 9)}{_f(round(d_rows / d_s) if d_s and d_rows else None, ',d', 10)}"
            f"{_f(duck['peak_mb'].get(ds) if ds else None, '.0f', 9)}  |"
            + (f"{p_s / d_s:>7.1f}×" if d_s else "")
        )
    p_total, d_total = sum(pipe["seconds"].values()), sum(duck["seconds"].values())
    print("-" * len(head))
    print(  # the day's peak: the highest sample of the run (DuckDB: or its own maxrss)
        f"{'day':<13}{p_total:>11.2f}{'':>9}{sum(pipe['commits'].values()):>8}"
        f"{pipe['peak_mb_all']:>9.0f}  |{d_total:>9.3f}{'':>10}{duck['peak_mb_all']:>9.0f}  |"
        f"{p_total / d_total:>7.1f}×"
    )
    print(
        f"actions delivered {pipe['actions_read']:,} (duckdb read {duck['actions_read']:,}); "
        f"silver actions {pipe['actions_accepted']:,} / duckdb {duck['actions_accepted']:,}; "
        f"items {pipe['items_accepted']:,} / {duck['items_accepted']:,}; quarantined rows "
        f"{pipe['rows_quarantined']} / {duck['rows_quarantined']}; "
        f"processes {pipe['process_s']:.1f} s / {duck['process_s']:.1f} s"
    )


def print_ratios(runs: list[dict]) -> None:
    n = len(runs)
    actions = runs[0]["pipeline"]["actions_read"]

    def median(engine: str, stage: str | None) -> float:
        return statistics.median(r[engine]["seconds"][stage] for r in runs) if stage else 0.0

    print()
    for label, ps, ds in STAGES[1:]:
        p, d = median("pipeline", ps), median("duckdb", ds)
        print(
            f"ratio pipeline/duckdb {label} (median of {n} runs): {p / d:.1f}×  "
            f"(pipeline {p:.2f} s, duckdb {d:.3f} s, {actions:,} actions)"
        )
    p_all = statistics.median(sum(r["pipeline"]["seconds"].values()) for r in runs)
    p_warm = statistics.median(
        sum(s for k, s in r["pipeline"]["seconds"].items() if k != "spark start") for r in runs
    )
    d_all = statistics.median(sum(r["duckdb"]["seconds"].values()) for r in runs)
    print(
        f"ratio pipeline/duckdb without JVM start (median of {n} runs): {p_warm / d_all:.1f}×  "
        f"(pipeline {p_warm:.1f} s, duckdb {d_all:.2f} s, {actions:,} actions)"
    )
    print(
        f"ratio pipeline/duckdb (median of {n} runs): {p_all / d_all:.1f}×  "
        f"(pipeline {p_all:.1f} s, duckdb {d_all:.2f} s, {actions:,} actions)"
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:  # the pipeline child: --worker <run date> <json>
        pipeline_day(date.fromisoformat(argv[1]), Path(argv[2]))
        return 0
    if argv[:1] == ["--scheduler-worker"]:  # the same, a process per task
        scheduler_day(date.fromisoformat(argv[1]), Path(argv[2]))
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=1.0, help="1000 supervision actions per unit")
    p.add_argument("--out", type=Path, required=True, help="working folder (province, lake)")
    p.add_argument("--runs", type=int, default=3, help="runs, each on a fresh lake")
    p.add_argument("--reuse", action="store_true", help="keep a province already generated")
    p.add_argument("--tiny", action="store_true", help="the demo delivery, not a province")
    p.add_argument("--seed", type=int, default=20240628)
    p.add_argument("--fault-rate", type=float, default=DEFAULT_FAULT_RATE)
    p.add_argument("--json", type=Path, help="also write every run's figures here")
    p.add_argument(
        "--scheduler",
        action="store_true",
        help="run the pipeline as a scheduler does: every task a process of its own",
    )
    args = p.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.tiny:
        delivery, what = DEMO, f"demo delivery {DEMO.relative_to(REPO)}"
    else:
        generate(out / "province", args.scale, args.seed, DEFAULT_RUN_DATE, args.fault_rate,
                 args.reuse)  # fmt: skip
        delivery, what = out / "province" / "storage" / "landing", f"province scale {args.scale:g}"
    days = sorted(d.name for d in (delivery / "supervision_actions").iterdir() if d.is_dir())
    run_date = date.fromisoformat(days[-1])
    runs = []
    for n in range(1, args.runs + 1):
        figures = one_run(n, delivery, out, run_date, args.scheduler)
        runs.append(figures)
        print_run(
            f"run {n}/{args.runs}: {what}, run date {run_date}, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}",
            figures["pipeline"],
            figures["duckdb"],
        )
    print_ratios(runs)
    if args.json:
        args.json.write_text(json.dumps(runs, ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
