"""Repository 4, supervision actions: one GBK file per department, 1,000 × scale actions, plus
the inspection each penalty, coercion or other act follows when none came before it.

Each action is on a covered item of its department and an existing clean entity the item is
about (an object of the item's kind, or a legal person of a matching business), by two active
officers of the department; some follow a claimed licence (repository of approvals). Penalty
actions publish a disclosure (credit_penalties, a paged dump per department, three of which
carry a page fault when faults are on) and the first ones become knowledge cases; some actions
get national feedback. A faulty action is referenced by nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from tests.synthetic.repositories.credit import penalty_row
from tests.synthetic.repositories.national_feedback import draw_check, feedback_row, feedback_share
from tests.synthetic.repositories.officers import pick_officers
from tests.synthetic.world.catalog import (
    ACTION_SHARE,
    ACTION_TYPES,
    DEPARTMENTS,
    INSPECTION_RESULTS,
    RESULT_TEXT,
)
from tests.synthetic.world.dates import day_text
from tests.synthetic.world.model import Pool
from tests.synthetic.world.people import mobile, person

if TYPE_CHECKING:
    from tests.synthetic.profiles.province import Province

PENALTY_PAGE_FAULTS = {
    "72": "page_records_mismatch",
    "16": "invalid_json_page",
    "25": "missing_page",
}
FORCED_RESULT = {"行政处罚": "04", "行政强制": "05"}
# the national 检查行为编号: these acts name the inspection (of these kinds) they follow
FOLLOWS_INSPECTION = ("行政处罚", "行政强制", "其他")
INSPECTION_TYPES = ("行政检查", "双随机抽查", "移动监管", "非现场监管")


def inspection_for(p: Province, writer, inspections: dict, row: dict, n: int) -> str:
    """The 检查行为编号 of a penalty, coercion or other act: the latest clean inspection of its
    department, entity and item on or before its date, or else one written now, clean, just
    before it (`JC…`, same date, officers and object). Draws no random number, so every other
    row of the province stays as it was."""
    key = (row["department_code"], row["entity_uscc"], row["item_code"])
    earlier = [x for x in inspections.get(key, []) if x[0] <= row["action_date"]]
    if earlier:
        return max(earlier)[1]
    inspection_id = f"JC{row['department_code']}{p.ymd}{n:07d}"
    result = FORCED_RESULT.get(row["action_type"], "06")  # what the inspection led to
    writer.emit(
        {
            **row,
            "action_id": inspection_id,
            "action_name": row["action_name"].rsplit("（", 1)[0] + "（行政检查）",
            "action_type": "行政检查",
            "result_code": result,
            "content": row["content"].replace(RESULT_TEXT[row["result_code"]], RESULT_TEXT[result]),
        },
        eligible=False,
    )
    inspections.setdefault(key, []).append((row["action_date"], inspection_id))
    return inspection_id


def write_actions(p: Province) -> None:
    rng = p.rng("actions")
    n_actions = int(1000 * p.scale)
    p.faults.unknown_action = f"XW31{p.ymd}9999999"
    writers = {d: p.writer("csv", "supervision_actions", d) for d in DEPARTMENTS}
    page_faults = PENALTY_PAGE_FAULTS if p.faults.rate > 0 else {}
    penalties = {}
    for d in DEPARTMENTS:
        penalties[d] = p.dump("credit_penalties", 5, d)
        penalties[d].page_fault = page_faults.get(d)
    feedback = p.writer("csv", "national_feedback")
    dept_pool = Pool(list(DEPARTMENTS), [ACTION_SHARE[d] for d in DEPARTMENTS])
    type_pool = Pool.of(ACTION_TYPES)
    type_labels = p.contract("supervision_actions").field("action_type").codes.values()
    assert all(t in type_labels for t, _ in ACTION_TYPES)
    p.cases = []
    n_cases = max(10, int(5 * p.scale))
    seq = dict.fromkeys(DEPARTMENTS, 0)
    share = feedback_share(n_actions)
    inspections: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for n in range(n_actions):
        dept = dept_pool.pick(rng)
        item, obj, owner, action_date, action_type = subject(p, rng, dept, type_pool)
        result = FORCED_RESULT.get(action_type) or rng.choice(INSPECTION_RESULTS)
        submitted = min(p.run_date, action_date + timedelta(days=rng.randint(0, 7)))
        unit = p.unit_for(dept, obj.division)
        action_id = f"XW{dept}{p.ymd}{n:07d}"
        row = {
            "action_id": action_id,
            "action_name": f"{item.main}（{action_type}）",
            "item_code": item.code,
            "action_type": action_type,
            "entity_uscc": owner.uscc,
            "entity_name": owner.name,
            "division_code": obj.division,
            "action_date": day_text(action_date),
            "result_code": result,
            "department_code": dept,
            "department_name": unit.name,
            "officer_license_nos": ";".join(pick_officers(p, rng, dept, obj.division)),
            "content": f"对{obj.name or owner.name}开展{item.sub}{RESULT_TEXT[result]}",
            "contact_name": person(rng),
            "contact_phone": mobile(rng),
            "submitted_date": day_text(submitted),
        }
        if action_type in FOLLOWS_INSPECTION:
            row["inspection_action_id"] = inspection_for(p, writers[dept], inspections, row, n)
        penalty = None
        if action_type == "行政处罚":
            seq[dept] += 1
            penalty = penalty_row(
                p, rng, dept, seq[dept], unit, item, owner, action_id, action_date
            )
        check, feedback_day = draw_check(rng, share, submitted)
        if writers[dept].emit(row) is not None:
            continue  # a faulty action is referenced by nothing
        if action_type in INSPECTION_TYPES:
            key = (dept, row["entity_uscc"], row["item_code"])
            inspections.setdefault(key, []).append((row["action_date"], action_id))
        if penalty is not None:
            dump = penalties[dept]
            dump.emit(penalty, eligible=dump.page_fault is None)
            if len(p.cases) < n_cases and dump.page_fault is None:
                p.cases.append({**penalty, "dept": dept})
        if check is not None and feedback_day <= p.run_date:
            feedback.emit(feedback_row(check, feedback_day, submitted, row))
    p.close(*writers.values(), *penalties.values(), feedback)


def subject(p: Province, rng: random.Random, dept: str, type_pool: Pool):
    """(item, object, owner, action date, action type) of the next action of `dept`."""
    queue = p.follow_ups[dept]
    if queue and rng.random() < 0.2:  # a claimed licence followed by an inspection
        owner, item, granted = queue.pop()
        action_date = min(p.run_date, granted + timedelta(days=rng.randint(3, 45)))
        return item, owner, owner, action_date, "行政检查"
    item = rng.choice(p.covered[dept])
    objects = p.objects.get((dept, item.object_type))
    if item.object_type != "legal_person" and objects:
        obj = objects.pick(rng)
        owner = obj.owner
    else:
        legal = p.legal_for(item)
        obj = owner = legal.pick(rng) if legal else p.all_legal.pick(rng)
    action_date = p.window_start + timedelta(days=rng.randint(0, p.window_days - 1))
    return item, obj, owner, action_date, type_pool.pick(rng)
