"""Repository 1, supervision items: the item catalog and the inspection checklists.

Items are `<dept>140000<main:4><sub:2>`: the main items of each department times sub-items (more
sub-items at larger scales). A department's first COVERED_SHARE of its clean items get actions,
a known answer for the coverage rate. Checklists belong to the provincial unit (level 2) and
sometimes a city unit (level 3); their code is the agency's USCC + the level + a sequence.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import TYPE_CHECKING

from tests.synthetic.world.catalog import (
    CHECK_METHODS,
    CHECK_POINTS,
    COVERED_SHARE,
    DEPARTMENTS,
    ITEM_LAW,
    ITEM_NAMES,
    ITEM_OBJECT,
    NEW_ITEMS,
    PROVINCE,
    SUB_ITEMS,
)
from tests.synthetic.world.dates import day_text
from tests.synthetic.world.model import Item

if TYPE_CHECKING:
    from tests.synthetic.profiles.province import Province

DEFAULT_LAW = "《中华人民共和国行政许可法》"


def catalog(p: Province) -> list[Item]:
    """Every item of every department (faulty or not)."""
    rng = p.rng("items")
    subs = max(1, min(len(SUB_ITEMS), 1 + int(math.log2(max(p.scale, 1)))))
    items = []
    for dept in DEPARTMENTS:
        if dept in ITEM_NAMES:
            mains = [
                (
                    n,
                    ITEM_OBJECT.get(n, "legal_person"),
                    next((law for k, law in ITEM_LAW.items() if k in n), DEFAULT_LAW),
                )
                for n in ITEM_NAMES[dept]
            ]
        else:
            mains = NEW_ITEMS[dept]
        for m, (main, obj, law) in enumerate(mains, start=1):
            for s in range(1, subs + 1):
                sub = f"{main}（{SUB_ITEMS[s - 1]}）"
                items.append(
                    Item(
                        f"{dept}{PROVINCE}0000{m:04d}{s:02d}",
                        dept,
                        main,
                        sub,
                        obj,
                        rng.choice("2334")[0],
                        law,
                    )
                )
    return items


def write_items(p: Province) -> None:
    p.faults.unknown_item = f"31{PROVINCE}0000999999"
    labels = p.contract("supervision_items").field("object_type").codes
    w = p.writer("csv", "supervision_items")
    p.items = {d: [] for d in DEPARTMENTS}
    for item in catalog(p):
        row = {
            "item_code": item.code,
            "department_code": item.dept,
            "department_name": DEPARTMENTS[item.dept][0],
            "main_item_name": item.main,
            "sub_item_name": item.sub,
            "object_type": labels[item.object_type],
            "item_level": item.level,
        }
        if w.emit(row) is None:
            p.items[item.dept].append(item)
    p.close(w)
    p.covered = {
        d: items[: max(1, round(len(items) * COVERED_SHARE[d]))] for d, items in p.items.items()
    }
    p.item_by_main = {(i.dept, i.main): i for d in p.covered for i in reversed(p.covered[d])}


def write_checklists(p: Province) -> None:
    rng = p.rng("checklists")
    c = p.contract("inspection_checklists")
    types = c.field("check_type").codes
    objects = c.field("object_type").codes
    seq: dict[str, int] = {}
    p.checklist_files = []
    for dept, items in p.items.items():
        w = p.writer("csv", "inspection_checklists", dept)
        p.checklist_files.append(w)
        for item in items:
            agencies = [(p.units[dept], "2")]
            city_unit = p.city_units.get((dept, rng.choice(p.divisions.city_codes)))
            if city_unit and rng.random() < 0.25:
                agencies.append((city_unit, "3"))
            for unit, level in agencies:
                seq[unit.uscc] = seq.get(unit.uscc, 0) + 1
                code = f"{unit.uscc}{level}{seq[unit.uscc]:04d}"
                topic = re.sub(r"(监督检查|监督抽查|执行情况检查|动态巡查|检查)$", "", item.main)
                points = CHECK_POINTS[item.object_type]
                published = p.run_date - timedelta(days=rng.randint(200, 1500))
                for no, point in enumerate(points[: rng.randint(3, 4)], start=1):
                    w.emit(
                        {
                            "checklist_code": code,
                            "checklist_name": f"{unit.name}{item.sub}检查实施清单",
                            "item_code": item.code,
                            "agency_name": unit.name,
                            "agency_uscc": unit.uscc,
                            "level": level,
                            "division_code": unit.division,
                            "check_point_no": str(no),
                            "check_point": point.format(t=topic),
                            "check_method": rng.choice(CHECK_METHODS),
                            "check_type": types[
                                rng.choice(["daily", "daily", "random", "special"])
                            ],
                            "legal_basis": item.law,
                            "penalty_basis": f"{item.law}相关罚则",
                            "object_type": objects[item.object_type],
                            "status": "01",
                            "published_date": day_text(published),
                        }
                    )
        p.close(w)
