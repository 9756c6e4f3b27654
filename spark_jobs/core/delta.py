"""Delta helpers every writer shares: create a table before anyone writes to it."""

from __future__ import annotations

import json
import logging
import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pyspark.sql import types as T

from spark_jobs.core.catalog import register_table
from spark_jobs.core.settings import Settings

log = logging.getLogger(__name__)
R = TypeVar("R")
# A commit in a Delta log: twenty digits and .json (not a checkpoint, nor a compacted log).
COMMIT = re.compile(r"\d{20}\.json")

# Delta's optimistic-concurrency failures (io.delta.exceptions.*, and their error classes): another
# process committed first. The losing transaction wrote nothing visible; running it again
# against the new version is safe for an idempotent write (a MERGE on a key, an append with a
# txnAppId, a create-if-missing).
CONFLICTS = (
    "ConcurrentAppendException",
    "ConcurrentDeleteReadException",
    "ConcurrentDeleteDeleteException",
    "ConcurrentTransactionException",
    "ConcurrentWriteException",
    "MetadataChangedException",
    "ProtocolChangedException",
    "DELTA_CONCURRENT_",
    "DELTA_METADATA_CHANGED",
    "DELTA_PROTOCOL_CHANGED",
)


def is_conflict(exc: BaseException) -> bool:
    """Did a Delta commit lose to a concurrent one (rather than fail)?"""
    text = f"{type(exc).__name__} {str(exc)[:2000]}"
    return any(name in text for name in CONFLICTS)


def on_conflict_retry(write: Callable[[], R], what: str, attempts: int = 5) -> R:
    """Run an idempotent Delta write; when it loses to a concurrent commit, run it again (after
    a short random pause) against the new version, up to `attempts` times."""
    for attempt in range(1, attempts + 1):
        try:
            return write()
        except Exception as exc:
            if not is_conflict(exc) or attempt == attempts:
                raise
            log.warning("%s: a concurrent commit came first; retrying (%d)", what, attempt)
            time.sleep(random.uniform(0.2, 1.0) * attempt)  # noqa: S311 - jitter, not secrets
    raise AssertionError("unreachable")


def add_missing_columns(spark, path: str, schema: T.StructType) -> None:
    """A lake made by an older version gains the columns added since (nullable, at the end),
    so writers with the current schema keep working without rewriting the table."""
    have = {f.name for f in spark.read.format("delta").load(path).schema}
    missing = [f for f in schema if f.name not in have]
    if missing:
        cols = ", ".join(f"`{f.name}` {f.dataType.simpleString()}" for f in missing)
        spark.sql(f"ALTER TABLE delta.`{path}` ADD COLUMNS ({cols})")


# Delta table properties the lake sets and checks (maintenance steps, the national exchange).
DELETION_VECTORS = "delta.enableDeletionVectors"
CHANGE_FEED = "delta.enableChangeDataFeed"


def property_on(spark, path: str, key: str) -> bool:
    """Whether the Delta table at `path` has the boolean table property `key` set to true."""
    rows = spark.sql(f"SHOW TBLPROPERTIES delta.`{path}`").collect()
    return any(r["key"] == key and r["value"].lower() == "true" for r in rows)


def latest_version(spark, location: str) -> int:
    """The table's latest committed version, from the names in its `_delta_log` (one listing,
    local disk or S3A alike). `DeltaTable.history(1)` gives the same number but runs a Spark job
    that replays the log: about 0.15 s a table, which summed to 5-9 s per gold build for the
    write-audit-publish bookkeeping of some 60 tables. Every commit writes `<version>.json`
    and log clean-up never removes the newest, so the largest is the version; checkpoints,
    `.crc` files and compacted logs (`<from>.<to>.compacted.json`) name no newer one.
    """
    names = _log_names(spark, location)
    if names is None:
        raise LookupError(f"{location}: not a Delta table (no _delta_log)")
    versions = [
        int(name[:20])
        for name in names
        if name.endswith(".json") and name[:20].isdigit() and name[20] == "."
    ]
    if not versions:
        raise LookupError(f"{location}: not a Delta table (no commit in _delta_log)")
    return max(versions)


def _log_names(spark, location: str) -> list[str] | None:
    """The file names in the table's `_delta_log`, or None when it has none. A local lake is
    listed by Python (a Hadoop listing through py4j costs two round trips per file: 1-2 s of
    each gold build's bookkeeping, which reads the version of some 75 tables twice)."""
    if "://" not in location:  # a local path, possibly `file:/...`
        log_dir = Path(location.removeprefix("file:")) / "_delta_log"
        return os.listdir(log_dir) if log_dir.is_dir() else None
    jpath = spark._jvm.org.apache.hadoop.fs.Path(location.rstrip("/") + "/_delta_log")
    fs = jpath.getFileSystem(spark._jsc.hadoopConfiguration())
    if not fs.exists(jpath):
        return None
    return [str(status.getPath().getName()) for status in fs.listStatus(jpath)]


