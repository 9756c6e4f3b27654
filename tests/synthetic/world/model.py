"""The things of the world the sources refer to: units, catalog items, supervised entities, and a
weighted pool to draw them from."""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from tests.synthetic.world.businesses import CLASS_WEIGHT


@dataclass
class Unit:
    """A department's provincial or city-level unit (an agency with its own USCC)."""

    dept: str
    name: str
    uscc: str
    division: str
    city: str | None  # 4-digit city prefix, None for the provincial unit


@dataclass
class Item:
    """A catalog item (a sub-item of a main item of a department)."""

    code: str
    dept: str
    main: str
    sub: str
    object_type: str
    level: str
    law: str


@dataclass(slots=True)
class Entity:
    """A supervised entity of one of the six kinds; objects have a legal-person owner."""

    entity_id: str
    kind: str
    subtype: str
    name: str | None
    uscc: str | None
    division: str
    business: str | None  # key of a Business (legal persons only)
    owner: Entity | None = None
    person_name: str | None = None
    id_number: str | None = None
    legal_rep: str | None = None
    credit_class: str = ""
    lists: tuple[str, ...] = ()
    registered: date | None = None
    depts: tuple[str, ...] = ()
    risk: str = "general"


class Pool:
    """Weighted random choice with precomputed cumulative weights."""

    def __init__(self, items: list, weights: list[float] | None = None):
        self.items = items
        self.cum = list(accumulate(weights if weights is not None else [1] * len(items)))

    @classmethod
    def of(cls, pairs) -> Pool:
        """A pool from (item, weight) pairs."""
        return cls([item for item, _ in pairs], [weight for _, weight in pairs])

    @classmethod
    def by_risk(cls, entities: list[Entity]) -> Pool:
        """Entities weighted by credit class: complaints, opinion and draws favour risk."""
        return cls(entities, [CLASS_WEIGHT[e.credit_class] for e in entities])

    def __bool__(self) -> bool:
        return bool(self.items)

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.cum[-1])]
