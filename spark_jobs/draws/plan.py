"""A draw plan (抽查计划任务) and the draw policy, read from YAML and checked before any draw.

A plan names what is checked (the 14-digit item), who checks (the department whose officers
are drawn), where (a division-code prefix), which kinds of object, the base ratio, the draw
date, and the officer conflicts (回避) known for it. Example: data_samples/draws/plan.yaml.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from spark_jobs.draws.algorithm import CLASSES

POLICY_FILE = Path(__file__).with_name("policy.yaml")
ENTITY_KINDS = ("legal_person", "natural_person", "equipment", "product", "site", "project")
PLAN_KEYS = {
    "plan_id",
    "task_name",
    "item_code",
    "department_code",
    "division_prefix",
    "entity_kinds",
    "base_ratio",
    "class_multipliers",
    "drawn_on",
    "conflicts",
}
REQUIRED = ("plan_id", "item_code", "department_code", "division_prefix", "base_ratio", "drawn_on")


class PlanError(ValueError):
    """A plan or policy file that cannot be drawn from; the message names the file and key."""


@dataclass(frozen=True)
class Conflict:
    officer_id: str
    entity_key: str
    reason: str


@dataclass(frozen=True)
class Plan:
    plan_id: str
    task_name: str
    item_code: str
    department_code: str
    division_prefix: str
    entity_kinds: tuple[str, ...]
    base_ratio: Decimal
    class_multipliers: dict[str, Decimal]
    drawn_on: dt.date
    conflicts: tuple[Conflict, ...] = field(default=())

    def conflict_pairs(self) -> set[tuple[str, str]]:
        return {(c.officer_id, c.entity_key) for c in self.conflicts}

    def as_json(self) -> str:
        """The plan as recorded with the draw (decimals and dates as strings, keys sorted)."""
        return json.dumps(asdict(self), default=str, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Policy:
    class_multipliers: dict[str, Decimal]
    unclassified_class: str
    officers_per_object: int


def _decimal(value: Any, where: str) -> Decimal:
    try:
        # str() first: a YAML float 0.03 becomes Decimal('0.03'), not 0.0299999…
        return Decimal(str(value))
    except InvalidOperation:
        raise PlanError(f"{where}: {value!r} is not a number") from None


def _multipliers(raw: Any, where: str) -> dict[str, Decimal]:
    if not isinstance(raw, dict) or set(raw) != set(CLASSES):
        raise PlanError(f"{where}: give a multiplier for each class {', '.join(CLASSES)}")
    out = {c: _decimal(raw[c], f"{where}.{c}") for c in CLASSES}
    for c, m in out.items():
        if m < 0:
            raise PlanError(f"{where}.{c}: a multiplier cannot be negative ({m})")
    return out


def load_policy(path: Path = POLICY_FILE) -> Policy:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = str(path)
    if raw.get("rounding") != "ceiling":
        raise PlanError(f"{where}: rounding: only 'ceiling' is implemented")
    unclassified = raw.get("unclassified_class")
    if unclassified not in CLASSES:
        raise PlanError(f"{where}: unclassified_class must be one of {CLASSES}")
    per_object = raw.get("officers_per_object")
    if not isinstance(per_object, int) or per_object < 2:
        raise PlanError(f"{where}: officers_per_object must be an integer of at least 2")
    return Policy(
        _multipliers(raw.get("class_multipliers"), f"{where}: class_multipliers"),
        unclassified,
        per_object,
    )


def load_plan(path: Path, policy: Policy) -> Plan:
    """Read and check a plan; the policy's multipliers apply unless the plan sets its own."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PlanError(f"{path}: cannot read the plan: {exc}") from None
    if not isinstance(raw, dict):
        raise PlanError(f"{path}: a plan is a YAML mapping")
    unknown = sorted(set(raw) - PLAN_KEYS)
    if unknown:
        raise PlanError(f"{path}: unknown key(s) {unknown}; allowed: {sorted(PLAN_KEYS)}")
    missing = [k for k in REQUIRED if raw.get(k) in (None, "")]
    if missing:
        raise PlanError(f"{path}: missing {missing}")
    item_code = str(raw["item_code"])
    if not re.fullmatch(r"\d{14}", item_code):
        raise PlanError(f"{path}: item_code: {item_code!r} is not a 14-digit catalog item code")
    base = _decimal(raw["base_ratio"], f"{path}: base_ratio")
    if not Decimal(0) < base <= Decimal(1):
        raise PlanError(f"{path}: base_ratio: {base} is outside (0, 1] (a share, 0.03 = 3 %)")
    kinds = tuple(raw.get("entity_kinds") or ("legal_person",))
    bad = [k for k in kinds if k not in ENTITY_KINDS]
    if bad:
        raise PlanError(f"{path}: entity_kinds: {bad} not in {list(ENTITY_KINDS)}")
    drawn_on = raw["drawn_on"]
    if not isinstance(drawn_on, dt.date):
        raise PlanError(f"{path}: drawn_on: {drawn_on!r} is not a date (YYYY-MM-DD)")
    conflicts = []
    for i, c in enumerate(raw.get("conflicts") or []):
        if not isinstance(c, dict) or not c.get("officer_id") or not c.get("entity_key"):
            raise PlanError(f"{path}: conflicts[{i}]: needs officer_id and entity_key")
        conflicts.append(Conflict(str(c["officer_id"]), str(c["entity_key"]), c.get("reason", "")))
    multipliers = (
        _multipliers(raw["class_multipliers"], f"{path}: class_multipliers")
        if raw.get("class_multipliers") is not None
        else policy.class_multipliers
    )
    return Plan(
        plan_id=str(raw["plan_id"]),
        task_name=str(raw.get("task_name") or raw["plan_id"]),
        item_code=item_code,
        department_code=str(raw["department_code"]),
        division_prefix=str(raw["division_prefix"]),
        entity_kinds=kinds,
        base_ratio=base,
        class_multipliers=multipliers,
        drawn_on=drawn_on,
        conflicts=tuple(conflicts),
    )
