"""Plans and the policy: checked before any draw, errors naming the file and key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from spark_jobs.core.settings import REPO_ROOT
from spark_jobs.draws.plan import PlanError, load_plan, load_policy

GOOD = """\
plan_id: JC-2024-001
task_name: 2024年食品经营者双随机抽查
item_code: "14000000000001"
department_code: "31"
division_prefix: "1401"
entity_kinds: [legal_person]
base_ratio: 0.03
drawn_on: 2024-06-28
conflicts:
  - {officer_id: "L1", entity_key: "E1", reason: 亲属关系}
"""


def test_the_policy_is_labelled_as_our_assumption_and_loads_exact_decimals():
    policy = load_policy()
    assert policy.class_multipliers == {"A": Decimal("0.5"), "B": Decimal(1), "C": Decimal(2), "D": Decimal(5)}  # fmt: skip
    assert policy.unclassified_class == "B" and policy.officers_per_object == 2
    text = (REPO_ROOT / "spark_jobs" / "draws" / "policy.yaml").read_text(encoding="utf-8")
    assert "assumption (ours)" in text


def test_a_good_plan(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(GOOD, encoding="utf-8")
    plan = load_plan(path, load_policy())
    assert plan.base_ratio == Decimal("0.03")  # not 0.0299999...
    assert plan.drawn_on == dt.date(2024, 6, 28)
    assert plan.conflict_pairs() == {("L1", "E1")}
    assert plan.class_multipliers["D"] == Decimal(5)  # from the policy
    assert '"base_ratio": "0.03"' in plan.as_json()


def test_the_sample_plan_loads():
    plan = load_plan(REPO_ROOT / "data_samples" / "draws" / "plan.yaml", load_policy())
    assert plan.plan_id and len(plan.item_code) == 14


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("base_ratio: 0.03", "base_ratio: 1.5"), r"base_ratio: 1.5 is outside \(0, 1\]"),
        (('item_code: "14000000000001"', 'item_code: "1400000000001"'), "not a 14-digit"),
        (("drawn_on: 2024-06-28", "drawn_on: next week"), "drawn_on: 'next week' is not a date"),
        (("entity_kinds: [legal_person]", "entity_kinds: [company]"), r"\['company'\] not in"),
        (("task_name:", "owner: me\ntask_name:"), r"unknown key\(s\) \['owner'\]"),
        (('department_code: "31"\n', ""), r"missing \['department_code'\]"),
        (('entity_key: "E1", ', ""), r"conflicts\[0\]: needs officer_id and entity_key"),
    ],
)
def test_a_bad_plan_names_file_and_key(tmp_path, change, message):
    path = tmp_path / "plan.yaml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(PlanError, match=message) as err:
        load_plan(path, load_policy())
    assert str(path) in str(err.value)


def test_a_plan_multiplier_table_must_name_every_class(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(GOOD + "class_multipliers: {A: 1, B: 1}\n", encoding="utf-8")
    with pytest.raises(PlanError, match="a multiplier for each class A, B, C, D"):
        load_plan(path, load_policy())
