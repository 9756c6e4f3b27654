"""Silver: typed, validated, deduplicated tables, and `silver.quarantine` for every rejected row.

Validation is driven by the contract: trimmed values, required fields, lengths, patterns, code
lists (label → code), dates parsed with `try_to_date` (ANSI mode would fail the job on one bad
cast), lists split and checked, USCC and division codes checked with `identifiers`, references
resolved against their silver table. A row with any problem goes to quarantine with one row per
problem (file, row number, field, value, reason); the others are MERGEd on the natural key,
latest delivery wins. Per batch, ops.batch_log records rows read = accepted + quarantined.

Re-running is safe: pending batches are those without a `silver/done` ops row, the MERGE is
idempotent, and quarantine rows are replaced per batch (`replaceWhere`), all before ops is
written, so a crash half-way is repaired by the next run.
"""
from __future__ import annotations

import logging

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from spark_jobs.core import ops
from spark_jobs.contracts import Contract, Field, get_contract
from spark_jobs.checks.identifiers import division_problem, id_number_problem, uscc_problem
from spark_jobs.checks.masking import mask_name, mask_phone, tokenise
from spark_jobs.core.catalog import register_table
from spark_jobs.core.delta import ensure_table
from spark_jobs.core.settings import Settings

log = logging.getLogger(__name__)
LINEAGE = ["_source_file", "_file_sha256", "_row_number", "_batch_id", "_ingested_at"]
QUARANTINE_SCHEMA = T.StructType([
    T.StructField("source", T.StringType(), False),
    T.StructField("_batch_id", T.StringType(), False),
    T.StructField("_source_file", T.StringType(), False),
    T.StructField("_file_sha256", T.StringType(), False),
    T.StructField("_row_number", T.LongType(), False),
    T.StructField("field", T.StringType(), False),
    T.StructField("value", T.StringType(), True),
    T.StructField("reason", T.StringType(), False),
    T.StructField("delivery_date", T.DateType(), True),
])


def _missing(v) -> bool:
    """Null in a pandas batch: None, or NaN when a whole batch of the column is null."""
    return v is None or (isinstance(v, float) and pd.isna(v))


def _per_value(fn):
    """A vectorised Spark UDF applying a plain str -> str|None function to each non-null value."""
    @F.pandas_udf(T.StringType())
    def apply(values: pd.Series) -> pd.Series:
        return values.map(lambda v: None if _missing(v) else fn(v))
    return apply


CHECKS = {"uscc": _per_value(uscc_problem), "division_code": _per_value(division_problem),
          "id_number": _per_value(id_number_problem)}


def _problem(condition: Column, reason: Column | str) -> Column:
    reason = F.lit(reason) if isinstance(reason, str) else reason
    return F.when(condition, reason)


def _field_problems(f: Field, raw: Column, typed: dict[str, Column]) -> list[Column]:
    """Spark expressions that are a reason string when `raw` breaks the field's rules."""
    present = raw.isNotNull()
    out = []
    if f.required:
        out.append(_problem(~present, "required field is empty"))
    if f.max_length:
        out.append(_problem(present & (F.length(raw) > f.max_length),
                            f"longer than {f.max_length} characters"))
    if f.pattern:
        out.append(_problem(present & ~raw.rlike(f.pattern), f"does not match {f.pattern}"))
    if f.type == "code":
        allowed = "、".join(f.codes.values() if f.delivered_as == "label" else f.codes)
        out.append(_problem(present & typed[f.name].isNull(), f"not in the code list ({allowed})"))
    if f.type == "date":
        out.append(_problem(present & typed[f.name].isNull(),
                            f"not a valid date ({' or '.join(f.formats) or 'yyyy-MM-dd'})"))
    if f.type == "list":
        items = typed[f.name]
        if f.min_items:
            out.append(_problem(present & (F.size(items) < f.min_items),
                                f"needs at least {f.min_items} items separated by "
                                f"'{f.separator}'"))
        if f.item_pattern:
            out.append(_problem(present & ~F.forall(items, lambda x: x.rlike(f.item_pattern)),
                                f"an item does not match {f.item_pattern}"))
    if f.check:
        out.append(F.when(present, F.concat(F.lit(f"invalid {f.check}: "),
                                            CHECKS[f.check](raw))))
    if f.not_before:
        other = typed[f.not_before]
        out.append(_problem(typed[f.name] < other,
                            F.concat(F.lit(f"{f.name} "), raw,
                                     F.lit(f" is before {f.not_before} "),
                                     other.cast("string"))))
    return out


