"""The contract's rules as Spark expressions: typed values and the problems of each row.

For each field, `typed.typed_value` is the value silver stores (a date parsed with `try_to_date`, a
code for a delivered label, a list split on its separator, a number by `try_cast`: ANSI mode
stays on, so a bad value becomes null here instead of failing the job, docs/pitfalls.md), and
`field_problems` gives one reason string per broken rule. `validate` puts them together: every
row gets `_problems`, an array of (field, value, reason) that is empty for a good row. The value
of a personal-data field (`pii`) is never copied into a problem.

Identifier checks run the plain Python functions of `spark_jobs.checks` through `per_value`, one
vectorised (pandas) UDF per function; silver's masks use the same helper.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from spark_jobs.checks.identifiers import division_problem, id_number_problem, uscc_problem
from spark_jobs.contracts import Contract, Field
from spark_jobs.contracts.loader import DELIVERY_DATE
from spark_jobs.silver.standardise import standardise
from spark_jobs.silver.typed import DEFAULT_DATE_FORMAT, typed_value

FUTURE = "in the future: after the delivery date"
PARSE_ERROR_FIELD = "_row"  # the `field` of the one problem of a row that could not be split


def _missing(v) -> bool:
    """Null in a pandas batch: None, or NaN when a whole batch of the column is null."""
    return v is None or (isinstance(v, float) and pd.isna(v))


def per_value(fn: Callable[[str], str | None]):
    """A vectorised Spark UDF applying a plain str -> str|None function to each non-null value."""

    @F.pandas_udf(T.StringType())  # type: ignore[call-overload]  # the stubs lack this form
    def apply(values: pd.Series) -> pd.Series:
        return values.map(lambda v: None if _missing(v) else fn(v))

    return apply


CHECKS = {
    "uscc": per_value(uscc_problem),
    "division_code": per_value(division_problem),
    "id_number": per_value(id_number_problem),
}


def _problem(condition: Column, reason: Column | str) -> Column:
    reason = F.lit(reason) if isinstance(reason, str) else reason
    return F.when(condition, reason)


def _shown(f: Field, raw: Column) -> Column:
    """How a reason names the value: `<field> <value>`, or `<field>` alone for personal data."""
    return F.concat(F.lit(f"{f.name} "), raw) if f.pii == "none" else F.lit(f.name)


def _bound_problem(
    f: Field, raw: Column, typed: dict[str, Column], other: str, word: str
) -> Column:
    """`not_before` / `not_after` another date field of the row."""
    mine, theirs = typed[f.name], typed[other]
    broken = mine < theirs if word == "before" else mine > theirs
    return _problem(
        broken, F.concat(_shown(f, raw), F.lit(f" is {word} {other} "), theirs.cast("string"))
    )


def field_problems(
    f: Field, raw: Column, typed: dict[str, Column], delivery_date: Column
) -> list[Column]:
    """Spark expressions that are a reason string when `raw` breaks the field's rules."""
    present = raw.isNotNull()
    out = []
    if f.required:
        out.append(_problem(~present, "required field is empty"))
    if f.max_length:
        out.append(
            _problem(
                present & (F.length(raw) > f.max_length), f"longer than {f.max_length} characters"
            )
        )
    if f.pattern:
        out.append(_problem(present & ~raw.rlike(f.pattern), f"does not match {f.pattern}"))
    if f.type == "code":
        allowed = "、".join(f.codes.values() if f.delivered_as == "label" else f.codes)
        out.append(_problem(present & typed[f.name].isNull(), f"not in the code list ({allowed})"))
    if f.type == "date":
        formats = " or ".join(f.formats) or DEFAULT_DATE_FORMAT
        out.append(_problem(present & typed[f.name].isNull(), f"not a valid date ({formats})"))
    if f.type == "list":
        items = typed[f.name]
        if f.min_items:
            out.append(
                _problem(
                    present & (F.size(items) < f.min_items),
                    f"needs at least {f.min_items} items separated by '{f.separator}'",
                )
            )
        if f.item_pattern:
            item_pattern = f.item_pattern
            out.append(
                _problem(
                    present & ~F.forall(items, lambda x: x.rlike(item_pattern)),
                    f"an item does not match {f.item_pattern}",
                )
            )
    if f.check:
        out.append(F.when(present, F.concat(F.lit(f"invalid {f.check}: "), CHECKS[f.check](raw))))
    if f.not_before:
        out.append(_bound_problem(f, raw, typed, f.not_before, "before"))
    if f.not_after == DELIVERY_DATE:  # the batch's delivery date (bronze `_delivery_date`)
        out.append(_problem(typed[f.name] > delivery_date, FUTURE))
    elif f.not_after:
        out.append(_bound_problem(f, raw, typed, f.not_after, "after"))
    return out


def _entry(field: Column | str, value: Column, reason: Column) -> Column:
    field = F.lit(field) if isinstance(field, str) else field
    return F.struct(field.alias("field"), value.alias("value"), reason.alias("reason"))


def _reference_problems(spark, contract: Contract, df: DataFrame) -> DataFrame:
    """Add a problem for each value missing from the silver table its field references."""
    for f in contract.fields:
        if not f.references:
            continue
        ref_table = f"silver.{f.references['table']}"
        refs = spark.table(ref_table).select(F.col(f.references["field"]).alias("__ref")).distinct()
        df = df.join(F.broadcast(refs), df[f.name] == refs["__ref"], "left")
        missing = F.col(f.name).isNotNull() & F.col("__ref").isNull()
        value = F.col(f.name) if f.pii == "none" else F.lit(None).cast("string")
        reason = F.concat(_shown(f, F.col(f.name)), F.lit(f" is not in {ref_table}"))
        problems = F.concat(F.col("_problems"), F.array(_entry(f.name, value, reason)))
        df = df.withColumn(
            "_problems", F.when(missing, problems).otherwise(F.col("_problems"))
        ).drop("__ref")
    return df


def validate(spark, contract: Contract, bronze: DataFrame) -> DataFrame:
    """Standardise bronze rows and add `__typed_<field>` columns and `_problems`
    (array<struct<field, value, reason>>, empty for a good row)."""
    df = standardise(contract, bronze)
    raw = {f.name: F.col(f.name) for f in contract.fields}
    typed = {f.name: typed_value(f, raw[f.name]) for f in contract.fields}
    no_value = F.lit(None).cast("string")
    problems = [  # an unsplittable row has one problem: itself
        F.when(
            F.col("_parse_error").isNotNull(),
            _entry(PARSE_ERROR_FIELD, no_value, F.col("_parse_error")),
        )
    ]
    parsed = F.col("_parse_error").isNull()
    for f in contract.fields:
        value = no_value if f.pii != "none" else raw[f.name]
        for p in field_problems(f, raw[f.name], typed, F.col("_delivery_date")):
            problems.append(F.when(parsed & p.isNotNull(), _entry(f.name, value, p)))
    df = df.withColumns({f"__typed_{f.name}": typed[f.name] for f in contract.fields})
    df = df.withColumn("_problems", F.filter(F.array(*problems), lambda x: x.isNotNull()))
    return _reference_problems(spark, contract, df)
