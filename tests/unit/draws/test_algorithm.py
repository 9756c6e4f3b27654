"""The draw algorithm against hand-computed answers and an outside tool (coreutils sha256sum)."""

from __future__ import annotations

import math
import subprocess
from decimal import Decimal

import pytest

from spark_jobs.draws.algorithm import (
    ALGORITHM,
    DrawError,
    PoolEntity,
    assign_officers,
    draw,
    draw_size,
    pool_hash,
    stratum_sizes,
)

POLICY = {"A": Decimal("0.5"), "B": Decimal("1"), "C": Decimal("2"), "D": Decimal("5")}


def sha256sum(text: str) -> str:
    """The hash from coreutils, not from Python."""
    out = subprocess.run(["sha256sum"], input=text.encode(), capture_output=True, check=True)
    return out.stdout.decode().split()[0]


def test_dandong_known_answer():
    """docs/national_rules.md, "Credit classes and sampling": base 3 %, A 0.5x B 1x C 2x D 5x, rounded up:
    31107*1.5 % = 466.605 -> 467; 12044*3 % = 361.32 -> 362; 3682*6 % = 220.92 -> 221;
    721*15 % = 108.15 -> 109; 1159 in all."""
    base = Decimal("0.03")
    sizes = [draw_size(n, base, POLICY[c]) for n, c in ((31107, "A"), (12044, "B"), (3682, "C"), (721, "D"))]  # fmt: skip
    assert sizes == [467, 362, 221, 109]
    assert sum(sizes) == 1159


def test_exact_decimals_where_a_float_would_draw_one_too_many():
    assert math.ceil(100 * 0.07) == 8  # the float trap: 7.000000000000001
    assert draw_size(100, Decimal("0.07"), Decimal("1")) == 7
    assert draw_size(101, Decimal("0.07"), Decimal("1")) == 8  # 7.07 rounds up


def test_a_stratum_ratio_is_capped_at_the_whole_stratum():
    assert draw_size(7, Decimal("0.3"), Decimal("5")) == 7  # 150 % -> 100 %
    assert draw_size(0, Decimal("0.3"), Decimal("5")) == 0


def test_strata_sizes_per_class():
    pool = [PoolEntity(f"A{i}", "A") for i in range(10)] + [PoolEntity(f"D{i}", "D") for i in range(3)]  # fmt: skip
    # A: 10 * 0.1 * 0.5 = 0.5 -> 1; D: 3 * min(1, 0.5) = 1.5 -> 2
    assert stratum_sizes(pool, Decimal("0.1"), POLICY) == {"A": (10, 1), "D": (3, 2)}


def test_the_drawn_objects_are_the_smallest_sha256_ranks_of_each_stratum():
    seed = "20240628-plan-7"
    pool = [PoolEntity(f"9114{i:014d}", "B") for i in range(20)]
    officers = ["L1", "L2", "L3"]
    result = draw(pool, officers, set(), Decimal("0.1"), POLICY, seed, 2)
    by_hand = sorted(pool, key=lambda e: sha256sum(f"{seed}|object|{e.entity_key}"))[:2]
    assert [d.entity_key for d in result] == [e.entity_key for e in by_hand]
    first = result[0]
    assert first.rank == sha256sum(f"{seed}|object|{first.entity_key}")
    expected = sorted(officers, key=lambda o: sha256sum(f"{seed}|officer|{first.entity_key}|{o}"))
    assert first.officers == tuple(expected[:2])
    assert ALGORITHM == "sha256-rank/v1"


def test_the_pool_order_does_not_change_the_draw_but_the_seed_does():
    pool = [PoolEntity(f"E{i:03d}", "ABCD"[i % 4]) for i in range(200)]
    officers = [f"L{i}" for i in range(6)]
    one = draw(pool, officers, set(), Decimal("0.05"), POLICY, "s1", 2)
    again = draw(list(reversed(pool)), list(reversed(officers)), set(), Decimal("0.05"), POLICY, "s1", 2)  # fmt: skip
    other = draw(pool, officers, set(), Decimal("0.05"), POLICY, "s2", 2)
    assert one == again
    assert {d.entity_key for d in one} != {d.entity_key for d in other}
    # 50 per class: A 50*0.025 -> 2, B 50*0.05 -> 3, C 50*0.1 -> 5, D 50*0.25 -> 13
    assert [sum(d.credit_class == c for d in one) for c in "ABCD"] == [2, 3, 5, 13]


def test_pool_hash_is_the_sha256_of_the_sorted_lines():
    pool = [PoolEntity("K2", "C"), PoolEntity("K1", "A")]
    assert pool_hash(pool) == sha256sum("K1|A\nK2|C\n")
    assert pool_hash(pool) == pool_hash(list(reversed(pool)))
    assert pool_hash(pool) != pool_hash([PoolEntity("K2", "D"), PoolEntity("K1", "A")])


def test_an_officer_with_a_conflict_is_never_drawn_for_that_object():
    officers = ["L1", "L2", "L3"]
    for seed in ("a", "b", "c", "d", "e"):
        picked = assign_officers("E1", officers, {("L2", "E1")}, seed, 2)
        assert set(picked) == {"L1", "L3"}
        assert "L2" in assign_officers("E2", officers, {("L1", "E1")}, seed, 3)


def test_too_few_officers_is_refused_naming_the_object():
    with pytest.raises(DrawError, match=r"object E1: 1 eligible officer\(s\) without a conflict, 2 needed"):  # fmt: skip
        assign_officers("E1", ["L1", "L2"], {("L1", "E1")}, "s", 2)
    with pytest.raises(DrawError, match="pool is empty"):
        draw([], ["L1", "L2"], set(), Decimal("0.1"), POLICY, "s", 2)
    with pytest.raises(DrawError, match="twice"):
        draw([PoolEntity("E", "A"), PoolEntity("E", "B")], ["L1", "L2"], set(), Decimal("1"), POLICY, "s", 2)  # fmt: skip
