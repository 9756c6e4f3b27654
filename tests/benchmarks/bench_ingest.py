"""Bronze ingestion benchmark: a synthetic province at a given scale, every source, a fresh lake.

    .venv/bin/python tests/benchmarks/bench_ingest.py --scale 10 --out /tmp/bench
    .venv/bin/python tests/benchmarks/bench_ingest.py --scale 1000 --out data_samples/large/bench

Generates the province with `tests.synthetic` (profile `province`, 1000 supervision actions per
scale unit) straight into the landing zone `<out>/storage/landing/<source>/<run-date>/`, deletes
the lake `<out>/storage/lake` (bronze and ops.batch_log), starts Spark and ingests every source
with the production code path, `spark_jobs.ingest.task.ingest_source` → `bronze.ingest`, in
contract order. It prints per source: files, rows landed, rejected files, and seconds spent

- `read`: reading the delivered bytes, SHA-256, and the contract's reader (csv / xlsx / jsonl /
  paged JSON → pyarrow strings), all in the Python driver;
- `write`: the Delta append (`createDataFrame` from Arrow + one Delta commit per delivery
  folder, `ingest/commit.py`, with its look at what bronze holds);
- `ops`: ops.batch_log (the already-ingested lookup and the MERGE of the file rows);
- `total`: wall time of the source's ingest (read + write + ops + lineage columns, listing);

and rows per second (rows / total). The split is measured by wrapping bronze's own functions
(`read_delivery`, `read_json_dump`, `_sha256`, `commit._commit_once`, `ingested_files`,
`ops.record`, and the storage's `read_bytes`) for the run; the product code is not changed.
Not collected by pytest (the file is `bench_*.py`). `--reuse` keeps an existing generated province of the same parameters.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import shutil
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from spark_jobs.core.settings import Settings
from tests.synthetic import SCHEMAS

REPO = Path(__file__).resolve().parents[2]

PHASES = ("read", "write", "ops")


class Timers:
    """Seconds per phase, accumulated while `wrap`ped functions run."""

    def __init__(self):
        self.seconds = defaultdict(float)

    def wrap(self, phase: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[phase] += time.perf_counter() - start

        return timed

    def take(self) -> dict[str, float]:
        out = {p: self.seconds.get(p, 0.0) for p in PHASES}
        self.seconds.clear()
        return out


def instrument(timers: Timers) -> None:
    """Wrap bronze's steps in place (module attributes, for this process only)."""
    from spark_jobs.core import ops
    from spark_jobs.core.storage import LocalStorage
    from spark_jobs.ingest import bronze, commit, dumps

    bronze.read_delivery = timers.wrap("read", bronze.read_delivery)
    dumps.read_json_dump = timers.wrap("read", dumps.read_json_dump)
    bronze._sha256 = timers.wrap("read", bronze._sha256)
    LocalStorage.read_bytes = timers.wrap("read", LocalStorage.read_bytes)
    commit._commit_once = timers.wrap("write", commit._commit_once)  # a folder's commit
    bronze.ingested_files = timers.wrap("ops", bronze.ingested_files)
    ops.record = timers.wrap("ops", ops.record)


def generate(
    out: Path,
    scale: float,
    seed: int,
    run_date: date,
    fault_rate: float,
    reuse: bool,
    days: int = 1,
) -> dict:
    """The province under `<out>/storage/landing` (and `days` - 1 later days), generated
    again only when `reuse` finds none made with the same parameters."""
    from tests.synthetic.profiles import generate as generate_profile

    storage = out / "storage"
    marker = out / "province.json"
    params = {
        "scale": scale,
        "seed": seed,
        "run_date": run_date.isoformat(),
        "fault_rate": fault_rate,
        **({"days": days} if days != 1 else {}),
    }
    if reuse and marker.exists() and json.loads(marker.read_text()).get("params") == params:
        info = json.loads(marker.read_text())
        print(
            f"reusing the province in {storage} ({info['files']} files, "
            f"{info['bytes'] / 1e6:.1f} MB)"
        )
        return info
    shutil.rmtree(storage / "landing", ignore_errors=True)
    summary = generate_profile(
        "province",
        storage,
        seed=seed,
        run_date=run_date,
        scale=scale,
        fault_rate=fault_rate,
        days=days,
    )
    info = {
        "params": params,
        "files": summary.files,
        "bytes": summary.bytes,
        "rows": dict(summary.rows),
        "seconds": summary.seconds,
    }
    marker.write_text(json.dumps(info, indent=2))
    print(
        f"generated {summary.files} files, {summary.bytes / 1e6:.1f} MB in "
        f"{summary.seconds:.1f} s into {storage / 'landing'}"
    )
    return info


