"""Silver: typed, validated, deduplicated tables, and `silver.quarantine` for every rejected row.

For each source, the bronze batches not yet in silver are standardised (`standardise.py`) and
checked against the contract (`rules.py`). A row with any problem goes to quarantine with one
row per problem (`quarantine.py`); the others are typed, their personal data masked and
tokenised, and MERGEd on the natural key, latest delivery wins (then the later file, then the
later row). Per landing file, ops.batch_log records rows read = accepted + quarantined.

Re-running is safe: pending batches are those without a `silver/done` ops row, the MERGE is
idempotent, and quarantine rows are replaced per batch (`replaceWhere`), all before ops is
written, so a crash half-way is repaired by the next run.
"""

from __future__ import annotations

import logging

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from spark_jobs.checks.masking import mask_name, mask_phone, tokenise
from spark_jobs.contracts import Contract, get_contract
from spark_jobs.core import ops
from spark_jobs.core.catalog import register_table
from spark_jobs.core.settings import Settings
from spark_jobs.silver.quarantine import QUARANTINE_SCHEMA, quarantine_rows, write_quarantine
from spark_jobs.silver.rules import per_value, validate

__all__ = [
    "LINEAGE",
    "QUARANTINE_SCHEMA",
    "accepted_rows",
    "build",
    "build_source",
    "pending_batches",
    "quarantine_rows",
    "validate",
]

log = logging.getLogger(__name__)
LINEAGE = ["_source_file", "_file_sha256", "_row_number", "_batch_id", "_ingested_at"]
_NO_BATCHES = {"batches": 0, "read": 0, "accepted": 0, "quarantined": 0}

_mask_name = per_value(mask_name)
_mask_phone = per_value(mask_phone)


def _token_udf(key: str):
    return per_value(lambda v: tokenise(v, key))


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
        w = Window.partitionBy(*contract.natural_key).orderBy(
            F.col("delivery_date").desc(), F.col("_source_file").desc(), F.col("_row_number").desc()
        )
        out = out.withColumn("__rank", F.row_number().over(w)).where("__rank = 1").drop("__rank")
    return out


def pending_batches(spark, settings: Settings, contract: Contract) -> list[dict]:
    """ops rows of the bronze files of this source that silver has not done yet."""
    log_df = ops.read(spark, settings).where(F.col("source") == contract.name)
    bronze = log_df.where("stage = 'bronze' AND status = 'ingested' AND rows_read > 0")
    done = log_df.where("stage = 'silver' AND status = 'done'").select("source_file")
    rows = bronze.join(done, "source_file", "left_anti").orderBy("delivery_date", "source_file")
    return [r.asDict() for r in rows.collect()]


def _merge(spark, settings: Settings, contract: Contract, accepted: DataFrame) -> None:
    """MERGE on the natural key; a matched row is replaced only by a newer delivery or row.

    The first build writes the table (one commit, nothing to merge with); silver's build of a
    source is its table's only writer.
    """
    from delta.tables import DeltaTable

    target = settings.table_path("silver", contract.name)
    if not DeltaTable.isDeltaTable(spark, target):
        accepted.write.format("delta").mode("errorifexists").save(target)
        register_table(spark, "silver", contract.name, target)
        return
    register_table(spark, "silver", contract.name, target)
    key = " AND ".join(f"t.{k} = s.{k}" for k in contract.natural_key)
    newer = (
        "struct(s.delivery_date, s._source_file, s._row_number) >= "
        "struct(t.delivery_date, t._source_file, t._row_number)"
    )
    (
        DeltaTable.forPath(spark, target)
        .alias("t")
        .merge(accepted.alias("s"), key)
        .whenMatchedUpdateAll(condition=newer)
        .whenNotMatchedInsertAll()
        .execute()
    )


def _file_counts(validated: DataFrame) -> dict:
    """Rows read and accepted per landing file (a paged dump is one batch of several files)."""
    accepted = F.sum(F.when(F.size("_problems") == 0, 1).otherwise(0)).alias("accepted")
    rows = validated.groupBy("_source_file").agg(F.count("*").alias("read"), accepted).collect()
    return {r["_source_file"]: r for r in rows}


def _record(spark, settings: Settings, contract: Contract, pending: list[dict], counts) -> dict:
    """One `silver/done` ops row per pending file; return the totals."""
    rows, total = [], {**_NO_BATCHES, "batches": len(pending)}
    for b in pending:
        c = counts.get(b["source_file"])
        read, acc = (c["read"], c["accepted"]) if c else (0, 0)
        rows.append(
            {
                "source": contract.name,
                "source_file": b["source_file"],
                "stage": "silver",
                "status": "done",
                "batch_id": b["batch_id"],
                "file_sha256": b["file_sha256"],
                "delivery_date": b["delivery_date"],
                "rows_read": read,
                "rows_accepted": acc,
                "rows_quarantined": read - acc,
            }
        )
        total["read"] += read
        total["accepted"] += acc
        total["quarantined"] += read - acc
    ops.record(spark, settings, rows)
    return total


def build(spark, settings: Settings, contract: Contract) -> dict:
    """Validate pending bronze batches into silver and quarantine; return counts."""
    pending = pending_batches(spark, settings, contract)
    if not pending:
        return dict(_NO_BATCHES)
    batch_ids = [b["batch_id"] for b in pending]
    bronze = spark.table(f"bronze.{contract.name}").where(F.col("_batch_id").isin(batch_ids))
    validated = validate(spark, contract, bronze).cache()
    try:
        _merge(spark, settings, contract, accepted_rows(contract, validated, settings))
        write_quarantine(spark, settings, contract, validated, batch_ids)
        counts = _file_counts(validated)
    finally:
        validated.unpersist()
    total = _record(spark, settings, contract, pending, counts)
    log.info("silver %s: %s", contract.name, total)
    return total


def build_source(spark, settings: Settings, name: str) -> dict:
    """`build` for the contract `name` in `settings.contract_dir`."""
    return build(spark, settings, get_contract(name, settings.contract_dir))