def ensure_table(spark, settings: Settings, layer: str, name: str, schema: T.StructType) -> str:
    """Create an empty Delta table at its lake path if it is not there, and name it.

    DDL before writes. Two processes creating one table at once: one commits version 0, the
    other's `ProtocolChangedException` is taken as "it is there now".
    """
    from delta.tables import DeltaTable

    path = settings.table_path(layer, name)
    if not DeltaTable.isDeltaTable(spark, path):
        try:
            spark.createDataFrame([], schema).write.format("delta").mode("ignore").save(path)
        except Exception as exc:  # another process created it at the same moment: fine
            if not is_conflict(exc):
                raise
            latest_version(spark, path)  # the log, listed (the JVM's cached snapshot is stale)
    else:
        add_missing_columns(spark, path, schema)
    register_table(spark, layer, name, path)
    return path


def commit_text(spark, location: str, version: int) -> str:
    """The JSON actions of one commit (`_delta_log/<version>.json`), read as text."""
    return _log_file_text(spark, location, f"{version:020d}.json")


def _log_file_text(spark, location: str, name: str) -> str:
    """One file of the table's `_delta_log`, as text: by Python on a local lake, through
    Hadoop's file system (S3A) otherwise."""
    if "://" not in location:
        return (Path(location.removeprefix("file:")) / "_delta_log" / name).read_text("utf-8")
    jvm = spark._jvm
    jpath = jvm.org.apache.hadoop.fs.Path(f"{location.rstrip('/')}/_delta_log/{name}")
    stream = jpath.getFileSystem(spark._jsc.hadoopConfiguration()).open(jpath)
    try:
        return str(jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8"))
    finally:
        stream.close()


def latest_checksum(spark, location: str) -> dict | None:
    """The checksum (`_delta_log/<version>.crc`) of the table's latest commit, parsed; None when
    that commit has none (a crash between the two, or a writer that skips them) or it cannot be
    read (being written, or gone with a log clean-up). Local disk or S3A, no Spark job."""
    names = _log_names(spark, location) or []
    versions = [int(n[:20]) for n in names if COMMIT.fullmatch(n)]
    if not versions or f"{max(versions):020d}.crc" not in names:
        return None
    try:
        return json.loads(_log_file_text(spark, location, f"{max(versions):020d}.crc"))
    except (OSError, ValueError):
        return None


def checksum_rows(spark, location: str) -> int | None:
    """The table's rows as its latest commit's checksum states them (`latest_checksum`): the
    records of every live file it lists (`allFiles`, each with its statistics) less those the
    file's deletion vector removes. No Spark job: in a new process `count()` loads each
    table's Delta snapshot first (the report's 71 counts took 34-42 s there, 6 s warm).
    None when the checksum, its file list or a file's record count is missing (Delta lists
    the files only for tables with few of them); the caller counts with Spark then."""
    checksum = latest_checksum(spark, location)
    if checksum is None:
        return None
    files = checksum.get("allFiles")
    if files is None:
        return 0 if checksum.get("numFiles") == 0 else None
    if len(files) != checksum.get("numFiles"):  # a list that is not the whole table
        return None
    rows = 0
    for entry in files:
        records = json.loads(entry.get("stats") or "{}").get("numRecords")
        if not isinstance(records, int):
            return None
        rows += records - int((entry.get("deletionVector") or {}).get("cardinality", 0))
    return rows


def set_transactions(spark, location: str) -> dict[str, int] | None:
    """appId → version of every transaction id (`txnAppId`/`txnVersion`) the table holds, as
    its latest checksum lists them; None when the checksum is missing or leaves them out (Delta
    lists them only while a table has few of them): the caller then reads the table instead."""
    checksum = latest_checksum(spark, location)
    txns = None if checksum is None else checksum.get("setTransactions")
    if not isinstance(txns, list):
        return None
    return {t["appId"]: int(t["version"]) for t in txns}


def table_rows(spark, location: str, table: str) -> int:
    """Rows of the table `table` stored at `location`: from its checksum when it states them
    (`checksum_rows`), else `count()`."""
    rows = checksum_rows(spark, location)
    return rows if rows is not None else spark.table(table).count()


def committed_with(spark, location: str, after: int, user_metadata: str) -> bool:
    """Did a commit newer than version `after` carry `user_metadata` (the writer's
    `userMetadata` option, unique per attempt)? An append whose txnAppId is already in the table
    is skipped silently by Delta; this tells the writer whether its own commit happened (only
    the newest few commits are read)."""
    try:
        newest = latest_version(spark, location)
    except LookupError:
        return False
    needle = json.dumps({"userMetadata": user_metadata}, separators=(",", ":"))[1:-1]
    return any(needle in commit_text(spark, location, v) for v in range(after + 1, newest + 1))
