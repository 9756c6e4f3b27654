"""Approvals (行政许可), one XLSX workbook per licensing department.

Licences go to legal persons the licence's supervising item is about; a licence claimed by the
department, still valid and granted 10-170 days ago is queued for a follow-up inspection (the
actions take some of them: 审批监管联动). With faults on, department 22's workbook has a renamed
header and is rejected whole, so its rows are never faulted or followed up.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tests.synthetic.world.catalog import ACTION_SHARE, CITY_ABBR, DEPARTMENTS, LICENCES
from tests.synthetic.world.dates import day_text
from tests.synthetic.world.model import Entity

if TYPE_CHECKING:
    from tests.synthetic.profiles.province import Province

RENAMED_DEPT = "22"  # header_renamed: 统一社会信用代码 → 社会统一信用代码
RENAME = {"统一社会信用代码": "社会统一信用代码"}


def write_approvals(p: Province) -> None:
    rng = p.rng("approvals")
    total = max(40, int(60 * p.scale))
    p.follow_ups = {d: [] for d in DEPARTMENTS}
    renamed = RENAMED_DEPT if p.faults.rate > 0 else None
    seq = 0
    for dept, (licence, approval_item, item_main, years) in LICENCES.items():
        item = p.item_by_main.get((dept, item_main)) or p.covered[dept][0]
        pool = p.legal_for(item)
        rename = RENAME if dept == renamed else None
        if rename:
            p.faults.label(p.rel("approvals", dept, "xlsx"), "", "", "header_renamed")
        w = p.writer("xlsx", "approvals", dept, rename=rename)
        for _ in range(max(4, round(total * ACTION_SHARE[dept] / 100))):
            seq += 1
            e = pool.pick(rng)
            granted = p.run_date - timedelta(days=rng.randint(5, 3 * 365))
            until = granted + timedelta(days=365 * years - 1)
            status = "有效" if until >= p.run_date else "过期"
            if e.credit_class == "D" and rng.random() < 0.3:
                status = "吊销"
            claimed = rng.random() < 0.92
            row = {
                "licence_no": licence_no(rng, dept, e, granted, seq),
                "licence_name": licence,
                "approval_item": approval_item,
                "item_code": item.code,
                "entity_uscc": e.uscc,
                "entity_name": e.name,
                "legal_rep": e.legal_rep,
                "department_code": dept,
                "department_name": p.unit_for(dept, e.division).name,
                "division_code": e.division,
                "granted_date": day_text(granted),
                "valid_until": day_text(until),
                "licence_status": status,
                "claimed_by_department": "是" if claimed else "否",
                "claimed_date": day_text(granted + timedelta(days=rng.randint(0, 10)))
                if claimed
                else None,
                "claiming_department_code": dept if claimed else None,
            }
            fault = w.emit(row, eligible=rename is None)
            if (
                fault is None
                and rename is None
                and claimed
                and status == "有效"
                and p.run_date - timedelta(days=170) <= granted <= p.run_date - timedelta(days=10)
            ):
                p.follow_ups[dept].append((e, item, granted))
        p.close(w)


def licence_no(rng: random.Random, dept: str, e: Entity, granted: date, seq: int) -> str:
    """A licence number in the department's own format."""
    d = e.division
    city_abbr = CITY_ABBR.get(d[:4], "晋")
    return {
        "31": lambda: f"JY{rng.choice('123')}{d}{seq:06d}{rng.randint(0, 9)}",
        "72": lambda: f"晋A{rng.choice('ABC')}{d[2:6]}{seq:04d}",
        "16": lambda: f"{e.uscc}{seq:06d}P",
        "25": lambda: f"晋{city_abbr}危化经字〔{granted.year}〕{seq:06d}",
        "17": lambda: f"{d}{granted:%Y%m%d}{seq:06d}",
        "18": lambda: f"晋交运管许可{city_abbr}字{d}{seq:06d}号",
        "20": lambda: f"农药经许（晋）{d}{granted.year}{seq:04d}",
        "23": lambda: f"PDY{seq:08d}{d}A1002",
        "22": lambda: f"{d}{granted.year}{seq:05d}",
    }[dept]()
