"""`python -m spark_jobs.draws draw --plan <plan.yaml> [--seed S] [--operator NAME]`
`python -m spark_jobs.draws verify <draw_id>`

`draw` reads the pools from gold, draws, and records the draw; without --seed a random seed is
generated (and recorded). Drawing again with the same plan and seed on the same pools changes
nothing; on changed pools it is refused (a record is never rewritten). `verify` re-computes
both pool hashes from the record's snapshots and re-draws from (pool, plan, seed, algorithm):
exit 0 when the selection and the officers are the same as recorded, 1 otherwise.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import secrets
import sys
from decimal import Decimal
from pathlib import Path

from spark_jobs.core.settings import Settings
from spark_jobs.draws import algorithm as algo
from spark_jobs.draws import record as rec
from spark_jobs.draws.plan import PlanError, load_plan, load_policy


def draw_id_for(plan_json: str, seed: str) -> str:
    return algo.sha256_hex(f"{plan_json}|{seed}")[:16]


def run_draw(spark, settings: Settings, plan_path: Path, seed: str | None, operator: str) -> dict:
    """Draw and record; returns the record. Raises PlanError / DrawError with the reason."""
    from spark_jobs.draws.pools import check_item, entity_pool, officer_pool

    policy = load_policy()
    plan = load_plan(plan_path, policy)
    check_item(spark, plan)
    seed = seed or secrets.token_hex(16)
    pool = sorted(entity_pool(spark, plan, policy), key=lambda e: e.entity_key)
    officers = officer_pool(spark, plan)
    plan_json = plan.as_json()
    draw_id = draw_id_for(plan_json, seed)
    pool_hash = algo.pool_hash(pool)
    previous = rec.read_record(spark, settings, draw_id)
    if previous is not None and previous["pool_hash"] != pool_hash:
        raise PlanError(
            f"draw {draw_id} (plan {plan.plan_id}, this seed) was made on another pool "
            f"({previous['pool_hash'][:12]}…, now {pool_hash[:12]}…); draw with a new seed"
        )
    drawn = algo.draw(
        pool,
        officers,
        plan.conflict_pairs(),
        plan.base_ratio,
        plan.class_multipliers,
        seed,
        policy.officers_per_object,
    )
    record = previous or {
        "draw_id": draw_id,
        "plan_id": plan.plan_id,
        "task_name": plan.task_name,
        "item_code": plan.item_code,
        "department_code": plan.department_code,
        "division_prefix": plan.division_prefix,
        "drawn_on": plan.drawn_on,
        "drawn_at": rec.now(),
        "operator": operator,
        "seed": seed,
        "algorithm": algo.ALGORITHM,
        "base_ratio": str(plan.base_ratio),
        "class_multipliers": json.dumps({c: str(m) for c, m in plan.class_multipliers.items()}),
        "officers_per_object": policy.officers_per_object,
        "strata": rec.strata_json(
            algo.stratum_sizes(pool, plan.base_ratio, plan.class_multipliers)
        ),
        "pool_size": len(pool),
        "draw_size": len(drawn),
        "pool_hash": pool_hash,
        "officer_pool_hash": algo.officer_pool_hash(officers),
        "pool": [{"entity_key": e.entity_key, "credit_class": e.credit_class} for e in pool],
        "officer_pool": officers,
        "conflicts": [vars(c) for c in plan.conflicts],
        "plan": plan_json,
    }
    rec.write(spark, settings, record, drawn)
    return record


def verify(spark, settings: Settings, draw_id: str) -> list[str]:
    """Differences between the record and a re-draw from it (empty: verified)."""
    record = rec.read_record(spark, settings, draw_id)
    if record is None:
        return [f"no draw {draw_id} in {rec.LAYER}.{rec.RECORDS}"]
    problems = []
    pool = [algo.PoolEntity(p["entity_key"], p["credit_class"]) for p in record["pool"]]
    if algo.pool_hash(pool) != record["pool_hash"]:
        problems.append("the entity pool snapshot does not match its recorded hash")
    if algo.officer_pool_hash(record["officer_pool"]) != record["officer_pool_hash"]:
        problems.append("the officer pool snapshot does not match its recorded hash")
    if record["algorithm"] != algo.ALGORITHM:
        problems.append(f"recorded with {record['algorithm']}, this code runs {algo.ALGORITHM}")
    redrawn = algo.draw(
        pool,
        record["officer_pool"],
        {(c["officer_id"], c["entity_key"]) for c in record["conflicts"]},
        Decimal(record["base_ratio"]),
        {c: Decimal(m) for c, m in json.loads(record["class_multipliers"]).items()},
        record["seed"],
        record["officers_per_object"],
    )
    again = {(d.entity_key, d.credit_class, d.rank, tuple(d.officers)) for d in redrawn}
    stored = {
        (o["entity_key"], o["credit_class"], o["rank"], tuple(o["officer_ids"]))
        for o in rec.read_objects(spark, settings, draw_id)
    }
    for row in sorted(stored - again):
        problems.append(f"recorded but not re-drawn: {row[0]} (class {row[1]}, officers {row[3]})")
    for row in sorted(again - stored):
        problems.append(f"re-drawn but not recorded: {row[0]} (class {row[1]}, officers {row[3]})")
    return problems


def _print_record(r: dict) -> None:
    print(f"draw {r['draw_id']}: plan {r['plan_id']} ({r['task_name']}), item {r['item_code']}")
    print(
        f"  department {r['department_code']}, region {r['division_prefix']}*, on {r['drawn_on']}"
    )
    print(f"  seed {r['seed']}, algorithm {r['algorithm']}, by {r['operator']} at {r['drawn_at']}")
    print(f"  base ratio {r['base_ratio']}, class multipliers {r['class_multipliers']}")
    print(f"  pool {r['pool_size']} entities, hash {r['pool_hash']}")
    print(f"  officers {len(r['officer_pool'])} eligible, hash {r['officer_pool_hash']}")
    print(f"  drawn {r['draw_size']} (per class [pool, drawn]: {r['strata']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spark_jobs.draws", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draw", help="draw from a plan and record the draw")
    d.add_argument("--plan", type=Path, required=True)
    d.add_argument("--seed", help="the seed (default: 128 random bits, recorded)")
    d.add_argument("--operator", default=os.environ.get("LAKEHOUSE_OPERATOR") or getpass.getuser())
    v = sub.add_parser("verify", help="re-draw from a record and compare")
    v.add_argument("draw_id")
    args = parser.parse_args(argv)

    from spark_jobs.core.session import get_spark

    settings = Settings.from_env()
    spark = get_spark(settings)
    if args.command == "draw":
        try:
            _print_record(run_draw(spark, settings, args.plan, args.seed, args.operator))
        except (PlanError, algo.DrawError) as exc:
            print(f"draw refused: {exc}", file=sys.stderr)
            return 1
        return 0
    problems = verify(spark, settings, args.draw_id)
    if problems:
        print(f"draw {args.draw_id}: NOT verified", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    _print_record(rec.read_record(spark, settings, args.draw_id) or {})
    print(f"verified: pool hashes recomputed and the re-draw selects the same "
          f"{len(rec.read_objects(spark, settings, args.draw_id))} objects and officers")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
