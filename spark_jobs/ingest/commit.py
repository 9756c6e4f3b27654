"""One Delta commit per delivery folder: the new files of a source's day land in bronze together,
exactly once.

A commit per file cost about half a second each (a Spark job, the log entry, its checksum); a
province day delivers some 80 files over 18 sources, most of them in folders of 8-11 files. The
files read from one folder (`landing/<source>/<date>/`, and the complete paged dumps there) are
appended in one commit, made
exactly-once by a Delta transaction id per source and delivery date: `txnAppId` =
`bronze:<source>:<date>`, `txnVersion` = the table version seen before writing, plus one.

- **A rerun after a crash** between the commit and its ops.batch_log rows: ops does not know the
  files, bronze does. Before writing, the day's `_file_sha256` values are read from bronze
  whenever a commit of this source-day exists (the latest checksum lists the transaction ids;
  when it does not, bronze is read anyway), and only files not there are written.
- **Two processes ingesting the same source-day at once**: both saw version v and write
  `txnVersion` v + 1. Delta lets one through; the other's write is skipped (the id's version is
  already v + 1) or loses the commit race and, retried, is skipped. The loser sees that its own
  commit did not happen (`committed_with`), looks at bronze again and writes only what is still
  missing (a file that landed after the winner listed the folder); the files the winner wrote
  are reported as committed by another process. Any commit of the id after v stops a writer
  that saw v, so no file is written twice.
- **A crash during the commit** leaves no log entry: the files written are not part of the
  table, and the rerun writes the folder again.

Files of earlier versions of this code were committed one by one, each under its own id
`bronze:<source>:<sha256>`; those ids count as "in bronze" too. A big folder is committed in
parts of about `MAX_BATCH_BYTES` of Arrow data as it is read (`bronze.ingest`), each part under
the same protocol, so neither the driver nor Python holds a whole day of a big feed.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from spark_jobs.contracts import Contract
from spark_jobs.core.catalog import register_table
from spark_jobs.core.delta import (
    committed_with,
    latest_version,
    on_conflict_retry,
    set_transactions,
)
from spark_jobs.core.settings import Settings

log = logging.getLogger(__name__)

# Arrow bytes per commit: a big feed's day in a few commits, each well inside the driver's 2 GB
# (`createDataFrame` holds the batch in the driver JVM while it is written)
MAX_BATCH_BYTES = 128 * 1024 * 1024
ATTEMPTS = 5  # looks at bronze again after another process committed the same day first


@dataclass
class Pending:
    """One delivered file, or one complete paged dump, read and ready for bronze: its rows
    with the lineage columns. `sha` names it (the file's, or the dump's over its pages);
    `page_shas` are the `_file_sha256` values of a dump's rows (a file's rows carry `sha`)."""

    key: str
    sha: str
    batch_id: str
    table: pa.Table
    page_shas: frozenset[str] = frozenset()

    @property
    def row_shas(self) -> frozenset[str]:
        return self.page_shas or frozenset({self.sha})


def day_app_id(contract: Contract, delivery_date: date) -> str:
    return f"bronze:{contract.name}:{delivery_date.isoformat()}"


def _version(spark, path: str) -> int:
    try:
        return latest_version(spark, path)
    except LookupError:
        return -1  # no table yet: the first write creates it


def in_bronze(spark, path: str, contract: Contract, delivery_date: date, shas: set[str]) -> set:
    """Which of `shas` are in bronze already (as a row's `_file_sha256`, or as the id of an
    earlier per-file or per-dump commit). No Spark job when the latest checksum shows that no
    commit of this source-day exists (the usual first run of a day); else the day's rows are
    read (their `_file_sha256`, data skipping on the delivery date)."""
    txns = set_transactions(spark, path)
    legacy = {s for s in shas if f"bronze:{contract.name}:{s}" in (txns or {})}
    if txns is not None and day_app_id(contract, delivery_date) not in txns:
        return legacy
    from pyspark.sql import functions as F

    rows = (
        spark.read.format("delta")
        .load(path)
        .where(
            (F.col("_delivery_date") == F.lit(delivery_date)) & F.col("_file_sha256").isin(*shas)
        )
        .select("_file_sha256")
        .distinct()
        .collect()
    )
    return legacy | {r[0] for r in rows}


def _chunks(files: list[Pending]) -> list[list[Pending]]:
    chunks: list[list[Pending]] = [[]]
    size = 0
    for f in files:
        if chunks[-1] and size + f.table.nbytes > MAX_BATCH_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(f)
        size += f.table.nbytes
    return chunks


def _commit_once(
    spark, settings: Settings, contract: Contract, delivery_date: date, files: list[Pending]
) -> set[str]:
    """Commit `files` (one chunk) exactly once; the `sha`s of those another writer (or a killed
    run) had committed."""
    path = settings.table_path("bronze", contract.name)
    app_id = day_app_id(contract, delivery_date)
    wanted = {s for f in files for s in (f.sha, *f.row_shas)}
    for attempt in range(1, ATTEMPTS + 1):
        before = _version(spark, path)
        present = in_bronze(spark, path, contract, delivery_date, wanted) if before >= 0 else set()
        there = {f.sha for f in files if f.sha in present or f.row_shas & present}
        todo = [f for f in files if f.sha not in there]
        if not todo:
            return there
        mine = f"{app_id} {uuid.uuid4().hex}"  # this attempt's commit, told apart from a racer's
        data = pa.concat_tables([f.table for f in todo])

        def write(data=data, version=before + 1, mine=mine) -> None:
            (
                spark.createDataFrame(data)
                .write.format("delta")
                .mode("append")
                .option("txnAppId", app_id)
                .option("txnVersion", version)
                .option("userMetadata", mine)
                .save(path)
            )

        on_conflict_retry(write, f"bronze.{contract.name}")
        register_table(spark, "bronze", contract.name, path)
        if committed_with(spark, path, before, mine):
            return there
        log.warning(
            "bronze %s %s: another process committed files of this day first; looking again (%d)",
            contract.name,
            delivery_date,
            attempt,
        )
    raise RuntimeError(
        f"bronze.{contract.name} {delivery_date}: {ATTEMPTS} commits of the same delivery by "
        "other processes in a row; nothing of this run was written, run it again"
    )


def commit_files(
    spark, settings: Settings, contract: Contract, delivery_date: date, files: list[Pending]
) -> set[str]:
    """Append the rows of `files` (one delivery folder's new files) to bronze in one commit (a
    few for a very big folder), exactly once. Returns the shas of the files that were already in
    bronze, committed by another process at the same moment or by a run killed before it
    recorded them: those are not written again."""
    already: set[str] = set()
    for chunk in _chunks(files):
        if chunk:
            already |= _commit_once(spark, settings, contract, delivery_date, chunk)
    return already
