"""Repository 8, knowledge base (知识库): laws, each department's random-inspection rules,
emergency plans, risk-warning features and cases taken from the first clean penalty
disclosures; one UTF-8 CSV. With faults on, a supplement of three cases comes in GBK
(wrong_encoding: the whole file is rejected)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tests.synthetic.world.catalog import DEPARTMENTS, EMERGENCY_PLANS, LAWS, RISK_FEATURES
from tests.synthetic.world.dates import day_text

if TYPE_CHECKING:
    from tests.synthetic.profiles.province import Province

CURRENT = "现行有效"


def write_knowledge(p: Province) -> None:
    rng = p.rng("knowledge")
    rows = law_rows(p) + rule_rows(p, rng) + plan_rows(p, rng) + risk_rows(p) + case_rows(p)
    w = p.writer("csv", "knowledge")
    for row in rows:
        w.emit(row)
    p.close(w)
    if p.faults.rate > 0:
        write_gbk_supplement(p)


def item_codes(p: Province, dept: str, hint: str | None = None) -> str | None:
    """Up to three covered item codes of `dept` (whose main item contains `hint`)."""
    items = [i for i in p.covered.get(dept, []) if hint is None or hint in i.main]
    return ";".join(i.code for i in items[:3]) or None


def law_rows(p: Province) -> list[dict]:
    return [
        {
            "doc_id": f"ZSLAW{n:06d}",
            "kind": "法律法规",
            "title": title,
            "body": f"《{title}》由{issuer}于{issued}公布，自{effective}起施行。"
            f"本条目为摘要，全文以官方公布文本为准。",
            "issued_date": issued,
            "effective_date": effective,
            "issuer": issuer,
            "validity": CURRENT,
            "department_code": dept,
            "item_codes": item_codes(p, dept) if dept else None,
            "keywords": keywords,
        }
        for n, (title, issuer, issued, effective, dept, keywords) in enumerate(LAWS, 1)
    ]


def rule_rows(p: Province, rng: random.Random) -> list[dict]:
    rows = []
    for n, dept in enumerate(DEPARTMENTS, start=1):
        name = DEPARTMENTS[dept][0]
        issued = date(2019, 1, 1) + timedelta(days=rng.randint(0, 1600))
        rows.append(
            {
                "doc_id": f"ZSRULE{n:06d}",
                "kind": "规则",
                "title": f"{name}“双随机、一公开”抽查工作细则",
                "body": "明确随机抽查事项清单、检查对象名录库和执法检查人员名录库的管理，"
                "按信用风险分类确定抽查比例和频次。",
                "issued_date": day_text(issued),
                "effective_date": day_text(issued + timedelta(days=30)),
                "issuer": name,
                "validity": CURRENT,
                "department_code": dept,
                "item_codes": item_codes(p, dept),
                "keywords": "双随机;一单两库;抽查比例",
            }
        )
    return rows


def plan_rows(p: Province, rng: random.Random) -> list[dict]:
    rows = []
    for n, (dept, title) in enumerate(EMERGENCY_PLANS, start=1):
        issued = date(2018, 1, 1) + timedelta(days=rng.randint(0, 2000))
        rows.append(
            {
                "doc_id": f"ZSPLAN{n:06d}",
                "kind": "预案",
                "title": f"山西省{title}",
                "body": f"规定{title[:-4]}的分级响应、处置流程、部门职责和信息报送要求。",
                "issued_date": day_text(issued),
                "effective_date": None,
                "issuer": DEPARTMENTS[dept][0],
                "validity": CURRENT,
                "department_code": dept,
                "item_codes": item_codes(p, dept),
                "keywords": "应急",
            }
        )
    return rows


def risk_rows(p: Province) -> list[dict]:
    return [
        {
            "doc_id": f"ZSRISK{n:06d}",
            "kind": "风险特征",
            "title": title,
            "body": f"{title[:-4]}预警模型的识别特征：投诉举报、舆情和监管行为中出现"
            f"“{keywords.replace(';', '、')}”等特征词时提高风险分值。",
            "issued_date": "2023-03-01",
            "effective_date": "2023-03-01",
            "issuer": "山西省“互联网+监管”系统",
            "validity": CURRENT,
            "department_code": dept,
            "item_codes": item_codes(p, dept, hint),
            "keywords": keywords,
        }
        for n, (title, dept, keywords, hint) in enumerate(RISK_FEATURES, start=1)
    ]


def case_rows(p: Province) -> list[dict]:
    return [
        {
            "doc_id": f"ZSCASE{n:06d}",
            "kind": "案例",
            "title": case["case_name"],
            "body": f"{case['authority']}查明{case['illegal_fact']}{case['punish_basis']}，"
            f"作出行政处罚（{case['decision_no']}）。",
            "issued_date": case["decision_date"],
            "effective_date": None,
            "issuer": case["authority"],
            "validity": CURRENT,
            "department_code": case["dept"],
            "item_codes": case["item_code"],
            "keywords": case["illegal_fact"].strip("。").removeprefix("当事人"),
        }
        for n, case in enumerate(p.cases, start=1)
    ]


def write_gbk_supplement(p: Province) -> None:
    """File level: a supplement of cases exported in GBK, not the contract's UTF-8."""
    s = p.writer("csv", "knowledge", "cases_supplement", encoding="gbk")
    for n, case in enumerate(p.cases[:3], start=len(p.cases) + 1):
        s.write(
            {
                "doc_id": f"ZSCASE{n:06d}",
                "kind": "案例",
                "title": f"（补充）{case['case_name']}",
                "body": case["illegal_fact"],
                "issued_date": case["decision_date"],
                "issuer": case["authority"],
                "validity": CURRENT,
                "department_code": case["dept"],
            }
        )
    p.close(s)
    try:
        (p.landing / s.rel).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        p.faults.label(s.rel, "", "", "wrong_encoding")
    else:
        raise AssertionError(f"{s.rel} decodes as UTF-8: not a wrong-encoding sample")
