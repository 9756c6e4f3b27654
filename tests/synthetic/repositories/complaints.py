"""Repository 5, complaints: 12345 hotline work orders, 12315 complaints and reports, and the
complaints the national system dispatches (JSON Lines).

Complaints, reports and requests for help name a clean legal person of the businesses their
category is about, weighted towards risky credit classes; consultations and suggestions name no
one. Dates follow the handling rules (deadlines in working days, closure after acceptance), so
only a labelled row breaks their order.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from tests.synthetic.world.dates import add_working_days, day_text, time_text
from tests.synthetic.world.events import HOTLINE_CATEGORIES, SERVICE_TYPES, TYPE_LABEL
from tests.synthetic.world.identifiers import id_number
from tests.synthetic.world.model import Pool
from tests.synthetic.world.people import mobile, person

if TYPE_CHECKING:
    from tests.synthetic.profiles.province import Province

DISPATCHED_PROBLEMS = {
    "31": ("08", "群众反映该单位销售不合格商品并拒绝退换"),
    "72": ("10", "群众举报该单位无处方销售处方药"),
    "25": ("11", "群众反映该单位存在重大安全隐患"),
    "16": ("01", "群众反映该单位夜间偷排废气"),
}
TASK_STATUS = {"dispatched": "分发", "claimed": "认领", "fed_back": "反馈", "finished": "结束"}


def write_hotline(p: Province) -> None:
    rng = p.rng("hotline")
    c = p.contract("hotline_12345")
    w = p.writer("jsonl", "hotline_12345")
    by_type = {t: [code for code, v in HOTLINE_CATEGORIES.items() if t in v[2]] for t in TYPE_LABEL}
    type_pool = Pool(list(TYPE_LABEL), [30, 10, 35, 15, 7, 3])
    county_pool = Pool(p.divisions.county_codes)
    assert set(TYPE_LABEL) == set(c.field("appeal_type").codes.values())
    said = p.rng("hotline_free_text")  # its own stream: every other value stays as it was
    for i in range(max(40, int(60 * p.scale))):
        received = p.dt_in_window(rng, (7, 22))
        appeal = type_pool.pick(rng)
        code = rng.choice(by_type[appeal])
        name, dept, _, title_t, content_t, businesses = HOTLINE_CATEGORIES[code]
        target = None
        if dept and appeal in ("投诉", "举报", "求助"):
            pool = p.business_pool(businesses) or p.legal_by_dept[dept]
            target = pool.pick(rng) if pool else None
        division = target.division if target else county_pool.pick(rng)
        what = target.name if target else "某单位"
        channel = rng.choices(
            ["电话", "网站", "微信", "移动客户端", "信箱", "短信"], [60, 12, 15, 8, 3, 2]
        )[0]
        deadline = add_working_days(received.date(), 5 if channel == "电话" else 3)
        handling_dept = dept or ("14" if code == "140101" else None)
        if dept:
            unit_name = p.unit_for(dept, division).name
        elif handling_dept:
            unit_name = p.divisions.city_names[division[:4]] + "人力资源和社会保障局"
        else:
            unit_name = "12345政务服务便民热线"
        dispatched = received + timedelta(minutes=rng.randint(5, 180)) if handling_dept else None
        start = dispatched or received
        closed_at = start + timedelta(hours=rng.randint(1, 24 * 8))
        age = (p.run_date - received.date()).days
        closed = closed_at.date() <= p.run_date and rng.random() < (0.97 if age > 10 else 0.6)
        if closed:
            status = "待回访" if age < 5 and rng.random() < 0.3 else "已结案"
        else:
            status = rng.choice(["已受理", "已派遣", "处置中"] if handling_dept else ["已受理"])
        resolved = (rng.random() < 0.8) if closed else None
        has_mobile = rng.random() < 0.9
        row = {
            "work_order_id": f"{received:%y%m%d%H%M%S}{i % 1_000_000:06d}",
            "channel": channel,
            "received_at": time_text(received),
            "caller_name": person(rng) if rng.random() < 0.75 else None,
            "caller_phone": mobile(rng) if has_mobile else f"0351-{rng.randint(2000000, 8999999)}",
            "confidential": "是" if rng.random() < 0.1 else "否",
            "appeal_type": appeal,
            "category_code": code,
            "category_name": name,
            "title": f"关于{title_t.format(e=what)}的{appeal}",
            "content": content_t.format(e=what),
            "address": p.divisions.address(rng, division),
            "division_code": division,
            "target_uscc": target.uscc if target and rng.random() < 0.7 else None,
            "target_name": target.name if target else None,
            "handling_unit": unit_name,
            "handling_department_code": handling_dept,
            "dispatched_at": time_text(dispatched) if dispatched else None,
            "deadline": day_text(deadline),
            "closed_at": time_text(closed_at) if closed else None,
            "resolved": None if resolved is None else ("已解决" if resolved else "未解决"),
            "reply": (
                "经核查，反映问题属实，已责令整改并回复诉求人。"
                if resolved
                else "经核查，已向诉求人解释说明。"
            )
            if closed
            else None,
            "satisfaction": rng.choices(["满意", "基本满意", "不满意"], [70, 20, 10])[0]
            if status == "已结案"
            else None,
            "status": status,
        }
        if row["caller_name"] and said.random() < 0.2:
            row["content"] += caller_says(said, row, division)
        w.emit(row)
    p.close(w)


def caller_says(rng, row: dict, division: str) -> str:
    """What a caller says about themself, taken down in the work order's free text: their name,
    ID number and phone, personal data that silver must mask (`free_text: true`)."""
    born = date(rng.randint(1955, 2002), rng.randint(1, 12), rng.randint(1, 28))
    number = id_number(division, born, rng.randint(1, 999))
    return (
        f"来电人{row['caller_name']}（身份证号{number}，联系电话{row['caller_phone']}）"
        "要求尽快处理。"
    )


def write_12315(p: Province) -> None:
    rng = p.rng("12315")
    w = p.writer("jsonl", "complaints_12315")
    members = [e for e in p.clean_legal if e.business in SERVICE_TYPES]
    pool = Pool.by_risk(members)
    for i in range(max(30, int(40 * p.scale))):
        received = p.dt_in_window(rng, (0, 23))
        complaint = rng.random() < 0.75
        target = pool.pick(rng)
        code, service = rng.choice(SERVICE_TYPES[target.business])
        problem = {
            "pharmacy": "10",
            "cosmetics": "08",
            "ecommerce": "08",
            "realestate": "08",
            "transport": "08",
        }.get(target.business, "09")
        dispute = received.date() - timedelta(days=rng.randint(0, 20))
        unit = p.unit_for("31", target.division)
        accept = add_working_days(received.date(), rng.randint(0, 7))
        if accept > p.run_date:
            accept, status = None, "01"
        else:
            status = rng.choices(["03", "04", "02", "05", "01"], [55, 10, 15, 10, 10])[0]
        closed = None
        if status in ("03", "04"):
            closed = add_working_days(accept, rng.randint(1, 45))
            if closed > p.run_date:
                closed, status = None, "02"
        mediation = None
        if complaint and closed:
            mediation = rng.choices(["调解成功", "调解不成功", "终止调解"], [65, 25, 10])[0]
        anonymous = not complaint and rng.random() < 0.3
        row = {
            "reg_no": f"{'TS' if complaint else 'JB'}{target.division}"
            f"{received:%Y%m%d}{i % 1_000_000:06d}",
            "reg_type": "投诉" if complaint else "举报",
            "received_at": time_text(received),
            "channel": rng.choices(
                ["全国12315平台", "12315热线", "12315 APP", "12315小程序", "来信来访"],
                [45, 30, 10, 12, 3],
            )[0],
            "complainant_name": None if anonymous else person(rng),
            "complainant_phone": None if anonymous else mobile(rng),
            "handling_department_code": "31",
            "handling_unit": unit.name,
            "accept_decision_date": day_text(accept) if accept else None,
            "status": status,
            "closed_date": day_text(closed) if closed else None,
            "mediation_result": mediation,
            "recovered_loss": round(rng.uniform(20, 3000), 2) if mediation == "调解成功" else None,
        }
        if complaint:
            row.update(
                {
                    "complaint_object": target.name,
                    "complaint_object_cert_code": target.uscc if rng.random() < 0.85 else None,
                    "complaint_type": problem,
                    "complaint_territory": target.division,
                    "complaint_service_type": code,
                    "complaint_service_name": service,
                    "shopping_method": rng.choice(("01", "06"))
                    if target.business == "ecommerce"
                    else "02",
                    "complaint_dispute_date": day_text(dispute),
                    "complaint_detail": f"消费者称于{dispute:%m月%d日}在{target.name}购买的"
                    f"{service}存在质量问题，商家拒绝退换。",
                }
            )
        else:
            row.update(
                {
                    "tip_object": target.name,
                    "tip_enterprise_credit_code": target.uscc if rng.random() < 0.8 else None,
                    "tip_type": problem,
                    "tip_territory": target.division,
                    "tip_service_type": code,
                    "tip_service_name": service,
                    "tip_dispute_date": day_text(dispute),
                    "tip_detail": f"举报{target.name}销售的{service}涉嫌以次充好、"
                    f"标签标识不符合规定。",
                }
            )
        w.emit(row)
    p.close(w)


def write_dispatched(p: Province) -> None:
    rng = p.rng("dispatched")
    w = p.writer("jsonl", "national_dispatched_complaints")
    depts = Pool(["31", "72", "25", "16"], [5, 2, 2, 1])
    for i in range(max(20, int(5 * p.scale))):
        dept = depts.pick(rng)
        item = rng.choice(
            [it for it in p.covered[dept] if it.object_type == "legal_person"] or p.covered[dept]
        )
        target = p.legal_for(item).pick(rng)
        sent = p.dt_in_window(rng, (9, 17))
        deadline = sent.date() + timedelta(days=15)
        status = (
            rng.choices(["fed_back", "finished", "claimed"], [70, 20, 10])[0]
            if deadline < p.run_date
            else rng.choice(["dispatched", "claimed"])
        )
        fed = status in ("fed_back", "finished")
        fed_day = min(p.run_date, sent.date() + timedelta(days=rng.randint(3, 15)))
        verified = rng.choices(["属实", "部分属实", "不属实"], [40, 30, 30])[0] if fed else None
        problem, text = DISPATCHED_PROBLEMS[dept]
        w.emit(
            {
                "task_no": f"GJ{sent:%Y%m%d}{i % 1_000_000:06d}",
                "task_name": f"关于{target.name}有关问题的核查任务",
                "dispatched_at": time_text(sent),
                "deadline": day_text(deadline),
                "status": TASK_STATUS[status],
                "initiating_unit": "国家“互联网+监管”系统",
                "department_code": dept,
                "division_code": target.division,
                "item_code": item.code,
                "object_type": "1",
                "object_name": target.name,
                "credentials_type": "001",
                "credentials_value": target.uscc,
                "problem_type": problem,
                "content": f"{text}，请核查处理并按期反馈。",
                "inspect_content": f"请依据{item.main}检查实施清单开展现场核查。",
                "feedback_date": day_text(fed_day) if fed else None,
                "verified": verified,
                "check_result": ("04" if verified == "属实" else "02" if verified else None)
                if fed
                else None,
                "feedback_result": f"经核查，{verified}，已依法处理。" if fed else None,
            }
        )
    p.close(w)
