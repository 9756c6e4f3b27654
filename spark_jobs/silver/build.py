"""Silver: typed, validated, deduplicated tables, and `silver.quarantine` for every rejected row.

For each source, the bronze batches not yet in silver are standardised (`standardise.py`) and
checked against the contract (`rules.py`). A row with an error goes to quarantine with one
row per problem (`quarantine.py`); the others are typed, their personal data masked and
tokenised, and MERGEd on the natural key, latest delivery wins (then the later file, then the
later row). A row that a later row of the same key in the same delivery replaces is
`superseded` (national category 05, recorded in quarantine as a finding, not an error); rows
with warnings only are kept and their findings recorded. Per landing file, ops.batch_log
records rows read, accepted, quarantined, superseded and warned; each outcome is counted by
its own condition and `read = accepted + quarantined + superseded` is checked before anything
is written (`ReconciliationError`).

Re-running is safe: pending batches are those without a `silver/done` ops row, the MERGE is
idempotent, and quarantine rows are replaced per batch (`replaceWhere`), all before ops is
written, so a crash half-way is repaired by the next run.
"""

from __future__ import annotations

import logging
import threading
from datetime import date

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from spark_jobs.checks.free_text import mask_text_column, may_hold_personal_data
from spark_jobs.checks.native import mask_name_column, mask_phone_column, token_column
from spark_jobs.contracts import Contract, get_contract
from spark_jobs.core import ops
from spark_jobs.core.catalog import register_table
from spark_jobs.core.delta import add_missing_columns, latest_version
from spark_jobs.core.parallel import run_in_order
from spark_jobs.core.session import session_conf
from spark_jobs.core.settings import Settings
from spark_jobs.silver import release
from spark_jobs.silver.commits import Commits
from spark_jobs.silver.quarantine import QUARANTINE_SCHEMA, quarantine_rows
from spark_jobs.silver.references import reference_problems
from spark_jobs.silver.rules import field_problems, reads_rows_again, validate

__all__ = [
    "LINEAGE",
    "QUARANTINE_SCHEMA",
    "accepted_rows",
    "build",
    "build_all",
    "build_source",
    "classify",
    "pending_batches",
    "pending_by_source",
    "quarantine_rows",
    "validate",
]

log = logging.getLogger(__name__)
LINEAGE = ["_source_file", "_file_sha256", "_row_number", "_batch_id", "_ingested_at"]
OUTCOMES = ("accepted", "quarantined", "superseded", "warned")
# `replaced`: rows already in silver that a newer delivery replaced (key conflicts between
# deliveries); `released`: held rows that passed when their reference arrived
_NO_BATCHES = {
    "batches": 0,
    "read": 0,
    **dict.fromkeys(OUTCOMES, 0),
    "released": 0,
    "replaced": 0,
}


class ReconciliationError(RuntimeError):
    """A file's rows do not add up: a row was lost or counted twice (a bug, never data)."""


def classify(contract: Contract, validated: DataFrame) -> DataFrame:
    """Add `_rejected` (an error-severity problem), `_superseded` (passing, but a later
    passing row of the same natural key is in the same delivery: national category 05) and
    `_winner` (the row silver keeps for its key: latest delivery, then file, then row)."""
    rejected = F.exists("_problems", lambda p: p["severity"] == "error")
    df = validated.withColumn("_rejected", rejected)
    if not contract.natural_key:
        return df.withColumns({"_superseded": F.lit(False), "_winner": ~F.col("_rejected")})
    w = Window.partitionBy("_rejected", *contract.natural_key).orderBy(
        F.col("_delivery_date").desc(), F.col("_source_file").desc(), F.col("_row_number").desc()
    )
    first_delivery = F.first("_delivery_date").over(w)
    rank = F.row_number().over(w)
    return df.withColumns(
        {
            "_winner": ~F.col("_rejected") & (rank == 1),
            "_superseded": ~F.col("_rejected")
            & (rank > 1)
            & (F.col("_delivery_date") == first_delivery),
        }
    )


