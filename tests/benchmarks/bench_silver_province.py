"""Silver on a generated province at any seed and scale: timings, per-source counts, and the
ground-truth comparison per fault class (issue 8's acceptance figures).

    .venv/bin/python tests/benchmarks/bench_silver_province.py --scale 20 --seed 7 \
        --out data_samples/large/silver20

Generates the province (`python -m tests.synthetic`), stages it into a fresh lake under
`<out>/lakehouse`, ingests every source into bronze, builds silver in build order, and prints:
seconds for bronze and for silver (`build_all`, as the pipeline runs it); rows read / accepted / quarantined / superseded
/ warned per source; and per fault class whether the quarantined (file, row) set and the
labelled fields equal the ground truth exactly. Exits 1 when any class differs. Not collected
by pytest (a benchmark prints figures; it asserts nothing about time).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

from spark_jobs.contracts import all_contracts, build_order
from spark_jobs.core.session import get_spark
from spark_jobs.core.settings import REPO_ROOT, Settings
from spark_jobs.ingest import bronze
from spark_jobs.ingest.landing import stage_landing
from spark_jobs.silver import build as silver
from tests.synthetic import SCHEMAS
from tests.synthetic.profiles import generate
from tests.synthetic.run import DEFAULT_FAULT_RATE, DEFAULT_RUN_DATE


def compare(truth_csv: Path, findings) -> dict[str, tuple[int, int, int]]:
    """fault class → (labelled, caught exactly, wrong) for row-level quarantined/superseded."""
    classes = yaml.safe_load((REPO_ROOT / "tests/synthetic/faults.yaml").read_text("utf-8"))[
        "classes"
    ]
    held, superseded = defaultdict(set), set()
    for q in findings:
        key = (q._source_file, q._row_number)
        if q.status == "quarantined":
            held[key].add(q.field)
        elif q.status == "superseded":
            superseded.add(key)
    with open(truth_csv, encoding="utf-8") as fh:
        truth = [r for r in csv.DictReader(fh) if r["row_number"]]
    labelled_keys = {(r["file"], int(r["row_number"])) for r in truth}
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in truth:
        key, outcome = (r["file"], int(r["row_number"])), classes[r["fault_class"]]["outcome"]
        stats = out[r["fault_class"]]
        stats[0] += 1
        if outcome == "quarantined":
            ok = r["field"] in held.get(key, set())
        elif outcome == "superseded":
            ok = key in superseded
        else:  # cleaned / accepted: not held
            ok = key not in held
        stats[1 if ok else 2] += 1
    extra = [k for k in held if k not in labelled_keys]
    out["(unlabelled rows held)"] = [0, 0, len(extra)]
    return {k: tuple(v) for k, v in out.items()}  # type: ignore[misc]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=20240628)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args(argv)
    out = args.out.resolve()
    t0 = time.perf_counter()
    generate("province", out, seed=args.seed, run_date=DEFAULT_RUN_DATE, scale=args.scale,
             fault_rate=DEFAULT_FAULT_RATE)  # fmt: skip
    print(f"generated scale {args.scale} seed {args.seed} in {time.perf_counter() - t0:.1f} s")
    settings = dataclasses.replace(Settings.from_env(), home=out / "lakehouse")
    spark = get_spark(settings)
    stage_landing(settings, out / "landing")
    contracts = build_order(all_contracts(SCHEMAS))
    t0 = time.perf_counter()
    for c in contracts:
        bronze.ingest(spark, settings, c, DEFAULT_RUN_DATE)
    print(f"bronze, {len(contracts)} sources: {time.perf_counter() - t0:.1f} s")
    t_all = time.perf_counter()
    built = silver.build_all(spark, settings, contracts)  # as the pipeline's build_silver
    seconds = time.perf_counter() - t_all
    print(f"{'source':<32}{'read':>8}{'accepted':>10}{'quarant.':>10}{'supersed.':>10}"
          f"{'warned':>8}{'replaced':>9}")  # fmt: skip
    for c in contracts:
        n = built[c.name]
        print(f"{c.name:<32}{n['read']:>8}{n['accepted']:>10}{n['quarantined']:>10}"
              f"{n['superseded']:>10}{n['warned']:>8}{n['replaced']:>9}")  # fmt: skip
    print(f"silver, all sources (build_all): {seconds:.1f} s")
    findings = spark.read.format("delta").load(settings.table_path("silver", "quarantine"))
    result = compare(out / "ground_truth.csv", findings.collect())
    bad = 0
    print(f"{'fault class':<34}{'labelled':>9}{'exact':>7}{'wrong':>7}")
    for name, (n, ok, wrong) in sorted(result.items()):
        print(f"{name:<34}{n:>9}{ok:>7}{wrong:>7}")
        bad += wrong
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
