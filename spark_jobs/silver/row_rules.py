"""Rules that read a field against its row's other fields or a national list: the department
code (02), amounts against a code and another amount (01), a code composed of other fields (04).

Declared in the contract (`check: department_code`, `positive_when`, `not_above`,
`starts_with`; docs/contract_format.md); asked by `rules.py` with the other rule classes.
"""

from __future__ import annotations

from pyspark.sql import functions as F

from spark_jobs.checks.departments import NATIONAL_DEPARTMENTS
from spark_jobs.contracts import Field
from spark_jobs.silver.national import Finding, Rule, RuleContext, field_label


class SourceCheck(Rule):
    """02 数据源标识检查: a department code (`check: department_code`) is a national department
    code, so the record can be reported under it (`spark_jobs.checks.departments`)."""

    category = "02"

    def findings(self, f: Field, ctx: RuleContext) -> list[Finding]:
        if f.check != "department_code":
            return []
        raw = ctx.raw[f.name]
        broken = raw.isNotNull() & ~raw.isin(*NATIONAL_DEPARTMENTS)
        if f.pattern:  # a malformed code is CodeCheck's finding, not a second one here
            broken = broken & raw.rlike(f.pattern)
        return [
            self.finding(
                broken,
                F.concat(ctx.shown(f), F.lit(" is not a national department code")),
                "不在国家监管部门编码范围内",
            )
        ]


class AmountCheck(Rule):
    """01 代码检查 for amounts, against the row's other fields (the national validator reports
    numbers under 01): above 0 when a code says so (`positive_when`: a fine kind 罚款 has a
    fine), not above another amount (`not_above`: paid ≤ fined). A value that is not a number
    is CodeCheck's finding, not a second one here."""

    category = "01"

    def findings(self, f: Field, ctx: RuleContext) -> list[Finding]:
        raw, typed = ctx.raw[f.name], ctx.typed[f.name]
        out = []
        for name, codes in (f.positive_when or {}).items():
            other = ctx.fields[name]
            when = ctx.typed[name].isin(*codes)
            labels = "、".join(other.codes[c] for c in codes)
            out.append(
                self.finding(
                    when & (raw.isNull() | (typed <= 0)),
                    F.concat(
                        F.coalesce(ctx.shown(f), F.lit(f"{f.name} (empty)")),
                        F.lit(f" must be above 0 when {name} is {'/'.join(codes)}"),
                    ),
                    f"应大于0（[{field_label(other)}]为{labels}）",
                )
            )
        if f.not_above:
            other = ctx.fields[f.not_above]
            theirs = ctx.typed[f.not_above]
            out.append(
                self.finding(
                    typed > theirs,
                    F.concat(
                        ctx.shown(f),
                        F.lit(f" is above {f.not_above} "),
                        theirs.cast("string"),
                    ),
                    f"大于[{field_label(other)}]",
                )
            )
        return out


class ComposedCodeCheck(Rule):
    """04 监管事项检查实施清单编码检查: a code composed of other fields of its row begins with
    them (`starts_with`: a checklist code is the agency's USCC + its level digit). A code field
    is compared by its code, not its label."""

    category = "04"

    def findings(self, f: Field, ctx: RuleContext) -> list[Finding]:
        if not f.starts_with:
            return []
        parts = [
            ctx.typed[x] if ctx.fields[x].type == "code" else ctx.raw[x] for x in f.starts_with
        ]
        expected = F.concat(*parts)  # null when a part is missing: nothing to compare with
        raw = ctx.raw[f.name]
        names = " + ".join(f.starts_with)
        labels = "+".join(f"[{field_label(ctx.fields[x])}]" for x in f.starts_with)
        return [
            self.finding(
                raw.isNotNull() & ~raw.startswith(expected),
                F.concat(ctx.shown(f), F.lit(f" does not begin with {names} "), expected),
                f"应以{labels}开头",
            )
        ]
