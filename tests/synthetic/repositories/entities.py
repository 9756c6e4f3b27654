"""Repository 2, supervised entities: legal persons and the objects they own, one GBK file per
city.

Legal persons (companies, sole traders, cooperatives) get a kind of business, a county, a
registration date (new-style USCCs after October 2015), credit lists and a credit class; the
credit lists are topped up so a small province still has a few entries on each. Objects of the
five other kinds (natural persons, equipment, products, sites, projects) belong to a clean legal
person of a business that has them. Faults are decided as rows are written; only clean entities
enter the pools the other sources draw from.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tests.synthetic.world.businesses import (
    BUSINESS,
    BUSINESSES,
    CLASS_MIX,
    INDUSTRIES,
    KIND_DIGIT,
    KIND_SHARE,
    LIST_SHARE,
    OBJECT_SUBTYPES,
    RISK_LABEL,
    ZIHAO,
)
from tests.synthetic.world.catalog import DEPARTMENTS
from tests.synthetic.world.dates import day_text
from tests.synthetic.world.model import Entity, Pool
from tests.synthetic.world.people import person

if TYPE_CHECKING:
    from tests.synthetic.profiles.province import Province
    from tests.synthetic.writers import Writer

LEGAL_FORMS = {
    "sole": ("92", "个体工商户"),
    "coop": ("93", "农民专业合作社"),
    "company": ("91", "企业"),
}  # form → (USCC registration kind, subtype)
LIST_MINIMUM = (("abnormal", 10), ("serious", 5), ("black", 4), ("red", 4))
LIST_CLASS = {"serious": "D", "black": "D", "abnormal": "C", "red": "A"}


class Ids:
    """Entity ids `JG<division><kind digit><7-digit sequence per kind>`."""

    def __init__(self):
        self.seq = dict.fromkeys(KIND_DIGIT, 0)

    def next(self, kind: str, division: str) -> str:
        self.seq[kind] += 1
        return f"JG{division}{KIND_DIGIT[kind]}{self.seq[kind]:07d}"


def write_entities(p: Province) -> None:
    rng = p.rng("entities")
    total = max(150, int(300 * p.scale))
    ids = Ids()
    legal = legal_persons(p, rng, ids, total - sum(round(total * s) for s in KIND_SHARE.values()))
    top_up_lists(legal, rng)
    writers = city_writers(p)

    def write(e: Entity) -> bool:
        return writers[e.division[:4]].emit(entity_row(p, e, rng)) is None

    p.clean_legal = [e for e in legal if write(e)]
    del legal
    objects: dict[tuple[str, str], list[Entity]] = {}
    for e in owned_objects(p, rng, ids, total):
        if write(e):
            for dept in e.depts:
                objects.setdefault((dept, e.kind), []).append(e)
    p.close(*writers.values())
    p.objects = {k: Pool(v) for k, v in objects.items()}
    p.legal_by_dept = {
        dept: Pool.by_risk([e for e in p.clean_legal if dept in e.depts]) for dept in DEPARTMENTS
    }
    p.all_legal = Pool.by_risk(p.clean_legal)
    p.faults.unknown_uscc = p.registry.uscc(
        p.rng("unknown"), "91", p.divisions.county_codes[0], True
    )
    p.faults.unknown_entity_id = f"JG{p.divisions.county_codes[0]}59999999"


def legal_persons(p: Province, rng: random.Random, ids: Ids, n: int) -> list[Entity]:
    names: set[str] = set()
    business_pool = Pool(BUSINESSES, [b.weight for b in BUSINESSES])
    county_pool = Pool(p.divisions.county_codes)
    class_pool = Pool.of(CLASS_MIX)
    forms = {b.key: Pool.of(b.forms) for b in BUSINESSES}
    legal = []
    for _ in range(n):
        business = business_pool.pick(rng)
        division = county_pool.pick(rng)
        form = forms[business.key].pick(rng)
        registered = date(1998, 1, 1) + timedelta(
            days=rng.randint(0, (p.run_date - date(1998, 1, 1)).days - 30)
        )
        word = rng.choice(business.words)
        county = p.divisions.county_names[division]
        while True:
            zihao = "".join(rng.choice(ZIHAO) for _ in range(rng.choice((2, 2, 3))))
            if form == "sole":
                name = f"{county}{zihao}{word}"
            elif form == "coop":
                name = f"{county}{zihao}{word}专业合作社"
            else:
                place = p.divisions.city_names[division[:4]] if rng.random() < 0.8 else "山西"
                name = f"{place}{zihao}{word}" + rng.choice(
                    ("有限公司", "有限公司", "有限责任公司", "股份有限公司")
                )
            if name not in names:
                names.add(name)
                break
        prefix, subtype = LEGAL_FORMS[form]
        lists = [key for key in ("serious", "abnormal", "black") if rng.random() < LIST_SHARE[key]]
        klass = class_pool.pick(rng)
        if "serious" in lists or "black" in lists:
            klass = "D"
        elif "abnormal" in lists and klass in "AB":
            klass = "C"
        if klass == "A" and rng.random() < LIST_SHARE["red_of_a"]:
            lists.append("red")
        legal.append(
            Entity(
                ids.next("legal_person", division),
                "legal_person",
                subtype,
                name,
                p.registry.uscc(rng, prefix, division, registered >= date(2015, 10, 1)),
                division,
                business.key,
                legal_rep=person(rng),
                credit_class=klass,
                lists=tuple(lists),
                registered=registered,
                depts=business.depts,
                risk=business.risk,
            )
        )
    return legal


def top_up_lists(legal: list[Entity], rng: random.Random) -> None:
    """Small provinces still get a few entries on each credit list."""
    bare = [e for e in legal if not e.lists]
    for key, minimum in LIST_MINIMUM:
        have = sum(1 for e in legal if key in e.lists)
        for e in rng.sample(bare, min(len(bare), max(0, minimum - have))):
            e.lists = (key,)
            e.credit_class = LIST_CLASS[key]
        bare = [e for e in bare if not e.lists]


def city_writers(p: Province) -> dict[str, Writer]:
    """One file per city; with faults on, the second city's columns come in another order."""
    writers = {}
    reordered = p.divisions.city_codes[1] if p.faults.rate > 0 else None
    names = p.contract("supervised_entities").field_names
    for city in p.divisions.city_codes:
        order = None
        if city == reordered:  # file level: columns_reordered (accepted as delivered)
            order = names[1:4] + names[:1] + names[6:] + names[4:6]
            p.faults.label(p.rel("supervised_entities", city), "", "", "columns_reordered")
        writers[city] = p.writer("csv", "supervised_entities", city, order=order)
    return writers


