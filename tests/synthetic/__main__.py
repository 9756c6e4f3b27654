"""`python -m tests.synthetic --profile province|demo --out <folder> [--scale N --seed S
--fault-rate R --run-date D]`: write a profile's deliveries and their ground truth."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from tests.synthetic.profiles import PROFILES, generate
from tests.synthetic.run import DEFAULT_FAULT_RATE, DEFAULT_RUN_DATE, DEFAULT_SEED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.synthetic",
        description="Synthetic deliveries with labelled faults: <out>/landing/<source>/<date>/ "
        "and <out>/ground_truth.csv.",
    )
    parser.add_argument(
        "--profile",
        required=True,
        choices=sorted(PROFILES),
        help="province: every source (what infra/main.sh runs); demo: the catalog and the actions",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output folder: data_samples/<profile> (the committed samples), "
        "data_samples/large/<name> (ignored by git) or outside the "
        "repository",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="1 = the committed samples; province: 1000 × scale supervision "
        "actions; demo: 240 × scale",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=DEFAULT_FAULT_RATE,
        help="share of rows with a fault (0: clean deliveries); the demo plants "
        "its six faults whenever it is above 0",
    )
    parser.add_argument(
        "--run-date",
        type=date.fromisoformat,
        default=DEFAULT_RUN_DATE,
        help="delivery date (default %(default)s)",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=1,
        help="province: the run date and the N-1 days after it (new actions and work orders, "
        "corrections, a retired item, a re-sent file; ground_truth_days.csv)",
    )
    args = parser.parse_args(argv)
    try:
        summary = generate(
            args.profile,
            args.out,
            seed=args.seed,
            run_date=args.run_date,
            scale=args.scale,
            fault_rate=args.fault_rate,
            days=args.days,
        )
    except ValueError as exc:
        parser.error(str(exc))
    width = max(map(len, summary.rows))
    for source, rows in summary.rows.items():
        print(f"{source:<{width}}  {rows:>10,d} rows")
    print(
        f"wrote {summary.files} files, {summary.bytes / 1e6:.1f} MB, {summary.faults} labelled "
        f"faults to {summary.out} in {summary.seconds:.1f} s"
    )
    per_day: dict = {}
    for change in summary.later:
        counts = per_day.setdefault(change.day.isoformat(), {})
        counts[change.change] = counts.get(change.change, 0) + 1
    for day, counts in per_day.items():
        print(f"{day}: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
    if summary.unforced:
        print(f"warning: too few rows to inject {summary.unforced}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
