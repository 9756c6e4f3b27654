"""The contract's rules as Spark expressions: the problems of each row, in national terms.

Rows are standardised first (`standardise.py`), then typed (`typed.py`: a value that cannot be
typed becomes null, ANSI mode stays on, docs/pitfalls.md). Each field is then asked by the rule
classes of the national check categories (`national.py`): `CodeCheck` (01), `IdentifierCheck`
(06/07), `BusinessKeyCheck` (09), `TimeCheck` (10); references (03/04/08) are joins against the
referenced silver tables (`references.py`). `validate` gives every row `_problems`, an array of
problems (`problems.py`: field, value as delivered, standardised value, English reason,
category, Chinese validator message, severity), empty for a good row.

Identifier checks run the plain Python functions of `spark_jobs.checks` through `per_value`, one
vectorised (pandas) UDF per function; silver's masks use the same helper.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import reduce

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from spark_jobs.checks.identifiers import division_problem, id_number_problem, uscc_problem
from spark_jobs.contracts import Contract, Field
from spark_jobs.contracts.loader import DELIVERY_DATE
from spark_jobs.silver.national import (
    CHECK_CATEGORY,
    Finding,
    Rule,
    RuleContext,
    field_label,
    validator_message,
)
from spark_jobs.silver.problems import entry, no_value, problem_values
from spark_jobs.silver.references import reference_problems
from spark_jobs.silver.row_rules import AmountCheck, ComposedCodeCheck, SourceCheck
from spark_jobs.silver.standardise import standardise
from spark_jobs.silver.typed import comparable, formats_of, local_date, typed_value

FUTURE = "in the future: after the delivery date"
PARSE_ERROR_FIELD = "_row"  # the `field` of the one problem of a row that could not be split


def _missing(v) -> bool:
    """Null in a pandas batch: None, or NaN when a whole batch of the column is null."""
    return v is None or (isinstance(v, float) and pd.isna(v))


def per_value(fn: Callable[[str], str | None]):
    """A vectorised Spark UDF applying a plain str -> str|None function to each non-null value.

    `fn` runs once per distinct value of a batch: a day's actions name a few thousand
    entities and divisions in a million rows."""

    @F.pandas_udf(T.StringType())  # type: ignore[call-overload]  # the stubs lack this form
    def apply(values: pd.Series) -> pd.Series:
        return distinct_map(values, fn)

    return apply


def distinct_map(values: pd.Series, fn: Callable[[str], str | None]) -> pd.Series:
    """`fn` of each non-null value (None for a null), computed once per distinct value."""
    found: dict[str, str | None] = {}
    out: list[str | None] = []
    for v in values:
        if _missing(v):
            out.append(None)
        else:
            if v not in found:
                found[v] = fn(v)
            out.append(found[v])
    return pd.Series(out, index=values.index, dtype=object)


CHECK_MESSAGES = {
    "uscc": "统一社会信用代码编码规则校验不通过",
    "id_number": "身份证号码编码规则校验不通过",
    "division_code": "行政区划代码验证不通过",
}
CHECKS = {
    "uscc": per_value(uscc_problem),
    "division_code": per_value(division_problem),
    "id_number": per_value(id_number_problem),
}


class CodeCheck(Rule):
    """01 代码检查: value domains, lengths, formats, list items, numbers, division codes."""

    category = "01"

    def findings(self, f: Field, ctx: RuleContext) -> list[Finding]:
        raw, typed = ctx.raw[f.name], ctx.typed[f.name]
        present = raw.isNotNull()
        out = []
        if f.max_length:
            out.append(
                self.finding(
                    present & (F.length(raw) > f.max_length),
                    f"longer than {f.max_length} characters",
                    f"值超长（不超过{f.max_length}个字符）",
                )
            )
        if f.pattern:
            out.append(
                self.finding(
                    present & ~raw.rlike(f.pattern), f"does not match {f.pattern}", "验证不通过"
                )
            )
        if f.type == "code":
            allowed = "、".join(f.codes.values() if f.delivered_as == "label" else f.codes)
            out.append(
                self.finding(
                    present & typed.isNull(),
                    f"not in the code list ({allowed})",
                    f"不在值域范围内（{allowed}）",
                )
            )
        if f.type in ("integer", "decimal"):
            out.append(self.finding(present & typed.isNull(), "not a number", "不是数值类型"))
        if f.type == "list" and f.min_items:
            out.append(
                self.finding(
                    present & (F.size(typed) < f.min_items),
                    f"needs at least {f.min_items} items separated by '{f.separator}'",
                    f"原则上不少于{f.min_items}个",
                )
            )
        if f.type == "list" and f.item_pattern:
            item_pattern = f.item_pattern
            out.append(
                self.finding(
                    present & ~F.forall(typed, lambda x: x.rlike(item_pattern)),
                    f"an item does not match {f.item_pattern}",
                    "验证不通过（其中一项格式有误）",
                )
            )
        return out


class IdentifierCheck(Rule):
    """06 统一社会信用代码 / 07 身份证号码 (and 01 for division codes): the check functions of
    `spark_jobs.checks.identifiers`; the category follows the identifier."""

    def findings(self, f: Field, ctx: RuleContext) -> list[Finding]:
        if f.check not in CHECKS:
            return []
        raw = ctx.raw[f.name]
        problem = CHECKS[f.check](raw)
        return [
            Finding(
                raw.isNotNull() & problem.isNotNull(),
                F.concat(F.lit(f"invalid {f.check}: "), problem),
                CHECK_CATEGORY[f.check],
                CHECK_MESSAGES[f.check],
            )
        ]


class BusinessKeyCheck(Rule):
    """09 业务主键检查: key and required fields present (uniqueness per delivery is 05, in
    `build.py`: a later row of the same key supersedes the earlier one)."""

    category = "09"

    def findings(self, f: Field, ctx: RuleContext) -> list[Finding]:
        if f.required:
            return [
                self.finding(
                    ctx.raw[f.name].isNull(), "required field is empty", "为必填项，不能为空"
                )
            ]
        if not f.required_when:
            return []
        # required for some kinds of row only (`required_when: {code_field: [codes]}`)
        when = [ctx.typed[name].isin(list(codes)) for name, codes in f.required_when.items()]
        en = " or ".join(f"{n} is {', '.join(c)}" for n, c in f.required_when.items())
        zh = "；".join(
            f"{field_label(ctx.fields[n])}为{'、'.join(ctx.fields[n].codes[c] for c in codes)}"
            for n, codes in f.required_when.items()
        )
        return [
            self.finding(
                ctx.raw[f.name].isNull() & reduce(lambda a, b: a | b, when),
                f"required field is empty when {en}",
                f"为必填项，不能为空（{zh}时）",
            )
        ]


class TimeCheck(Rule):
    """10 时间信息检查: dates valid, in order with the row's other dates, not after delivery."""

    category = "10"

    def findings(self, f: Field, ctx: RuleContext) -> list[Finding]:
        if f.type not in ("date", "timestamp"):
            return []
        raw, typed = ctx.raw[f.name], ctx.typed[f.name]
        formats = " or ".join(formats_of(f))
        out = [
            self.finding(
                raw.isNotNull() & typed.isNull(), f"not a valid date ({formats})", "日期格式有误"
            )
        ]
        if f.not_before:
            out.append(self._bound(f, ctx, f.not_before, "before"))
        if f.not_after == DELIVERY_DATE:  # the batch's delivery date (bronze `_delivery_date`)
            future = local_date(f, typed) > ctx.delivery_date  # a timestamp by its local date
            out.append(self.finding(future, FUTURE, "晚于报送日期（未来日期）"))
        elif f.not_after:
            out.append(self._bound(f, ctx, f.not_after, "after"))
        return out

    def _bound(self, f: Field, ctx: RuleContext, other: str, word: str) -> Finding:
        # two timestamps as instants, a timestamp and a date by the timestamp's local date
        mine, theirs = comparable(f, ctx.typed[f.name], ctx.fields[other], ctx.typed[other])
        broken = mine < theirs if word == "before" else mine > theirs
        shown = ctx.typed[other].cast("string")  # the other value as typed, time included
        reason = F.concat(ctx.shown(f), F.lit(f" is {word} {other} "), shown)
        zh = "早于" if word == "before" else "晚于"
        return self.finding(broken, reason, f"{zh}[{field_label(ctx.fields[other])}]")


