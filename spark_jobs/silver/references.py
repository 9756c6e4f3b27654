"""References (national categories 03/04/08): a field's value must be in the silver table it
references (`references: {table, field, severity, where}` in the contract). The referenced
tables are joined (broadcast, except the contract's own table, whose rows of the same build
count too); a list field names the items that are missing. A `warning` keeps the row; an
`error` holds it until the reference arrives (`release.py`)."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from spark_jobs.contracts import Contract, Field
from spark_jobs.silver.national import field_label, reference_category, validator_message
from spark_jobs.silver.problems import entry, problem_values


def reference_problems(
    spark, contract: Contract, df: DataFrame, tables: Mapping[str, DataFrame]
) -> DataFrame:
    """Add a problem for each value missing from the silver table its field references
    (`references: {table, field, severity}`; severity `warning` keeps the row). `tables`: the
    referenced silver tables by name; one absent has not been built yet."""
    for f in contract.fields:
        if not f.references:
            continue
        ref_table = f"silver.{f.references['table']}"
        severity = f.references.get("severity", "error")
        where = f.references.get("where") or {}
        itself = f.references["table"] == contract.name
        table = tables.get(f.references["table"])
        if table is not None:
            refs = _where(table, where).select(F.col(f.references["field"]).alias("__ref"))
        elif severity == "warning":  # a repository never delivered: nothing to warn against
            continue
        else:  # nothing delivered yet: every reference is missing, the rows wait (release.py)
            refs = spark.createDataFrame([], "__ref string")
        if itself:  # a row of the same build counts too (the inspection in the penalty's file)
            refs = refs.unionByName(_same_build(df, f, where))
        refs = refs.distinct()
        if f.type == "list":  # every item must be there; the reason names those that are not
            df = _missing_items(df, f, refs)
            missing = F.col("__ref").isNotNull()
            named = F.concat(F.lit(f"{f.name} item(s) "), F.col("__ref"), F.lit(" are"))
        else:  # the table itself may be large: Spark picks the join, others are broadcast
            df = df.join(
                refs if itself else F.broadcast(refs), F.col(f.name) == F.col("__ref"), "left"
            )
            missing = F.col(f.name).isNotNull() & F.col("__ref").isNull()
            named = F.concat(F.lit(f"{f.name} "), F.col(f.name), F.lit(" is"))
        value, standardised = problem_values(f, contract, df.columns)
        en_where, zh_where = _where_words(contract, f.references, where)
        reason = F.concat(
            named if f.pii == "none" else F.lit(f"{f.name} is"),
            F.lit(f" not in {ref_table}{en_where}"),
        )
        message = validator_message(f, value, f"在{ref_table}{zh_where}中不存在")
        problem = entry(
            f.name,
            value,
            standardised,
            reason,
            reference_category(f),
            message,
            severity,
        )
        problems = F.concat(F.col("_problems"), F.array(problem))
        df = df.withColumn(
            "_problems", F.when(missing, problems).otherwise(F.col("_problems"))
        ).drop("__ref")
    return df


def _where(rows: DataFrame, where: dict[str, tuple[str, ...]], prefix: str = "") -> DataFrame:
    """The rows whose code fields (stored as codes) hold one of the codes of `where`."""
    for name, codes in where.items():
        rows = rows.where(F.col(f"{prefix}{name}").isin(list(codes)))
    return rows


def _same_build(df: DataFrame, f: Field, where: dict[str, tuple[str, ...]]) -> DataFrame:
    """The referenced values among this build's own rows that have no error so far (a
    reference to the contract's own table): typed, so codes compare as codes. A row with only
    a warning (an officer not in the officers repository) is kept, so it counts."""
    target = f.references["field"] if f.references else f.name
    no_error = ~F.exists("_problems", lambda p: p["severity"] == "error")
    good = _where(df.where(no_error), where, "__typed_")
    return good.select(F.col(f"__typed_{target}").cast("string").alias("__ref"))


def _where_words(contract: Contract, references: dict, where: dict) -> tuple[str, str]:
    """How a reason and a validator message name the `where` of a reference: the English
    codes, and for the contract's own code fields their Chinese labels."""
    if not where:
        return "", ""
    en = " and ".join(f"{n} in ({', '.join(c)})" for n, c in where.items())
    zh = []
    for name, codes in where.items():
        if references["table"] == contract.name:
            own = contract.field(name)
            zh.append(f"{field_label(own)}为{'、'.join(own.codes[c] for c in codes)}")
        else:
            zh.append(f"{name}为{'、'.join(codes)}")
    return f" where {en}", f"（{'；'.join(zh)}）"


ROW_KEY = ["_source_file", "_file_sha256", "_row_number"]  # one delivered row (bronze lineage)


def _missing_items(df: DataFrame, f: Field, refs: DataFrame) -> DataFrame:
    """`__ref`: the items of the list field `f` (typed, `__typed_<name>`) not among `refs`,
    joined by its separator in delivered order, or null when every item is there. A row is
    found again by its bronze lineage (file, digest, row number), not by a generated id."""
    items = df.select(*ROW_KEY, F.posexplode(F.col(f"__typed_{f.name}")).alias("__pos", "__item"))
    absent = items.join(F.broadcast(refs), items["__item"] == refs["__ref"], "left_anti")
    per_row = absent.groupBy(*ROW_KEY).agg(
        F.array_join(
            F.transform(
                F.array_sort(F.collect_list(F.struct("__pos", "__item"))), lambda x: x["__item"]
            ),
            f.separator or ";",
        ).alias("__ref")
    )
    return df.join(per_row, ROW_KEY, "left")
