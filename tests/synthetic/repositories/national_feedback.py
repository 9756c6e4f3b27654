"""National quality-check feedback (国家质检反馈) on the actions the province reported.

About 2 % of the clean actions (at least ~30 rows at small scales) get a finding of one of the
national check categories two to six days after submission, in the national system's message
format; a finding dated after the run date has not arrived yet. Written with the actions.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from tests.synthetic.world.catalog import DATASET_OF, NATIONAL_CHECKS
from tests.synthetic.world.dates import day_text

Check = tuple[str, str, str, str]  # category, national field, reason code, message template


def feedback_share(n_actions: int) -> float:
    return max(0.02, 30 / max(n_actions, 1))


def draw_check(rng: random.Random, share: float, submitted: date) -> tuple[Check | None, date]:
    """A finding (or None) for an action submitted on `submitted`, and its feedback date."""
    check = rng.choice(NATIONAL_CHECKS) if rng.random() < share else None
    return check, submitted + timedelta(days=rng.randint(2, 6))


def feedback_row(check: Check, day: date, submitted: date, action: dict) -> dict:
    category, field, reason, template = check
    return {
        "record_id": action["action_id"],
        "dataset": DATASET_OF.get(action["action_type"], "行政检查行为"),
        "batch_no": f"{submitted + timedelta(days=1):%Y%m%d}00001",
        "check_category": category,
        "field_name": field,
        "reason_code": reason,
        "message": template.format(
            item=action["item_code"], id=action["action_id"], submitted=action["submitted_date"]
        ),
        "feedback_date": day_text(day),
    }