def _typed(f: Field, raw: Column) -> Column:
    if f.type == "date":
        return F.coalesce(*[F.try_to_date(raw, fmt) for fmt in (f.formats or ("yyyy-MM-dd",))])
    if f.type == "code":
        if f.delivered_as == "label":
            mapping = F.create_map(*[F.lit(x) for kv in f.codes.items() for x in (kv[1], kv[0])])
            return F.element_at(mapping, raw) if f.codes else raw
        return F.when(raw.isin(list(f.codes)), raw)
    if f.type == "list":
        parts = F.transform(F.split(raw, f.separator or ";"), lambda x: F.trim(x))
        return F.when(raw.isNotNull(), F.filter(parts, lambda x: x != ""))
    if f.type == "integer":
        return raw.try_cast("bigint")
    if f.type == "decimal":
        return raw.try_cast("decimal(20,2)")
    return raw


FULL_WIDTH = "".join(chr(c) for c in range(0xFF10, 0xFF1A)) + "".join(
    chr(c) for c in range(0xFF21, 0xFF3B)) + "".join(chr(c) for c in range(0xFF41, 0xFF5B)) + "－／："
HALF_WIDTH = "0123456789" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "abcdefghijklmnopqrstuvwxyz" + "-/:"


def _is_coded(f: Field) -> bool:
    """Codes, identifiers, numbers and dates (not free text, whose width is the sender's)."""
    return f.type in {"code", "date", "list", "integer", "decimal"} or bool(f.pattern or f.check)


def validate(spark, contract: Contract, bronze: DataFrame, settings: Settings) -> DataFrame:
    """Add typed columns and `_problems` (array<struct<field, value, reason>>) to bronze rows."""
    df = bronze
    for f in contract.fields:  # stray whitespace (incl. full-width spaces) is not content
        value = F.col(f.name)
        if _is_coded(f):  # full-width digits and letters in codes and dates: what NFKC does
            value = F.translate(value, FULL_WIDTH, HALF_WIDTH)
        trimmed = F.regexp_replace(value, r"^[\s\u3000]+|[\s\u3000]+$", "")
        df = df.withColumn(f.name, F.when(trimmed != "", trimmed))
    raw = {f.name: F.col(f.name) for f in contract.fields}
    typed = {f.name: _typed(f, raw[f.name]) for f in contract.fields}
    problems = [F.when(F.col("_parse_error").isNotNull(),
                       F.struct(F.lit("_row").alias("field"), F.lit(None).cast("string").alias("value"),
                                F.col("_parse_error").alias("reason")))]
    parsed = F.col("_parse_error").isNull()  # an unsplittable row has one problem: itself
    for f in contract.fields:
        value = F.lit(None).cast("string") if f.pii != "none" else raw[f.name]
        for p in _field_problems(f, raw[f.name], typed):
            problems.append(F.when(parsed & p.isNotNull(), F.struct(F.lit(f.name).alias("field"),
                                                           value.alias("value"),
                                                           p.alias("reason"))))
        if f.type == "date" and f.name in {"action_date"}:
            problems.append(F.when(typed[f.name] > F.col("_delivery_date"), F.struct(
                F.lit(f.name).alias("field"), raw[f.name].alias("value"),
                F.lit("in the future: after the delivery date").alias("reason"))))
    for f in contract.fields:
        df = df.withColumn(f"__typed_{f.name}", typed[f.name])
    df = df.withColumn("_problems", F.filter(F.array(*problems), lambda x: x.isNotNull()))
    for f in contract.fields:
        if f.references:
            ref_table = f"silver.{f.references['table']}"
            ref_key = f.references["field"]
            refs = spark.table(ref_table).select(F.col(ref_key).alias("__ref")).distinct()
            df = df.join(F.broadcast(refs), df[f.name] == refs["__ref"], "left")
            missing = F.col(f.name).isNotNull() & F.col("__ref").isNull()
            df = df.withColumn("_problems", F.when(missing, F.concat(F.col("_problems"), F.array(
                F.struct(F.lit(f.name).alias("field"), F.col(f.name).alias("value"),
                         F.concat(F.lit(f"{f.name} "), F.col(f.name),
                                  F.lit(f" is not in {ref_table}")).alias("reason"))))
            ).otherwise(F.col("_problems"))).drop("__ref")
    return df


_mask_name = _per_value(mask_name)
_mask_phone = _per_value(mask_phone)


def _token_udf(key: str):
    return _per_value(lambda v: tokenise(v, key))


