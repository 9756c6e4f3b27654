"""Day N on an N-day lake next to the same delivery on a fresh lake: does a day cost more as the
lake grows?

    .venv/bin/python tests/benchmarks/bench_days.py --scale 100 --days 30 --out /tmp/bench-days
    .venv/bin/python tests/benchmarks/bench_days.py --scale 1 --days 3 --out /tmp/bench-days3

Generates the synthetic province with `--days` (`python -m tests.synthetic --profile province
--days N`: the first day is the full history, each later day about 3.8 % of it in new actions,
plus corrections and a re-sent file) into `<out>/province/storage/landing` and stages the two
sources of `bench_day.py` (`supervision_items`, `supervision_actions`). Then three children, each
a fresh process with a fresh JVM, as the scheduler's tasks are:

1. days 1 … N-1 on a fresh lake `<out>/lake-history`, one after the other in one process (this
   builds the history; each day is timed and printed all the same), each followed by the
   housekeeping DAG's nightly OPTIMIZE of every table (not timed with the day): deletion
   vectors leave a MERGE's new rows in small files of their own, and a lake that is never
   compacted reads more files every day (measured: day 30 1.54× instead of 1.43×);
2. day N on that lake;
3. day N's delivery alone on another fresh lake `<out>/lake-fresh`: a first day of the same size
   (with the item catalog, delivered on the first day only, staged under day N, so that its
   actions find their items).

Each day runs `bench_day.run_stages` (ingest of both sources, silver, the gate, gold, the
national export). It prints a table of every day and ends with lines

    ratio day N on the N-day lake / on a fresh lake <stage>: X.Y×  (A s, B s)

one per stage and one for the day without the JVM start (both children start one). The goal of
the speed issue is ≤ 1.2× for N = 30. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from tests.benchmarks.bench_day import (
    SOURCES,
    StageClock,
    day_figures,
    run_child,
    run_stages,
)
from tests.benchmarks.bench_ingest import generate
from tests.synthetic.run import DEFAULT_FAULT_RATE, DEFAULT_RUN_DATE

STAGES = ("ingest", "silver", "quality gate", "gold", "export")


def worker(json_path: Path, days: list[str], nightly: bool = False) -> None:
    """Run `days` one after the other on the lake of the environment, one session for all;
    `nightly`: OPTIMIZE every table after each day, as the housekeeping DAG does each night."""
    from spark_jobs.core.maintenance import optimize_tables
    from spark_jobs.core.session import get_spark
    from spark_jobs.core.settings import Settings

    settings = Settings.from_env()
    figures = []
    spark = None
    for n, day in enumerate(days):
        timed = StageClock(settings.lake_root)
        if n == 0:
            spark = timed("spark start", lambda: get_spark(settings))
        assert spark is not None
        run_stages(timed, settings, spark, day)
        figures.append(day_figures(timed, spark, day))
        print(f"day {day}: {sum(timed.seconds.values()):.1f} s", flush=True)
        if nightly:  # the housekeeping DAG's OPTIMIZE after the day, not timed with it
            night = time.perf_counter()
            compacted = optimize_tables(spark, settings)["compacted"]
            print(f"night after {day}: OPTIMIZE {len(compacted)} tables, "
                  f"{time.perf_counter() - night:.1f} s", flush=True)  # fmt: skip
    json_path.write_text(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
    assert spark is not None
    spark.stop()


def stage(delivery: Path, home: Path, days: list[str], catalog: bool = False) -> None:
    """A fresh lakehouse whose landing zone holds `days` of both sources (where delivered).

    `catalog`: the item catalog's latest delivery up to the last of `days` is staged under that
    day, so that a day's actions on a fresh lake have the items they refer to (the catalog is
    delivered on the first day only)."""
    shutil.rmtree(home, ignore_errors=True)
    landing = home / "storage" / "landing"
    for source in SOURCES:
        for day in days:
            if (delivery / source / day).is_dir():
                shutil.copytree(delivery / source / day, landing / source / day)
    if catalog and not (landing / SOURCES[0] / days[-1]).is_dir():
        latest = max(d.name for d in (delivery / SOURCES[0]).iterdir() if d.name <= days[-1])
        shutil.copytree(delivery / SOURCES[0] / latest, landing / SOURCES[0] / days[-1])


def child(home: Path, days: list[str], out: Path, name: str, nightly=False) -> list[dict]:
    env = {**os.environ, "LAKEHOUSE_HOME": str(home), "LAKEHOUSE_MODE": "local"}
    env.pop("LAKEHOUSE_CONTRACT_DIR", None)
    json_path = out / f"{name}.json"
    print(f"{name}: {len(days)} day(s) from {days[0]} …", flush=True)
    cmd = [sys.executable, str(Path(__file__)), "--worker", str(json_path)]
    cmd += ["--nightly", *days] if nightly else days
    run_child(cmd, env, out / f"{name}.log", every=1.0)
    return json.loads(json_path.read_text())


def work_seconds(day: dict) -> float:
    return sum(s for k, s in day["seconds"].items() if k != "spark start")


def print_days(title: str, days: list[dict]) -> None:
    head = f"{'day':<12}" + "".join(f"{s:>13}" for s in STAGES) + f"{'day s':>9}{'commits':>9}"
    head += f"{'actions':>9}{'silver actions':>16}"
    print(f"\n{title}\n{head}\n{'-' * len(head)}")
    for d in days:
        print(
            f"{d['run_date']:<12}"
            + "".join(f"{d['seconds'][s]:>13.2f}" for s in STAGES)
            + f"{work_seconds(d):>9.2f}{sum(d['commits'].values()):>9}"
            + f"{d['actions_read']:>9,}{d['actions_accepted']:>16,}"
        )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:  # a child: --worker <json> [--nightly] <day> [<day> …]
        nightly = argv[2:3] == ["--nightly"]
        worker(Path(argv[1]), argv[2 + nightly :], nightly)
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=1.0, help="1000 supervision actions per unit")
    p.add_argument("--days", type=int, default=30, help="the lake's age at the measured day")
    p.add_argument("--out", type=Path, required=True, help="working folder (province, lakes)")
    p.add_argument("--reuse", action="store_true", help="keep a province already generated")
    p.add_argument("--seed", type=int, default=20240628)
    args = p.parse_args(argv)
    if args.days < 2:
        p.error("--days must be at least 2")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    generate(out / "province", args.scale, args.seed, DEFAULT_RUN_DATE, DEFAULT_FAULT_RATE,
             args.reuse, days=args.days)  # fmt: skip
    delivery = out / "province" / "storage" / "landing"
    days = sorted(d.name for d in (delivery / "supervision_actions").iterdir() if d.is_dir())
    *history, last = days
    stage(delivery, out / "lake-history", days)
    before = child(out / "lake-history", history, out, "history", nightly=True)
    on_lake = child(out / "lake-history", [last], out, "day-n")[0]
    stage(delivery, out / "lake-fresh", [last], catalog=True)
    fresh = child(out / "lake-fresh", [last], out, "fresh")[0]
    print_days(f"days 1-{len(days)} on one lake, province scale {args.scale:g}", [*before, on_lake])
    print_days(f"day {len(days)}'s delivery alone on a fresh lake", [fresh])
    print()
    n = len(days)
    for label in (*STAGES, None):
        a = work_seconds(on_lake) if label is None else on_lake["seconds"][label]
        b = work_seconds(fresh) if label is None else fresh["seconds"][label]
        print(
            f"ratio day {n} on the {n}-day lake / on a fresh lake {label or 'day'}: "
            f"{a / b:.2f}×  ({a:.1f} s, {b:.1f} s"
            + (", JVM start not counted)" if label is None else ")")
        )
    print(
        f"silver actions: {on_lake['actions_accepted']:,} on the {n}-day lake, "
        f"{fresh['actions_accepted']:,} on the fresh one; JVM start "
        f"{on_lake['seconds']['spark start']:.1f} s / {fresh['seconds']['spark start']:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