def accepted_rows(contract: Contract, classified: DataFrame, settings: Settings) -> DataFrame:
    """Typed silver rows, one per natural key (`classify`'s winners). Personal data inside
    free-text fields (`free_text: true`) is masked in place (the delivered text stays in
    bronze); `pii` fields keep their value beside `_masked` / `_token` forms."""
    ok = classified.where("_winner")
    cols = []
    for f in contract.fields:
        cols.append(F.col(f"__typed_{f.name}").alias(f.name))
        if f.type == "code" and f.delivered_as == "label":
            cols.append(F.col(f.name).alias(f"{f.name}_name"))
    out = ok.select(*cols, F.col("_delivery_date").alias("delivery_date"), *LINEAGE)
    names = [f.name for f in contract.fields if f.pii == "name"]
    for f in contract.fields:  # names, phones and ID numbers inside free text, in place
        if f.free_text:
            send = may_hold_personal_data(
                F.col(f.name).cast("string"), [F.col(n).cast("string") for n in names]
            )
            out = (
                out.withColumn("__send", send)
                .withColumn(f.name, mask_text_column(f.name, *names, send=F.col("__send")))
                .drop("__send")
            )
    # Masked and tokenised forms are what later layers use; computed in the JVM, no Python UDF.
    for f in contract.pii_fields:
        if f.pii == "name":
            out = out.withColumn(f"{f.name}_masked", mask_name_column(F.col(f.name)))
        else:
            out = out.withColumn(f"{f.name}_masked", mask_phone_column(F.col(f.name)))
            out = out.withColumn(
                f"{f.name}_token", token_column(F.col(f.name), settings.masking_key)
            )
    # When silver (re)wrote the row: gold's incremental marts read only rows newer than
    # their own latest `_silver_at`, which catches new, superseding and released rows alike.
    return out.withColumn("_silver_at", F.current_timestamp())


def pending_batches(spark, settings: Settings, contract: Contract) -> list[dict]:
    """ops rows of the bronze batches of this source that silver has not done yet
    (`pending_by_source`)."""
    return pending_by_source(spark, settings, contract.name).get(contract.name, [])


def pending_by_source(spark, settings: Settings, source: str | None = None) -> dict[str, list]:
    """source → ops rows (dicts) of its bronze batches that silver has not done yet, in
    delivery and file order; every source in one query, or only `source`.

    Matched on the file *and* its batch: a corrected file re-delivered under the same name is
    a new bronze batch of a file silver has done, and must be built again."""
    log_df = ops.read(spark, settings)
    if source is not None:
        log_df = log_df.where(F.col("source") == source)
    bronze = log_df.where("stage = 'bronze' AND status = 'ingested' AND rows_read > 0")
    done = log_df.where("stage = 'silver' AND status = 'done'")
    rows = bronze.join(
        done.select("source", "source_file", "batch_id"),
        ["source", "source_file", "batch_id"],
        "left_anti",
    ).orderBy("source", "delivery_date", "source_file")
    out: dict[str, list] = {}
    for r in rows.collect():
        out.setdefault(r.source, []).append(r.asDict())
    return out


def _merge(spark, settings: Settings, contract: Contract, accepted: DataFrame) -> int:
    """MERGE on the natural key; a matched row is replaced only by a newer delivery or row.
    Return how many rows already in silver were replaced: the key conflicts between this
    build's deliveries and earlier ones (corrections, re-deliveries), counted by the MERGE
    itself (its metrics row, no extra Spark job).

    The first build writes the table (one commit, nothing to merge with); silver's build of a
    source is its table's only writer.
    """
    from delta.tables import DeltaTable

    target = settings.table_path("silver", contract.name)
    if not DeltaTable.isDeltaTable(spark, target):
        accepted.write.format("delta").mode("errorifexists").save(target)
        register_table(spark, "silver", contract.name, target)
        return 0
    register_table(spark, "silver", contract.name, target)
    add_missing_columns(spark, target, accepted.schema)  # a lake from before `_silver_at`
    key = " AND ".join(f"t.{k} = s.{k}" for k in contract.natural_key)
    newer = (
        "struct(s.delivery_date, s._source_file, s._row_number) >= "
        "struct(t.delivery_date, t._source_file, t._row_number)"
    )
    metrics = (
        DeltaTable.forPath(spark, target)
        .alias("t")
        .merge(accepted.alias("s"), key)
        .whenMatchedUpdateAll(condition=newer)
        .whenNotMatchedInsertAll()
        .execute()
        .first()
    )
    return int(metrics["num_updated_rows"]) if metrics is not None else 0


