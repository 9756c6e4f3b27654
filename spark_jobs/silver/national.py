"""The ten national quality-check categories (数据检核类型) and the validator's message style.

The national platform checks uploaded records in ten categories and reports one message per
failing field, `[字段名]:[值] <原因>` (docs/national_rules.md#quality-checks). Every problem
silver finds carries one of these codes, so a department's rejection list reads like the
national feedback it will get if the row were uploaded as it is. A row that cannot be parsed
at all has no category (the national list does not cover it).

Each category is a named rule class below; `rules.py` asks each class for its findings on a
field. Which class a contract key belongs to is decided here, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import Column
from pyspark.sql import functions as F

from spark_jobs.contracts import Field

CATEGORIES: dict[str, tuple[str, str]] = {
    "01": ("代码检查", "code list and format"),
    "02": ("数据源标识检查", "source identifier"),
    "03": ("监管事项目录编码检查", "supervision item code"),
    "04": ("监管事项检查实施清单编码检查", "inspection checklist code"),
    "05": ("数据归并", "duplicate records"),
    "06": ("统一社会信用代码编码规则检查", "USCC (GB 32100)"),
    "07": ("身份证号码编码规则检查", "ID number (GB 11643)"),
    "08": ("数据关联性检查", "relations between records"),
    "09": ("业务主键检查", "business key and required fields"),
    "10": ("时间信息检查", "time information"),
}


@dataclass(frozen=True)
class Finding:
    """One broken rule of one field: when it is broken, and what to say about it."""

    broken: Column  # true when the rule is broken
    reason: Column  # English, naming the field (and the value unless personal data)
    category: str | None  # a key of CATEGORIES
    message: str  # the validator's reason, Chinese (after `[字段名]:[值] `)


def field_label(f: Field) -> str:
    """The field's name as a department knows it: the delivered header, else its Chinese
    description, else the field name."""
    return f.header or (f.description or {}).get("zh") or f.name


def validator_message(f: Field, value: Column, message: str) -> Column:
    """`[字段名]:[值] 原因`, or `[字段名] 原因` for personal data (its value is never shown)."""
    if f.pii != "none":
        return F.lit(f"[{field_label(f)}] {message}")
    shown = F.coalesce(value, F.lit(""))
    return F.concat(F.lit(f"[{field_label(f)}]:["), shown, F.lit(f"] {message}"))


class Rule:
    """A national check category; subclasses say which contract keys they check."""

    category: str | None = None

    def findings(self, f: Field, ctx: RuleContext) -> list[Finding]:
        raise NotImplementedError

    def finding(self, broken: Column, reason: Column | str, message: str) -> Finding:
        reason = F.lit(reason) if isinstance(reason, str) else reason
        return Finding(broken, reason, self.category, message)


@dataclass(frozen=True)
class RuleContext:
    """What a rule may look at: this row's standardised and typed values and its delivery."""

    raw: dict[str, Column]
    typed: dict[str, Column]
    delivery_date: Column
    fields: dict[str, Field]

    def shown(self, f: Field) -> Column:
        """How an English reason names the value: `<field> <value>`, or `<field>` for pii."""
        raw = self.raw[f.name]
        return F.concat(F.lit(f"{f.name} "), raw) if f.pii == "none" else F.lit(f.name)


# the categories of references (the rest are 08) and of identifier checks
REFERENCE_CATEGORY = {"supervision_items": "03", "inspection_checklists": "04"}
CHECK_CATEGORY = {"uscc": "06", "id_number": "07", "division_code": "01"}


def reference_category(f: Field) -> str:
    """03 for a catalog item code, 04 for a checklist code, 08 for any other relation."""
    return REFERENCE_CATEGORY.get((f.references or {}).get("table", ""), "08")
