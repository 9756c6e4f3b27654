"""The draw itself: a pure function of (pool, plan, seed), so a record re-draws exactly.

Algorithm `sha256-rank/v1`, simple enough to redo with `sha256sum` and a spreadsheet:
1. The pool is split into strata by credit class (A-D; no class counts as the policy's
   `unclassified_class`).
2. A stratum of n objects draws k = ceil(n * min(1, base_ratio * multiplier[class])) objects,
   computed in exact decimals (a float makes 100 * 0.07 = 7.000000000000001, i.e. 8 objects).
3. Every object gets the rank SHA-256("<seed>|object|<entity_key>") in hex; the k smallest
   ranks of each stratum are drawn. The order the pool was read in does not matter.
4. Each drawn object gets `officers_per_object` officers from the plan's department: the
   eligible officers without a recorded conflict with that object, ranked by
   SHA-256("<seed>|officer|<entity_key>|<officer_id>"), smallest first.
The pool's fingerprint is SHA-256 over its sorted "<entity_key>|<class>" lines, each ending
"\\n"; the officer pool's over its sorted officer ids. Python's `random` is not used: its
sampling algorithms may change between Python versions, which would break a re-draw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

ALGORITHM = "sha256-rank/v1"
CLASSES = ("A", "B", "C", "D")


class DrawError(ValueError):
    """A draw that cannot be made as planned (an empty pool, too few officers for an object)."""


@dataclass(frozen=True)
class PoolEntity:
    entity_key: str
    credit_class: str  # A-D, after the policy's unclassified_class was applied


@dataclass(frozen=True)
class Drawn:
    entity_key: str
    credit_class: str
    rank: str  # the object's SHA-256 rank (hex)
    officers: tuple[str, ...]


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pool_hash(pool: Iterable[PoolEntity]) -> str:
    """Fingerprint of the entity pool: the same set of (key, class) gives the same hash."""
    return sha256_hex("".join(sorted(f"{e.entity_key}|{e.credit_class}\n" for e in pool)))


def officer_pool_hash(officer_ids: Iterable[str]) -> str:
    return sha256_hex("".join(sorted(f"{o}\n" for o in officer_ids)))


def object_rank(seed: str, entity_key: str) -> str:
    return sha256_hex(f"{seed}|object|{entity_key}")


def officer_rank(seed: str, entity_key: str, officer_id: str) -> str:
    return sha256_hex(f"{seed}|officer|{entity_key}|{officer_id}")


def draw_size(pool_size: int, base_ratio: Decimal, multiplier: Decimal) -> int:
    """ceil(pool_size * min(1, base_ratio * multiplier)), exactly."""
    ratio = min(Decimal(1), base_ratio * multiplier)
    return int((Decimal(pool_size) * ratio).to_integral_value(rounding=ROUND_CEILING))


def stratum_sizes(
    pool: Iterable[PoolEntity], base_ratio: Decimal, multipliers: Mapping[str, Decimal]
) -> dict[str, tuple[int, int]]:
    """Per class: (pool size, draw size)."""
    counts: dict[str, int] = {}
    for e in pool:
        counts[e.credit_class] = counts.get(e.credit_class, 0) + 1
    return {
        c: (counts[c], draw_size(counts[c], base_ratio, multipliers[c])) for c in sorted(counts)
    }


def draw_objects(
    pool: list[PoolEntity], base_ratio: Decimal, multipliers: Mapping[str, Decimal], seed: str
) -> list[tuple[PoolEntity, str]]:
    """The drawn objects with their rank, by class and then rank."""
    keys = [e.entity_key for e in pool]
    if len(set(keys)) != len(keys):
        raise DrawError("the entity pool lists an entity twice; a draw needs distinct keys")
    drawn = []
    for cls, (_, k) in stratum_sizes(pool, base_ratio, multipliers).items():
        ranked = sorted(
            ((object_rank(seed, e.entity_key), e) for e in pool if e.credit_class == cls),
            key=lambda pair: pair[0],
        )
        drawn += [(e, rank) for rank, e in ranked[:k]]
    return drawn


def assign_officers(
    entity_key: str,
    officer_ids: Iterable[str],
    conflicts: set[tuple[str, str]],
    seed: str,
    per_object: int,
) -> tuple[str, ...]:
    """The officers drawn for one object; `conflicts` holds (officer_id, entity_key) pairs."""
    eligible = [o for o in officer_ids if (o, entity_key) not in conflicts]
    if len(eligible) < per_object:
        raise DrawError(
            f"object {entity_key}: {len(eligible)} eligible officer(s) without a conflict, "
            f"{per_object} needed"
        )
    ranked = sorted(eligible, key=lambda o: officer_rank(seed, entity_key, o))
    return tuple(ranked[:per_object])


def draw(
    pool: list[PoolEntity],
    officer_ids: list[str],
    conflicts: set[tuple[str, str]],
    base_ratio: Decimal,
    multipliers: Mapping[str, Decimal],
    seed: str,
    per_object: int,
) -> list[Drawn]:
    """The whole draw: objects by stratum, then officers per object."""
    if not pool:
        raise DrawError("the entity pool is empty: nothing to draw from")
    return [
        Drawn(
            e.entity_key,
            e.credit_class,
            rank,
            assign_officers(e.entity_key, officer_ids, conflicts, seed, per_object),
        )
        for e, rank in draw_objects(pool, base_ratio, multipliers, seed)
    ]