def _file_counts(classified: DataFrame) -> dict:
    """Per landing file (a paged dump is one batch of several files): rows read, and each
    outcome counted by its own condition, so `read = accepted + quarantined + superseded`
    is a check, not a definition."""

    def count(cond: str) -> Column:
        return F.sum(F.when(F.expr(cond), 1).otherwise(0))

    rows = (
        classified.groupBy("_source_file")
        .agg(
            F.count("*").alias("read"),
            count("NOT _rejected AND NOT _superseded").alias("accepted"),
            count("_rejected").alias("quarantined"),
            count("_superseded AND NOT _rejected").alias("superseded"),
            count("NOT _rejected AND exists(_problems, p -> p.severity = 'warning')").alias(
                "warned"
            ),
        )
        .collect()
    )
    return {r["_source_file"]: r.asDict() for r in rows}


def _counts_of(counts: dict, source_file: str) -> dict:
    return counts.get(source_file) or dict.fromkeys(("read", *OUTCOMES), 0)


def _check_counts(contract: Contract, pending: list[dict], counts: dict) -> None:
    """Every row read is accepted, quarantined or superseded, exactly once, in every file."""
    for b in pending:
        c = _counts_of(counts, b["source_file"])
        if c["read"] != c["accepted"] + c["quarantined"] + c["superseded"]:
            raise ReconciliationError(
                f"{contract.name} {b['source_file']}: {c['read']} rows read but "
                f"{c['accepted']} accepted + {c['quarantined']} quarantined + "
                f"{c['superseded']} superseded"
            )


def _record(contract: Contract, pending: list[dict], counts, commits: Commits, extra=()) -> dict:
    """One `silver/done` ops row per pending file, plus `extra` rows (files rows were released
    from), handed to `commits` (one ops MERGE for the build); return the totals."""
    rows, total = [], {**_NO_BATCHES, "batches": len(pending)}
    for b in pending:
        c = _counts_of(counts, b["source_file"])
        rows.append(
            {
                "source": contract.name,
                "source_file": b["source_file"],
                "stage": "silver",
                "status": "done",
                "batch_id": b["batch_id"],
                "file_sha256": b["file_sha256"],
                "delivery_date": b["delivery_date"],
                "rows_read": c["read"],
                "rows_accepted": c["accepted"],
                "rows_quarantined": c["quarantined"],
                "rows_superseded": c["superseded"],
                "rows_warned": c["warned"],
                "rows_released": 0,
            }
        )
        for k in ("read", *OUTCOMES):
            total[k] += c[k]
    commits.ops(rows + list(extra))
    return total


def _without_whole_stage_codegen(spark):
    """Validation is one wide projection (every field's findings in one array). Inside
    whole-stage codegen Spark cannot split it into methods: the generated `processNext()`
    passes the JVM's 64 KB method limit, Janino fails after seconds of work and Spark falls
    back anyway. Compiled as plain (split) projections a source builds 3-7x faster
    (enforcement_officers 75 s -> 11 s, supervised_entities 31 s -> 8 s on the province)."""
    return session_conf(spark, {"spark.sql.codegen.wholeStage": "false"})


def build(
    spark,
    settings: Settings,
    contract: Contract,
    pending: list | None = None,
    commits: Commits | None = None,
    held: list | None = None,
) -> dict:
    """Validate pending bronze batches (`pending_batches`, unless given) into silver and
    quarantine, and re-check the rows held for a missing reference (`release.py`); return
    counts. With `commits` (as `build_all` passes), the quarantine and ops writes are left to
    its `flush`; without, they are written before returning."""
    if pending is None:
        pending = pending_batches(spark, settings, contract)
    if held is None:
        held = release.held_by_source(spark, settings, [contract]).get(contract.name, [])
    own = commits is None
    commits = commits if commits is not None else Commits()
    with _without_whole_stage_codegen(spark):
        total = _build(spark, settings, contract, pending, held, commits)
    if own:
        commits.flush(spark, settings)
    return total