# every field is asked by each, in this order (the order of a row's problems)
RULES: tuple[Rule, ...] = (
    BusinessKeyCheck(),
    CodeCheck(),
    SourceCheck(),
    AmountCheck(),
    ComposedCodeCheck(),
    TimeCheck(),
    IdentifierCheck(),
)


def field_findings(f: Field, ctx: RuleContext) -> list[Finding]:
    """Every rule's findings on one field."""
    return [x for rule in RULES for x in rule.findings(f, ctx)]


def validate(
    spark,
    contract: Contract,
    bronze: DataFrame,
    references: Mapping[str, DataFrame] | None = None,
) -> DataFrame:
    """Standardise bronze rows and add `__typed_<field>` columns and `_problems` (an array of
    (field, value, standardised_value, reason, category, message, severity), empty for a
    good row). `references`: the silver tables the contract's fields reference, by table name
    (`build.reference_tables`); one missing has not been built yet."""
    return reference_problems(spark, contract, field_problems(contract, bronze), references or {})


def reads_rows_again(contract: Contract) -> bool:
    """Whether `reference_problems` reads the validated rows more than once: a reference to
    the contract's own table (this build's rows count) or on a list field (its items are
    exploded and joined back). Each read computes the whole validation again, Python UDFs
    included, unless the rows are persisted first (`build._build` does)."""
    return any(
        f.references and (f.references["table"] == contract.name or f.type == "list")
        for f in contract.fields
    )


