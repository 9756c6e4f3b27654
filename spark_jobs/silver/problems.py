"""One problem of a row, as `_problems` holds it: (field, value as delivered, standardised
value, English reason, national category, Chinese validator message, severity). The value of a
personal-data field (`pii`) is never copied into a problem; a free-text value is masked."""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

from spark_jobs.checks.free_text import mask_text_column
from spark_jobs.contracts import Contract, Field


def entry(
    field: str,
    value: Column,
    standardised: Column,
    reason: Column,
    category: str | None,
    message: Column,
    severity: str = "error",
) -> Column:
    """One problem of a row: the struct every element of `_problems` is."""
    return F.struct(
        F.lit(field).alias("field"),
        value.alias("value"),
        standardised.alias("standardised_value"),
        reason.alias("reason"),
        F.lit(category).cast("string").alias("category"),
        message.alias("message"),
        F.lit(severity).alias("severity"),
    )


def no_value() -> Column:
    """A problem's value where it has none (a row that could not be split, personal data)."""
    return F.lit(None).cast("string")


def problem_values(
    f: Field, contract: Contract, df_columns: list[str], only: Column | None = None
) -> tuple[Column, Column]:
    """(as delivered, standardised where that differs) for a problem; both null for pii.
    `only`: the rows that can have a problem on `f` (a free text is masked on those alone)."""
    if f.pii != "none":
        return no_value(), no_value()
    if f.free_text:  # shown, but with the personal data inside it masked
        names = [x.name for x in contract.fields if x.pii == "name"]
        text = F.col(f"__delivered_{f.name}")
        return mask_text_column(text if only is None else F.when(only, text), *names), no_value()
    standard = F.col(f.name)
    delivered_col = f"__delivered_{f.name}"
    if delivered_col not in df_columns:
        return standard, no_value()
    delivered = F.col(delivered_col)
    delivered = F.when(delivered != "", delivered)  # an empty cell delivered nothing
    return delivered, F.when(~standard.eqNullSafe(delivered), standard)