def build_all(spark, settings: Settings, contracts: list[Contract]) -> dict[str, dict]:
    """`build` for every contract whose bronze table exists, skipping, with no Spark job, a
    source with no pending batch whose held rows cannot have changed (no table they
    reference changed since their last check: `release.py`). One ops query finds every
    source's pending batches, one quarantine query their held rows, and the quarantine and
    ops rows of all of them are written in one commit each at the end (`commits.py`), in
    build order, also when a source fails: the ones that finished are complete.

    Sources are built on `settings.silver_threads` threads of the one session
    (`core/parallel.py`), each once the silver tables its fields reference are built: on the
    province most sources reference only the entities or the catalog. A source that fails
    holds back only the sources whose fields reference it (directly or not); the others are
    built, and then the first failure in build order is raised (the task fails, its retry
    builds what is still pending)."""
    from delta.tables import DeltaTable

    pending = pending_by_source(spark, settings)
    checks = release.load_checks(settings)
    present = {
        c.name: c
        for c in contracts
        if DeltaTable.isDeltaTable(spark, settings.table_path("bronze", c.name))
    }
    held: list[dict[str, list]] = []  # queried once, when the first source is built
    held_lock = threading.Lock()
    out, checked, commits = {}, {}, {}

    def one(name: str) -> None:
        c = present[name]
        refs = release.reference_versions(spark, settings, c)
        if name not in pending and checks.get(name) == refs:
            out[name] = dict(_NO_BATCHES)
            return
        with held_lock:
            if not held:
                held.append(release.held_by_source(spark, settings, list(present.values())))
        own = Commits()  # this source's; joined in build order below
        out[name] = build(spark, settings, c, pending.get(name, []), own, held[0].get(name, []))
        commits[name], checked[name] = own, refs

    waits_for = {name: c.referenced_tables for name, c in present.items()}
    try:
        with _without_whole_stage_codegen(spark):  # a session setting: once for every thread
            run_in_order(list(present), waits_for, one, settings.silver_threads)
    finally:
        joined = Commits()
        for name in present:
            if name in commits:
                joined.absorb(commits[name])
        joined.flush(spark, settings)
        # after the flush: a crash before it leaves the old versions, and the next run checks
        release.save_checks(settings, {**checks, **checked})
    return {name: out[name] for name in present}


def reference_tables(spark, settings: Settings, contract: Contract) -> dict[str, DataFrame]:
    """The silver tables of this lake that the contract's fields reference (its own table
    too), read by path: one not built yet is left out, and nothing is looked up by catalog
    name, where a table of another lake in the same session could stand in for it."""
    out = {}
    for table in sorted(contract.referenced_tables):
        path = settings.table_path("silver", table)
        try:
            latest_version(spark, path)  # one listing of its log, no Spark job
        except LookupError:
            continue
        out[table] = spark.read.format("delta").load(path)
    return out


def _build(
    spark,
    settings: Settings,
    contract: Contract,
    pending: list[dict],
    held: list,
    commits: Commits,
) -> dict:
    batch_ids = [b["batch_id"] for b in pending]
    held = [h for h in held if h[2] not in set(batch_ids)]  # those are validated anyway
    rows = spark.table(f"bronze.{contract.name}").where(F.col("_batch_id").isin(batch_ids))
    references = reference_tables(spark, settings, contract)
    if held:  # only those whose missing references have arrived (a few literal lookups)
        held = release.may_pass(contract, held, references, rows if pending else None)
    if not pending and not held:
        return dict(_NO_BATCHES)
    if held:
        rows = rows.unionByName(release.held_bronze(spark, contract, held))
    checked = field_problems(contract, rows)
    if reads_rows_again(contract):  # computed once, not once per read (see reads_rows_again)
        checked = checked.persist()
    validated = reference_problems(spark, contract, checked, references)
    classified = classify(contract, validated).cache()
    try:
        new = classified.where(F.col("_batch_id").isin(batch_ids or [""]))
        counts = _file_counts(new)  # first: a reconciliation error writes nothing
        _check_counts(contract, pending, counts)
        released = []
        if held:  # no Spark job when nothing was held
            released = [
                (r._source_file, r._row_number)
                for r in classified.where(~F.col("_batch_id").isin(batch_ids or [""]))
                .where("NOT _rejected")
                .select("_source_file", "_row_number")
                .collect()
            ]
        replaced = 0
        if pending or released:  # held rows re-checked and none passed: no commit at all
            replaced = _merge(
                spark, settings, contract, accepted_rows(contract, classified, settings)
            )
        if pending:  # the files of the new rows are `counts`' keys (no Spark job)
            commits.quarantine(contract, new, batch_ids, sorted(counts))
        commits.released(contract, released, date.today())
    finally:
        classified.unpersist()
        checked.unpersist()  # a no-op when it was not persisted
    extra = release.released_ops_rows(spark, settings, contract, released)
    total = _record(contract, pending, counts, commits, extra)
    total["released"] = len(released)
    total["replaced"] = replaced
    log.info("silver %s: %s", contract.name, total)
    return total


def build_source(spark, settings: Settings, name: str) -> dict:
    """`build` for the contract `name` in `settings.contract_dir`."""
    return build(spark, settings, get_contract(name, settings.contract_dir))
