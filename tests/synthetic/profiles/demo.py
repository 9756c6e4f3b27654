"""Profile `demo`: the two foundation sources with six planted faults, for a quick look
(`SAMPLES=data_samples/demo/landing bash infra/main.sh`; the main job runs the province).

Four departments deliver the item catalog (UTF-8 with BOM) and one GBK file of supervision
actions each: 240 × scale actions (and the inspection each penalty or coercion followed,
at the end of its file) on the first share of each department's items (COVERED_SHARE,
the coverage targets' known answer), by 60 × scale entities whose USCCs have correct check
characters and whose divisions are current Shanxi codes; names and phone numbers come from
Faker's zh_CN provider (seeded, so the bytes are stable; the order of its calls is part of the
committed samples). With a fault rate above 0, six rows carry one planted fault each
(`PLANTED`), labelled in `ground_truth.csv` in the order they are written.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from faker import Faker

from spark_jobs.checks.identifiers import USCC_ALPHABET, uscc_with_check
from tests.synthetic.run import Params, Run, Summary
from tests.synthetic.world.catalog import COVERED_SHARE, DEPARTMENTS, ITEM_NAMES, PROVINCE
from tests.synthetic.world.divisions import Divisions
from tests.synthetic.world.identifiers import numeric_org_code
from tests.synthetic.world.model import Item

SOURCES = ("supervision_items", "supervision_actions")
DEMO_DEPARTMENTS = tuple(ITEM_NAMES)  # 31, 72, 16, 25
OBJECT_TYPES = ["法人", "法人", "法人", "场地场所", "特定产品", "设施设备"]
ACTION_TYPES = [
    "行政检查",
    "行政检查",
    "行政检查",
    "双随机抽查",
    "行政处罚",
    "行政强制",
    "移动监管",
    "非现场监管",
]
RESULTS = ["01", "01", "01", "02", "02", "03", "04", "05"]
Planted = tuple[str, int, str, str, Callable[[str], str]]  # dept, row index, field, class, value


def planted(run_date: date, officers: dict[str, list[str]]) -> list[Planted]:
    """The six faults: (department, row index in its file, field, class, old → faulty value)."""
    return [
        (
            "31",
            3,
            "entity_uscc",
            "bad_check_character",
            lambda v: v[:-1] + next(c for c in USCC_ALPHABET if c != v[-1]),
        ),
        ("31", 7, "action_date", "impossible_date", lambda v: f"{run_date.year}-02-30"),
        ("72", 2, "entity_name", "empty_required_field", lambda v: ""),
        ("72", 5, "item_code", "unknown_item_code", lambda v: f"72{PROVINCE}0000999999"),
        ("16", 4, "officer_license_nos", "too_few_officers", lambda v: officers["16"][0]),
        ("25", 1, "division_code", "malformed_code", lambda v: "1401"),
    ]


def generate(out: Path, params: Params) -> Summary:
    """Write the demo's deliveries under `out/landing/` and `out/ground_truth.csv`."""
    run = Run("demo", out, SOURCES, params, row_faults={})
    run.prepare()
    seed, run_date, scale = params.seed, params.run_date, params.scale
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    divisions = Divisions(PROVINCE).county_codes
    items = [
        Item(
            f"{dept}{PROVINCE}0000{i:06d}",
            dept,
            name,
            f"{name}（日常）",
            rng.choice(OBJECT_TYPES),
            rng.choice(["2", "3", "4"]),
            "",
        )
        for dept in DEMO_DEPARTMENTS
        for i, name in enumerate(ITEM_NAMES[dept], start=1)
    ]
    entities = []
    for _ in range(max(10, round(60 * scale))):
        division = rng.choice(divisions)
        entities.append(
            (uscc_with_check("91" + division + numeric_org_code(rng)), fake.company(), division)
        )
    officers = {
        d: [f"{PROVINCE}{d}{n:06d}" for n in rng.sample(range(1, 999999), 8)]
        for d in DEMO_DEPARTMENTS
    }
    write_items(run, items)
    covered = {}
    for dept in DEMO_DEPARTMENTS:
        dept_items = [i for i in items if i.dept == dept]
        covered[dept] = dept_items[: round(len(dept_items) * COVERED_SHARE[dept])]
    rows: dict[str, list[dict]] = {d: [] for d in DEMO_DEPARTMENTS}
    for n in range(round(240 * scale)):
        dept = DEMO_DEPARTMENTS[n % len(DEMO_DEPARTMENTS)]
        item = covered[dept][n // len(DEMO_DEPARTMENTS) % len(covered[dept])]
        uscc, entity_name, division = rng.choice(entities)
        action_date = run_date - timedelta(days=rng.randint(0, 150))
        submitted = action_date + timedelta(days=rng.randint(0, 10))
        action_type = rng.choice(ACTION_TYPES)
        rows[dept].append(
            {  # in the contract's field order, which is also the draw order
                "action_id": f"XW{dept}{run.ymd}{n:06d}",
                "action_name": f"{item.main}（{action_type}）",
                "item_code": item.code,
                "action_type": action_type,
                "entity_uscc": uscc,
                "entity_name": entity_name,
                "division_code": division,
                "action_date": action_date.isoformat(),
                "result_code": rng.choice(RESULTS),
                "department_code": dept,
                "department_name": DEPARTMENTS[dept][0],
                "officer_license_nos": ";".join(rng.sample(officers[dept], 2)),
                "content": f"对{entity_name}开展{item.main}",
                "contact_name": fake.name(),
                "contact_phone": fake.phone_number(),
                "submitted_date": min(submitted, run_date).isoformat(),
            }
        )
    for dept_rows in rows.values():
        dept_rows.extend(inspections_followed(dept_rows))
    plan = planted(run_date, officers) if params.fault_rate > 0 else []
    unforced = write_actions(run, rows, plan)
    return run.finish(run.faults.rows, {"supervision_actions": unforced} if unforced else {})


def inspections_followed(rows: list[dict]) -> list[dict]:
    """Give each penalty and coercion its national 检查行为编号: the inspection it followed,
    written at the end of the file (the same entity, item, date and officers, `JC…`), so the
    planted faults keep their rows. Draws nothing: the other rows stay as they were."""
    out = []
    for row in rows:
        if row["action_type"] not in ("行政处罚", "行政强制"):
            continue
        row["inspection_action_id"] = "JC" + row["action_id"][2:]
        out.append(
            {
                **row,
                "action_id": row["inspection_action_id"],
                "action_name": row["action_name"].rsplit("（", 1)[0] + "（行政检查）",
                "action_type": "行政检查",
                "result_code": "04" if row["action_type"] == "行政处罚" else "05",
                "inspection_action_id": None,
            }
        )
    return out


def write_items(run: Run, items: list[Item]) -> None:
    w = run.writer("csv", "supervision_items")
    for item in items:
        w.write(
            {
                "item_code": item.code,
                "department_code": item.dept,
                "department_name": DEPARTMENTS[item.dept][0],
                "main_item_name": item.main,
                "sub_item_name": item.sub,
                "object_type": item.object_type,
                "item_level": item.level,
            }
        )
    run.close(w)


def write_actions(run: Run, rows: dict[str, list[dict]], plan: list[Planted]) -> list:
    """One file per department, the planted faults applied; returns those without a row."""
    at = {(dept, index): (field, cls, value) for dept, index, field, cls, value in plan}
    for dept, dept_rows in rows.items():
        w = run.writer("csv", "supervision_actions", dept)
        for index, row in enumerate(dept_rows):
            if (dept, index) in at:
                field, cls, value = at.pop((dept, index))
                w.write_faulty(dict(row, **{field: value(row[field])}), field, cls)
            else:
                w.write(row)
        run.close(w)
    return [(cls, field) for field, cls, _ in at.values()]