def owned_objects(p: Province, rng: random.Random, ids: Ids, total: int):
    """The objects of the five other kinds, each owned by a clean legal person (a generator:
    each object is written before the next is drawn)."""
    by_business: dict[str, list[Entity]] = {}
    for e in p.clean_legal:
        by_business.setdefault(e.business, []).append(e)
    candidates_of: dict[tuple, list[Entity]] = {}
    for kind, share in KIND_SHARE.items():
        for _ in range(round(total * share)):
            subtype, depts, owners, risk = rng.choice(OBJECT_SUBTYPES[kind])
            if owners not in candidates_of:
                candidates_of[owners] = [e for b in owners for e in by_business.get(b, [])]
            owner = rng.choice(candidates_of[owners] or p.clean_legal)
            division = owner.division
            if kind == "natural_person":
                number, _ = p.registry.id_for(rng, 1962, 1998)
                e = Entity(
                    ids.next(kind, division),
                    kind,
                    subtype,
                    None,
                    None,
                    division,
                    None,
                    owner=owner,
                    person_name=person(rng),
                    id_number=number,
                    depts=depts,
                    risk=risk,
                    registered=owner.registered + timedelta(days=rng.randint(0, 900)),
                )
            else:
                label = {
                    "equipment": f"{rng.randint(1, 30)}号{subtype}",
                    "product": f"{subtype}（批号{rng.randint(20230001, 20249999)}）",
                    "site": f"{rng.randint(1, 9)}号{subtype}",
                    "project": f"{subtype}（{rng.choice(('一期', '二期', '三期'))}）",
                }[kind]
                e = Entity(
                    ids.next(kind, division),
                    kind,
                    subtype,
                    f"{owner.name}{label}",
                    None,
                    division,
                    None,
                    owner=owner,
                    depts=depts,
                    risk=risk,
                    registered=max(owner.registered, date(2005, 1, 1))
                    + timedelta(days=rng.randint(0, 2000)),
                )
            e.registered = min(e.registered, p.run_date - timedelta(days=10))
            yield e


def entity_row(p: Province, e: Entity, rng: random.Random) -> dict:
    kinds = p.contract("supervised_entities").field("kind").codes
    key = e.credit_class in ("C", "D") or e.risk in ("hazardous_chemicals", "mine_safety")
    row = {
        "entity_id": e.entity_id,
        "kind": kinds[e.kind],
        "subtype": e.subtype,
        "name": e.name,
        "uscc": e.uscc,
        "person_name": e.person_name,
        "id_number": e.id_number,
        "owner_uscc": e.owner.uscc if e.owner else None,
        "owner_name": e.owner.name if e.owner else None,
        "division_code": e.division,
        "address": None if e.kind == "natural_person" else p.divisions.address(rng, e.division),
        "industry_code": None,
        "industry_name": None,
        "legal_rep": e.legal_rep,
        "registered_date": day_text(e.registered) if e.registered else None,
        "registration_status": None,
        "risk_focus": RISK_LABEL[e.risk],
        "key_supervision": "是" if key else "否",
        "credit_class": e.credit_class or None,
    }
    if e.kind == "legal_person":
        business = BUSINESS[e.business]
        row["industry_code"] = business.industry
        row["industry_name"] = INDUSTRIES[business.industry]
        row["registration_status"] = (
            "存续" if "serious" not in e.lists or rng.random() < 0.7 else "吊销"
        )
    return row
