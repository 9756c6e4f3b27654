"""Repository 6, credit: the abnormal-operation, serious-violation and red/black lists and the
monthly credit classes (paged JSON dumps of the credit platform), and the penalty disclosures
that the penalty actions publish (written with the actions, one dump per department).

List entries and classes come from the legal persons' credit tags (repository 2), so a listed
entity's class agrees with its list; only clean legal persons are listed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tests.synthetic.world.businesses import CLASS_SCORE
from tests.synthetic.world.catalog import CITY_ABBR, DEPT_ABBR, ILLEGAL_FACTS
from tests.synthetic.world.dates import day_text
from tests.synthetic.world.model import Entity, Item, Unit

if TYPE_CHECKING:
    from tests.synthetic.profiles.province import Province

SERIOUS_REASONS = (
    "因食品安全违法行为受到吊销许可证照的行政处罚",
    "被列入经营异常名录届满3年仍未履行相关义务",
    "提交虚假材料取得登记",
    "因不正当竞争行为两年内受到三次以上行政处罚",
)
RED_BLACK = {  # colour: (list name, issuer, issuer's department code)
    "red": (
        ("纳税信用A级纳税人", "国家税务总局山西省税务局", "30"),
        ("守合同重信用企业", "山西省市场监督管理局", "31"),
    ),
    "black": (
        ("失信被执行人", "山西省高级人民法院", None),
        ("重大税收违法失信主体", "国家税务总局山西省税务局", "30"),
        ("拖欠农民工工资失信联合惩戒对象", "山西省人力资源和社会保障厅", "14"),
    ),
}
PENALTY_KINDS = (("02", 60), ("01", 20), ("03", 8), ("08", 5), ("11", 4), ("04", 3))


def write_credit_lists(p: Province) -> None:
    rng = p.rng("credit")
    mr = {u: p.unit_for("31", u) for u in {e.division for e in p.clean_legal}}
    abnormal = p.dump("credit_abnormal_operations", 5)
    serious = p.dump("credit_serious_violations", 5)
    redblack = p.dump("credit_red_black_lists", 5)
    classes = p.dump("credit_classes", 50)
    month = (p.run_date.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    reasons = list(abnormal.contract.field("list_reason").codes)
    n = {"abnormal": 0, "serious": 0, "red": 0, "black": 0}
    for e in p.clean_legal:
        unit = mr[e.division]
        if "abnormal" in e.lists:
            n["abnormal"] += 1
            abnormal.emit(abnormal_row(p, rng, e, n["abnormal"], unit, reasons))
        if "serious" in e.lists:
            n["serious"] += 1
            serious.emit(serious_row(p, rng, e, n["serious"], unit))
        for colour in ("red", "black"):
            if colour in e.lists:
                n[colour] += 1
                redblack.emit(red_black_row(p, rng, e, n[colour], colour))
        low, high = CLASS_SCORE[e.credit_class]
        classes.emit(
            {
                "uscc": e.uscc,
                "entity_name": e.name,
                "class_month": month,
                "credit_class": e.credit_class,
                "score": round(rng.uniform(low, high), 1),
                "classified_by": unit.name,
                "division_code": e.division,
            }
        )
    p.close(abnormal, serious, redblack, classes)


def abnormal_row(
    p: Province, rng: random.Random, e: Entity, n: int, unit: Unit, reasons: list[str]
) -> dict:
    listed = p.run_date - timedelta(days=rng.randint(20, 1500))
    removed = listed + timedelta(days=rng.randint(30, 400))
    out = removed < p.run_date and rng.random() < 0.35
    return {
        "record_id": f"YC{p.ymd}{n:06d}",
        "uscc": e.uscc,
        "entity_name": e.name,
        "list_status": "2" if out else "1",
        "list_reason": rng.choice(reasons),
        "list_date": day_text(listed),
        "list_authority": unit.name,
        "remove_reason": "补报未报年份的年度报告并公示" if out else None,
        "remove_date": day_text(removed) if out else None,
        "division_code": e.division,
    }


def serious_row(p: Province, rng: random.Random, e: Entity, n: int, unit: Unit) -> dict:
    listed = p.run_date - timedelta(days=rng.randint(20, 1200))
    return {
        "record_id": f"YZ{p.ymd}{n:06d}",
        "uscc": e.uscc,
        "entity_name": e.name,
        "legal_rep": e.legal_rep,
        "list_reason": rng.choice(SERIOUS_REASONS),
        "decision_no": f"晋市监严失〔{listed.year}〕{n:03d}号",
        "list_date": day_text(listed),
        "list_authority": unit.name,
        "list_status": "1",
        "remove_date": None,
        "division_code": e.division,
    }


def red_black_row(p: Province, rng: random.Random, e: Entity, n: int, colour: str) -> dict:
    listed = p.run_date - timedelta(days=rng.randint(20, 900))
    name, issuer, code = rng.choice(RED_BLACK[colour])
    return {
        "record_id": f"{'HONG' if colour == 'red' else 'HEI'}{p.ymd}{n:06d}",
        "list_type": "红名单" if colour == "red" else "黑名单",
        "list_name": name,
        "uscc": e.uscc,
        "entity_name": e.name,
        "issuing_department": issuer,
        "issuing_department_code": code,
        "basis": f"依据{name}认定管理办法认定",
        "list_date": day_text(listed),
        "valid_until": day_text(listed + timedelta(days=3 * 365)),
        "division_code": e.division,
    }


def penalty_row(
    p: Province,
    rng: random.Random,
    dept: str,
    seq: int,
    unit: Unit,
    item: Item,
    owner: Entity,
    action_id: str,
    day: date,
) -> dict:
    """The disclosure of a penalty action (行政处罚结果公示)."""
    procedure = "01" if rng.random() < 0.3 else "02"
    kind = rng.choices([k for k, _ in PENALTY_KINDS], [w for _, w in PENALTY_KINDS])[0]
    fine = None
    if kind == "02":
        fine = (
            float(rng.choice((500, 1000, 2000, 3000)))
            if procedure == "01"
            else float(rng.randint(5, 50) * 1000)
        )
    fact = next((f for k, f in ILLEGAL_FACTS.items() if k in item.main), "违反监管规定")
    abbr = CITY_ABBR[unit.city] if unit.city else "晋"
    return {
        "record_id": f"CF{dept}{p.ymd}{seq:07d}",
        "decision_no": f"{abbr}{DEPT_ABBR[dept]}罚〔{day.year}〕{seq}号",
        "case_procedure": procedure,
        "case_name": f"{owner.name}{fact}案",
        "party_name": owner.name,
        "party_cert_type": "001",
        "party_uscc": owner.uscc,
        "legal_rep": owner.legal_rep,
        "illegal_fact": f"当事人{fact}。",
        "punish_basis": f"依据{item.law}有关规定",
        "punish_type": kind,
        "fine": fine,
        "confiscated": float(rng.randint(1, 50) * 100) if kind == "03" else None,
        "decision_date": day_text(day),
        "public_end_date": day_text(day + timedelta(days=90 if kind in ("01", "08") else 365)),
        "authority": unit.name,
        "authority_uscc": unit.uscc,
        "division_code": unit.division,
        "department_code": dept,
        "item_code": item.code,
        "action_id": action_id,
        "public_status": "0",
    }
