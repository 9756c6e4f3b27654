"""Gold on a generated province, day 1 and a second day on top: build seconds, rows per mart,
and how many source rows each incremental mart merged (issue 9's acceptance figures).

    .venv/bin/python tests/benchmarks/bench_gold_province.py --scale 20 --out data_samples/large/gold20

Generates two deliveries of the province (`python -m tests.synthetic`: the run date and the day
after, same seed), and for each day in turn stages it, ingests every source into bronze, builds
silver in build order and then gold (`spark_jobs.gold.publish.build_and_publish`: every
repository, tests included). Prints seconds per stage and day, rows per gold table after each
day, and for every incremental mart the rows its day-2 MERGE read (`numSourceRows`), next to
the rows of the whole table: a day-2 build should read about one day of rows, not the history.
Not collected by pytest (a benchmark prints figures; it asserts nothing about time).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from datetime import timedelta
from pathlib import Path

from spark_jobs.contracts import all_contracts, build_order
from spark_jobs.core.session import get_spark
from spark_jobs.core.settings import Settings
from spark_jobs.gold.publish import build_and_publish, gold_versions
from spark_jobs.ingest import bronze
from spark_jobs.ingest.landing import stage_landing
from spark_jobs.silver import build as silver
from tests.synthetic import SCHEMAS
from tests.synthetic.profiles import generate
from tests.synthetic.run import DEFAULT_FAULT_RATE, DEFAULT_RUN_DATE


def last_merge_rows(spark, path: str) -> int | None:
    """numSourceRows of the table's latest commit when it is a MERGE."""
    from delta.tables import DeltaTable

    last = DeltaTable.forPath(spark, path).history(1).collect()[0]
    if last["operation"] != "MERGE":
        return None
    return int(last["operationMetrics"]["numSourceRows"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=20240628)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args(argv)
    out = args.out.resolve()
    settings = dataclasses.replace(Settings.from_env(), home=out / "lakehouse")
    spark = get_spark(settings)
    contracts = build_order(all_contracts(SCHEMAS))
    days = [DEFAULT_RUN_DATE, DEFAULT_RUN_DATE + timedelta(days=1)]
    rows: dict[str, list[int]] = {}
    seconds: dict[str, list[float]] = {}
    merged: dict[str, int | None] = {}
    for n, day in enumerate(days, 1):
        t = time.perf_counter()
        delivery = out / f"day{n}"
        generate("province", delivery, seed=args.seed, run_date=day, scale=args.scale,
                 fault_rate=DEFAULT_FAULT_RATE)  # fmt: skip
        stage_landing(settings, delivery / "landing")
        seconds.setdefault("generate + stage", []).append(time.perf_counter() - t)
        t = time.perf_counter()
        for c in contracts:
            bronze.ingest(spark, settings, c, day)
        seconds.setdefault("bronze", []).append(time.perf_counter() - t)
        t = time.perf_counter()
        for c in contracts:
            silver.build(spark, settings, c)
        seconds.setdefault("silver", []).append(time.perf_counter() - t)
        t = time.perf_counter()
        build_and_publish(settings, day.isoformat())
        seconds.setdefault("gold", []).append(time.perf_counter() - t)
        for table in gold_versions(spark, settings):
            path = settings.table_path("gold", table)
            rows.setdefault(table, []).append(spark.read.format("delta").load(path).count())
            if n == 2:
                merged[table] = last_merge_rows(spark, path)
        print(f"day {n} ({day}) done", flush=True)
    print(f"\nscale {args.scale}, seed {args.seed}")
    print(f"{'stage':<20}{'day 1 s':>10}{'day 2 s':>10}{'day2/day1':>11}")
    for stage, (a, b) in seconds.items():
        print(f"{stage:<20}{a:>10.1f}{b:>10.1f}{b / a:>11.2f}")
    print(f"\n{'gold table':<36}{'rows day 1':>11}{'rows day 2':>11}{'day-2 MERGE read':>18}")
    for table, counts in sorted(rows.items()):
        read = merged.get(table)
        shown = "-" if read is None else str(read)
        print(f"{table:<36}{counts[0]:>11}{counts[-1]:>11}{shown:>18}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
