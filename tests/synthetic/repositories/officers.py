"""Repository 3, enforcement officers: 6 + 4 × scale per department, in the provincial unit or
a city unit, with licence numbers `14<dept><6 digits>` and valid ID numbers. Only active,
clean officers are drawn for actions, two (sometimes three) of the action's department."""

from __future__ import annotations

import math
import random
from datetime import timedelta
from typing import TYPE_CHECKING

from tests.synthetic.world.catalog import DEPARTMENTS, PROVINCE
from tests.synthetic.world.dates import day_text
from tests.synthetic.world.people import mobile, person

if TYPE_CHECKING:
    from tests.synthetic.profiles.province import Province

POSTS = ("执法检查", "稽查办案", "案件审核", "监督检查", "综合执法")
QUALIFICATIONS = {
    "31": ("食品安全", "特种设备安全监察", "产品质量", "市场监管综合执法"),
    "72": ("药品监管", "医疗器械监管", "化妆品监管"),
    "16": ("生态环境保护综合执法", "辐射安全"),
    "25": ("安全生产执法", "危险化学品"),
    "17": ("建筑市场监管", "工程质量安全"),
    "18": ("交通运输综合执法",),
    "20": ("农业综合执法",),
    "23": ("卫生健康监督",),
    "22": ("文化市场综合执法",),
    "15": ("自然资源执法",),
}
STATUSES = (("active", 88), ("transferred", 5), ("retired", 3), ("suspended", 4))


def write_officers(p: Province) -> None:
    rng = p.rng("officers")
    statuses = p.contract("enforcement_officers").field("status").codes
    per_dept = 6 + math.ceil(4 * p.scale)
    w = p.writer("csv", "enforcement_officers")
    p.officers = {}
    used: set[tuple[str, int]] = set()
    for dept in DEPARTMENTS:
        quals = QUALIFICATIONS[dept]
        for _ in range(per_dept):
            units = [p.units[dept]] + [u for (d, _), u in p.city_units.items() if d == dept]
            unit = units[0] if len(units) == 1 or rng.random() < 0.25 else rng.choice(units[1:])
            while True:
                n = rng.randint(1, 999999)
                if (dept, n) not in used:
                    used.add((dept, n))
                    break
            license_no = f"{PROVINCE}{dept}{n:06d}"
            number, sex = p.registry.id_for(rng, 1965, 1998)
            status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
            row = {
                "license_no": license_no,
                "name": person(rng),
                "gender": str(sex),
                "id_number": number,
                "unit_name": unit.name,
                "unit_uscc": unit.uscc,
                "department_code": dept,
                "division_code": unit.division,
                "post": rng.choice(POSTS),
                "nature_code": rng.choices(["01", "02", "03", "05"], [80, 3, 12, 5])[0],
                "qualifications": ";".join(rng.sample(quals, rng.randint(1, min(2, len(quals))))),
                "issuing_authority": "山西省人民政府",
                "valid_until": day_text(p.run_date + timedelta(days=rng.randint(60, 1800))),
                "status": statuses[status],
                "legal_qualified": "是" if rng.random() < 0.2 else "否",
                "phone": mobile(rng),
            }
            if w.emit(row) is None and status == "active":
                p.officers.setdefault((dept, unit.city), []).append(license_no)
                p.officers.setdefault((dept, "*"), []).append(license_no)
    p.close(w)


def pick_officers(p: Province, rng: random.Random, dept: str, division: str) -> list[str]:
    """Two (one time in ten three) active officers of `dept`, of the division's city if it
    has two or more."""
    pool = p.officers.get((dept, division[:4]), [])
    if len(pool) < 2:
        pool = p.officers[(dept, "*")]
    return rng.sample(pool, 3 if rng.random() < 0.1 and len(pool) > 2 else 2)