def field_problems(contract: Contract, bronze: DataFrame) -> DataFrame:
    """`validate` without the references: every field's own findings."""
    delivered = {f"__delivered_{f.name}": F.col(f.name) for f in contract.fields}
    df = standardise(contract, bronze.withColumns(delivered))
    raw = {f.name: F.col(f.name) for f in contract.fields}
    typed = {f.name: typed_value(f, raw[f.name]) for f in contract.fields}
    ctx = RuleContext(raw, typed, F.col("_delivery_date"), {f.name: f for f in contract.fields})
    problems = [  # an unsplittable row has one problem: itself
        F.when(
            F.col("_parse_error").isNotNull(),
            entry(
                PARSE_ERROR_FIELD,
                no_value(),
                no_value(),
                F.col("_parse_error"),
                None,
                F.concat(F.lit("[整行]无法解析："), F.col("_parse_error")),
            ),
        )
    ]
    parsed = F.col("_parse_error").isNull()
    for f in contract.fields:
        findings = field_findings(f, ctx)
        if not findings:
            continue
        # a free text's value is masked by a Python UDF, which Spark runs on every row it is
        # given: it is given the text only where one of the field's findings holds
        broken = reduce(lambda a, b: a | b, [x.broken for x in findings])
        value, standardised = problem_values(f, contract, df.columns, only=parsed & broken)
        for x in findings:
            problem = entry(
                f.name,
                value,
                standardised,
                x.reason,
                x.category,
                validator_message(f, value, x.message),
            )
            problems.append(F.when(parsed & x.broken, problem))
    df = df.withColumns({f"__typed_{f.name}": typed[f.name] for f in contract.fields})
    return df.withColumn("_problems", F.filter(F.array(*problems), lambda x: x.isNotNull()))
