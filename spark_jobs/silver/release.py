"""Quarantine is not a dead end: rows held only for a missing reference are released later.

A row whose every error is a reference that did not resolve (national categories 03, 04, 08:
an entity, item or checklist not yet in silver) is *held*. Each build of its source validates
the held rows again, from bronze, together with the new batches; a held row that now passes is
MERGEd into silver like any other (a newer version of its key still wins), its quarantine rows
are marked `released` with the date, and its file's ops row moves it from `rows_quarantined`
to `rows_released`, so the file still reconciles: read = accepted + quarantined + superseded +
released.

Re-running is safe: a released row is no longer `quarantined`, so it is not held again, and the
MERGE is idempotent.

Held rows are re-checked only when that can release one (`build.build_all`): when the source
has new batches, or when another silver table its fields reference has changed since the last
check. The versions seen
at the last check are kept per source in `<home>/silver_state/held_checks.json`
(`reference_versions`, `load_checks`, `save_checks`), written after the build's commits, so a crash
between a referenced table's build and the re-check leaves the old versions and the next run
re-checks. Without it every build re-validated every held row from bronze: about 6 s a source
on a day when nothing they wait for arrived.

Within a build, only the held rows whose missing values have arrived are read again
(`may_pass`: a literal lookup in the referenced table, and among the day's own rows for a
reference to the source itself). The actions reference their own table, which changes every
day, and their held rows sit in the first delivery's files: re-reading them all each day made
silver grow with the lake's age (day 31 at scale 100, together with `build._build` computing
the validation once: silver 62-67 s -> 30-32 s).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from spark_jobs.contracts import Contract
from spark_jobs.core import ops
from spark_jobs.core.delta import latest_version
from spark_jobs.core.json_files import read_json, write_json
from spark_jobs.core.settings import Settings
from spark_jobs.silver.quarantine import QUARANTINE_SCHEMA
from spark_jobs.silver.quarantine import table as quarantine_table
from spark_jobs.silver.standardise import standardise

REFERENCE_CATEGORIES = ("03", "04", "08")
KEY = ["_source_file", "_row_number"]


def held_by_source(spark, settings: Settings, contracts: list[Contract]) -> dict[str, list]:
    """source → (_source_file, _row_number, _batch_id) of its held rows, for every contract
    in one query over the quarantine (a row is held when its every error is a reference of a
    field that has `references`: 04 is also a checklist code's own structure, `starts_with`,
    which no later delivery mends). Held rows are few: they are fetched to the driver."""
    refs = ", ".join(f"'{c}'" for c in REFERENCE_CATEGORIES)
    per_source = []
    for c in contracts:
        fields = ", ".join(f"'{f.name}'" for f in c.fields if f.references)
        if fields:
            per_source.append(f"(source = '{c.name}' AND field IN ({fields}))")
    if not per_source:
        return {}
    names = ", ".join(f"'{c.name}'" for c in contracts)
    q = quarantine_table(spark, settings).where(
        f"source IN ({names}) AND status = 'quarantined' AND severity = 'error'"
    )
    rows = (
        q.groupBy("source", *KEY, "_batch_id")
        .agg(
            F.expr(f"bool_and(category IN ({refs}) AND ({' OR '.join(per_source)}))").alias(
                "only_references"
            ),
            # what the row waits for: the value as the reference compared it (standardised)
            F.collect_list(
                F.struct("field", F.coalesce("standardised_value", "value").alias("value"))
            ).alias("waits"),
        )
        .where("only_references")
        .collect()
    )
    out: dict[str, list] = {}
    for r in rows:
        waits = tuple(sorted({(w.field, w.value) for w in r.waits}, key=str))
        out.setdefault(r.source, []).append((r._source_file, r._row_number, r._batch_id, waits))
    return out


def may_pass(
    contract: Contract,
    held: list,
    tables: Mapping[str, DataFrame],
    pending: DataFrame | None,
) -> list:
    """The held rows (`held_by_source`'s tuples) whose every missing reference value is now
    somewhere it can be found: in the referenced silver table (`tables`), or, for a reference
    to the source itself, also among the pending bronze rows (`pending`, standardised as
    silver standardises them). Only those are validated again: the others cannot pass, and
    reading them means reading their batches' bronze files, the first day's (the whole
    history) on every later day. A value not known (personal data, a list field), or one
    that a referenced column of another type would compare typed, counts as found, and a
    reference's `where` is not applied here: the rows returned are a superset of those that
    pass, and validation decides."""
    fields = {f.name: f for f in contract.fields if f.references and f.type != "list"}
    wanted: dict[str, set[str]] = {}
    for h in held:
        for name, value in h[3]:
            if name in fields and value is not None:
                wanted.setdefault(name, set()).add(value)
    found: dict[str, set[str]] = {}
    for name, values in wanted.items():
        ref = fields[name].references or {}
        target, literal = ref["field"], sorted(values)
        present: set[str] = set()
        table = tables.get(ref["table"])
        if table is not None and dict(table.dtypes).get(target) != "string":
            present |= values  # the join compares it typed ("0123" = 123): counted as found
        elif table is not None:  # a literal IN on the column: Delta skips files on it
            present |= _values(table.where(F.col(target).isin(literal)).select(target))
        if ref["table"] == contract.name and pending is not None:
            std = standardise(contract, pending.select(*(f.name for f in contract.fields)))
            present |= _values(std.where(F.col(target).isin(literal)).select(target))
        found[name] = present
    return [
        h
        for h in held
        if all(n not in fields or v is None or v in found.get(n, ()) for n, v in h[3])
    ]


def _values(df: DataFrame) -> set[str]:
    return {str(r[0]) for r in df.distinct().collect()}


def held_bronze(spark, contract: Contract, held: list) -> DataFrame:
    """The bronze rows of the held rows (`held_by_source`'s tuples). Their batches are named
    as literals first: Delta then reads only those batches' files (each file's `_batch_id`
    statistics), where the join alone read every file of bronze."""
    keys = spark.createDataFrame(
        [h[:3] for h in held], "_source_file string, _row_number long, _batch_id string"
    )
    batches = sorted({h[2] for h in held})
    bronze = spark.table(f"bronze.{contract.name}").where(F.col("_batch_id").isin(batches))
    return bronze.join(F.broadcast(keys), [*KEY, "_batch_id"], "left_semi")


def mark_released(
    spark, settings: Settings, contract: Contract, released: list[tuple[str, int]], day: date
) -> None:
    """Quarantine rows of the released rows: status `released`, `released_on` = day (one
    MERGE; nothing when nothing was released)."""
    if not released:
        return
    from delta.tables import DeltaTable

    keys = spark.createDataFrame(released, "_source_file string, _row_number long")
    path = settings.table_path("silver", "quarantine")
    (
        DeltaTable.forPath(spark, path)
        .alias("t")
        .merge(
            keys.alias("s"),
            f"t.source = '{contract.name}' AND t.status = 'quarantined' AND "
            "t._source_file = s._source_file AND t._row_number = s._row_number",
        )
        .whenMatchedUpdate(
            set={"status": F.lit("released"), "released_on": F.lit(day).cast("date")}
        )
        .execute()
    )


def released_ops_rows(spark, settings: Settings, contract: Contract, released) -> list[dict]:
    """The silver ops rows of the files rows were released from, with the counts moved."""
    per_file: dict[str, int] = {}
    for source_file, _ in released:
        per_file[source_file] = per_file.get(source_file, 0) + 1
    if not per_file:
        return []
    rows = (
        ops.read(spark, settings)
        .where(
            (F.col("source") == contract.name)
            & (F.col("stage") == "silver")
            & F.col("source_file").isin(list(per_file))
        )
        .collect()
    )
    out = []
    for r in rows:
        d = r.asDict()
        n = per_file[d["source_file"]]
        d["rows_quarantined"] = (d["rows_quarantined"] or 0) - n
        d["rows_released"] = (d.get("rows_released") or 0) + n
        d.pop("recorded_at", None)
        out.append(d)
    return out


def reference_versions(spark, settings: Settings, contract: Contract) -> dict[str, int]:
    """The current Delta version of every other silver table the contract's fields reference
    (-1 for one not built yet): what a held row of this source can wait for. A reference to
    the source itself is left out: its table changes only with its own new batches, which are
    built (and the held rows re-checked) anyway."""
    out = {}
    tables = contract.referenced_tables - {contract.name}
    for table in sorted(tables):
        try:
            out[table] = latest_version(spark, settings.table_path("silver", table))
        except LookupError:
            out[table] = -1
    return out


def _checks_file(settings: Settings):
    return settings.home / "silver_state" / "held_checks.json"


def load_checks(settings: Settings) -> dict[str, dict[str, int]]:
    """source → the referenced tables' versions when its held rows were last checked."""
    return read_json(_checks_file(settings))


def save_checks(settings: Settings, checks: dict[str, dict[str, int]]) -> None:
    """Write the file whole through a temporary name, so a crash leaves the old one."""
    write_json(_checks_file(settings), checks)


__all__ = [
    "QUARANTINE_SCHEMA",
    "REFERENCE_CATEGORIES",
    "held_bronze",
    "held_by_source",
    "load_checks",
    "mark_released",
    "may_pass",
    "reference_versions",
    "released_ops_rows",
    "save_checks",
]