def landing_bytes(settings: Settings, landing_dir: str, day: date) -> int:
    folder = Path(settings.landing_root) / landing_dir / day.isoformat()
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        type=float,
        required=True,
        help="province scale: supervision actions = 1000 × scale",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="working folder (province + lake); large scales: "
        "data_samples/large/… (ignored by git)",
    )
    parser.add_argument("--seed", type=int, default=20240628)
    parser.add_argument("--run-date", type=date.fromisoformat, default=date(2024, 6, 28))
    parser.add_argument("--fault-rate", type=float, default=0.01)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep an existing province generated with the same parameters",
    )
    parser.add_argument("--sources", nargs="*", help="only these sources (default: all)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    settings = dataclasses.replace(Settings.from_env(), mode="local", home=out)
    t0 = time.perf_counter()
    info = generate(out, args.scale, args.seed, args.run_date, args.fault_rate, args.reuse)
    gen_seconds = time.perf_counter() - t0 if not args.reuse else info["seconds"]

    shutil.rmtree(settings.lake_root, ignore_errors=True)  # a fresh lake: bronze + ops
    shutil.rmtree(settings.spark_local_dir, ignore_errors=True)

    from spark_jobs.contracts import source_contracts
    from spark_jobs.core.session import get_spark
    from spark_jobs.ingest.task import ingest_source

    t0 = time.perf_counter()
    spark = get_spark(settings)
    spark_start = time.perf_counter() - t0
    # JVM warm-up outside the figures: one tiny Delta write (class loading, first commit)
    t0 = time.perf_counter()
    spark.range(1).write.format("delta").mode("overwrite").save(str(out / "warmup"))
    warmup = time.perf_counter() - t0

    timers = Timers()
    instrument(timers)
    contracts = [
        c
        for _, c, _ in source_contracts(SCHEMAS)
        if c is not None and (not args.sources or c.name in args.sources)
    ]
    figures = []
    for contract in contracts:
        t0 = time.perf_counter()
        result = ingest_source(contract.name, args.run_date, settings=settings, spark=spark)
        total = time.perf_counter() - t0
        phases = timers.take()
        rows = result["rows_ingested"]
        figures.append(
            {
                "source": contract.name,
                "format": contract.format,
                "files": len(result["files"]),
                "rejected": result["counts"]["rejected"],
                "rows": rows,
                "mb": landing_bytes(settings, contract.landing_dir, args.run_date) / 1e6,
                **{f"{p}_s": round(s, 3) for p, s in phases.items()},
                "total_s": round(total, 3),
                "rows_per_s": round(rows / total) if total else 0,
                "outcome": result["outcome"],
            }
        )

    head = (
        f"{'source':<32}{'format':<11}{'files':>6}{'rej':>5}{'rows':>11}{'MB':>8}"
        f"{'read s':>9}{'write s':>9}{'ops s':>8}{'total s':>9}{'rows/s':>9}"
    )
    print()
    print(
        f"bronze ingest, scale {args.scale:g} (run date {args.run_date}), lake {settings.lake_root}"
    )
    print(
        f"spark start {spark_start:.1f} s, warm-up write {warmup:.1f} s (not counted below); "
        f"generation {gen_seconds:.1f} s"
    )
    print(head)
    print("-" * len(head))
    for f in figures:
        print(
            f"{f['source']:<32}{f['format']:<11}{f['files']:>6}{f['rejected']:>5}"
            f"{f['rows']:>11,d}{f['mb']:>8.1f}{f['read_s']:>9.2f}{f['write_s']:>9.2f}"
            f"{f['ops_s']:>8.2f}{f['total_s']:>9.2f}{f['rows_per_s']:>9,d}"
        )
    tot = {
        k: sum(f[k] for f in figures)
        for k in ("files", "rejected", "rows", "mb", "read_s", "write_s", "ops_s", "total_s")
    }
    print("-" * len(head))
    print(
        f"{'all':<32}{'':<11}{tot['files']:>6}{tot['rejected']:>5}{tot['rows']:>11,d}"
        f"{tot['mb']:>8.1f}{tot['read_s']:>9.2f}{tot['write_s']:>9.2f}{tot['ops_s']:>8.2f}"
        f"{tot['total_s']:>9.2f}{round(tot['rows'] / tot['total_s']) if tot['total_s'] else 0:>9,d}"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "scale": args.scale,
                    "spark_start_s": spark_start,
                    "warmup_s": warmup,
                    "generation_s": gen_seconds,
                    "sources": figures,
                    "total": tot,
                },
                indent=2,
            )
        )
    spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