def accepted_rows(contract: Contract, validated: DataFrame, settings: Settings) -> DataFrame:
    """Typed silver rows, one per natural key (latest delivery, then latest row, wins)."""
    ok = validated.where(F.size("_problems") == 0)
    cols = []
    for f in contract.fields:
        cols.append(F.col(f"__typed_{f.name}").alias(f.name))
        if f.type == "code" and f.delivered_as == "label":
            cols.append(F.col(f.name).alias(f"{f.name}_name"))
    out = ok.select(*cols, F.col("_delivery_date").alias("delivery_date"), *LINEAGE)
    for f in contract.pii_fields:  # masked and tokenised forms are what later layers use
        if f.pii == "name":
            out = out.withColumn(f"{f.name}_masked", _mask_name(F.col(f.name)))
        else:
            out = out.withColumn(f"{f.name}_masked", _mask_phone(F.col(f.name)))
            out = out.withColumn(f"{f.name}_token", _token_udf(settings.masking_key)(F.col(f.name)))
    if contract.natural_key:
        from pyspark.sql import Window

        w = Window.partitionBy(*contract.natural_key).orderBy(
            F.col("delivery_date").desc(), F.col("_source_file").desc(),
            F.col("_row_number").desc())
        out = out.withColumn("__rank", F.row_number().over(w)).where("__rank = 1").drop("__rank")
    return out


def quarantine_rows(contract: Contract, validated: DataFrame) -> DataFrame:
    bad = validated.where(F.size("_problems") > 0)
    return bad.select(
        F.lit(contract.name).alias("source"), "_batch_id", "_source_file", "_file_sha256",
        "_row_number", F.explode("_problems").alias("p"),
        F.col("_delivery_date").alias("delivery_date"),
    ).select("source", "_batch_id", "_source_file", "_file_sha256", "_row_number",
             F.col("p.field").alias("field"), F.col("p.value").alias("value"),
             F.col("p.reason").alias("reason"), "delivery_date")


def pending_batches(spark, settings: Settings, contract: Contract) -> list[dict]:
    log_df = ops.read(spark, settings).where(F.col("source") == contract.name)
    bronze = log_df.where("stage = 'bronze' AND status = 'ingested' AND rows_read > 0")
    done = log_df.where("stage = 'silver' AND status = 'done'").select("source_file")
    rows = bronze.join(done, "source_file", "left_anti").orderBy("delivery_date", "source_file")
    return [r.asDict() for r in rows.collect()]


def build(spark, settings: Settings, contract: Contract) -> dict:
    """Validate pending bronze batches into silver and quarantine; return counts."""
    from delta.tables import DeltaTable

    pending = pending_batches(spark, settings, contract)
    if not pending:
        return {"batches": 0, "read": 0, "accepted": 0, "quarantined": 0}
    batch_ids = [b["batch_id"] for b in pending]
    bronze = spark.table(f"bronze.{contract.name}").where(F.col("_batch_id").isin(batch_ids))
    validated = validate(spark, contract, bronze, settings).cache()
    try:
        accepted = accepted_rows(contract, validated, settings)
        target = settings.table_path("silver", contract.name)
        if not DeltaTable.isDeltaTable(spark, target):
            accepted.limit(0).write.format("delta").mode("ignore").save(target)
        register_table(spark, "silver", contract.name, target)
        key = " AND ".join(f"t.{k} = s.{k}" for k in contract.natural_key)
        newer = ("struct(s.delivery_date, s._source_file, s._row_number) >= "
                 "struct(t.delivery_date, t._source_file, t._row_number)")
        (DeltaTable.forPath(spark, target).alias("t").merge(accepted.alias("s"), key)
         .whenMatchedUpdateAll(condition=newer).whenNotMatchedInsertAll().execute())

        qpath = ensure_table(spark, settings, "silver", "quarantine", QUARANTINE_SCHEMA)
        ids = ", ".join(f"'{b}'" for b in batch_ids)
        (quarantine_rows(contract, validated).write.format("delta").mode("overwrite")
         .option("replaceWhere", f"source = '{contract.name}' AND _batch_id IN ({ids})")
         .save(qpath))

        # per landing file: a paged dump is one batch of several files
        counts = {r["_source_file"]: r for r in validated.groupBy("_source_file").agg(
            F.count("*").alias("read"),
            F.sum(F.when(F.size("_problems") == 0, 1).otherwise(0)).alias("accepted"),
        ).collect()}
    finally:
        validated.unpersist()
    rows, total = [], {"batches": len(pending), "read": 0, "accepted": 0, "quarantined": 0}
    for b in pending:
        c = counts.get(b["source_file"])
        read, acc = (c["read"], c["accepted"]) if c else (0, 0)
        rows.append({"source": contract.name, "source_file": b["source_file"], "stage": "silver",
                     "status": "done", "batch_id": b["batch_id"],
                     "file_sha256": b["file_sha256"], "delivery_date": b["delivery_date"],
                     "rows_read": read, "rows_accepted": acc, "rows_quarantined": read - acc})
        total["read"] += read
        total["accepted"] += acc
        total["quarantined"] += read - acc
    ops.record(spark, settings, rows)
    return total


def build_source(spark, settings: Settings, name: str) -> dict:
    return build(spark, settings, get_contract(name, settings.contract_dir))
