"""Bronze: landing files into append-only Delta tables, values exactly as delivered.

Each file is parsed once, here, into strings (no type inference: identifiers keep their zeros
and X) by the reader of its contract's `format` (`readers.py`: csv, xlsx, jsonl, json_pages).
Every delivered row becomes one bronze row, with `_source_file`, `_file_sha256`, `_row_number`,
`_batch_id` and `_ingested_at`; a row that cannot be read cleanly is kept with `_parse_error` so
that silver can quarantine it: nothing read is dropped. One Delta commit per delivery folder
(`commit.py`: the folder's new files and complete dumps together, exactly once under a
transaction id per source and day), so a crash leaves either the whole folder or none of it;
a file already ingested (same SHA-256) is skipped.

Paged JSON dumps (`<dump>_p<NNNN>.json`) are ingested whole by `dumps.py`: one batch per
complete dump, its pages `waiting` while some are still to come (a dump delivered in
parts over several days), the dump rejected whole when a page is unreadable.

Some files are refused before they are read, each recorded as `rejected` with its reason
(`landing.landing_refusal`): a name with whitespace, a control character, a backslash or `..` (shell
scripts, the national upload and operators' tools mis-handle them, and `..` reads as a path
escape), and, on local disk, a symbolic link (what it points at was not delivered here).
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

import pyarrow as pa

from spark_jobs.contracts import Contract
from spark_jobs.core import ops
from spark_jobs.core.settings import Settings
from spark_jobs.core.storage import Storage
from spark_jobs.ingest.commit import MAX_BATCH_BYTES, Pending, commit_files
from spark_jobs.ingest.landing import landing_refusal
from spark_jobs.ingest.readers import (
    DumpRejected,
    FileRejected,
    read_delivery,
)
from spark_jobs.ingest.unrecorded import unrecorded_files

__all__ = [
    "LINEAGE",
    "DumpRejected",
    "FileRejected",
    "FileResult",
    "batch_id_for",
    "ingest",
    "ingest_file",
    "ingested_files",
    "land",
    "parse_delivery",
    "read_file",
]

log = logging.getLogger(__name__)
LINEAGE = [
    "_source_file",
    "_file_sha256",
    "_row_number",
    "_batch_id",
    "_ingested_at",
    "_delivery_date",
    "_parse_error",
]

# a file the folder's commit found in bronze already (`commit.commit_files`)
ALREADY = (
    "{key}: already in bronze, committed by another process ingesting it at the same moment (or "
    "by a run killed before recording it); not written twice"
)

parse_delivery = read_delivery  # csv, xlsx or jsonl, by the contract's format


@dataclass
class FileResult:
    source_file: str
    status: str  # ingested | skipped_duplicate | rejected | waiting (a dump's page, dumps.py)
    rows: int = 0
    reason: str | None = None
    batch_id: str | None = None


def batch_id_for(contract: Contract, sha256: str) -> str:
    """Derived from the content, never the clock: the same file is always the same batch."""
    return f"{contract.name}-{sha256[:16]}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _with_lineage(
    contract: Contract,
    table: pa.Table,
    source_files: list[str],
    shas: list[str],
    batch_id: str,
    delivery_date: date,
) -> pa.Table:
    n = table.num_rows
    if "_source_file" in table.column_names:
        table = table.drop_columns(["_source_file"])
    table = (
        table.append_column("_source_file", pa.array(source_files, pa.string()))
        .append_column("_file_sha256", pa.array(shas, pa.string()))
        .append_column("_batch_id", pa.array([batch_id] * n, pa.string()))
        .append_column("_ingested_at", pa.array([datetime.now()] * n, pa.timestamp("us")))
        .append_column("_delivery_date", pa.array([delivery_date] * n, pa.date32()))
    )
    return table.select(contract.field_names + LINEAGE)


def bronze_rows(contract: Contract, data: bytes, key: str, delivery_date: date) -> pa.Table:
    """A single-file delivery as bronze would store it (the reader's columns plus lineage),
    without writing anything: what silver's rule scenarios validate in memory."""
    sha = _sha256(data)
    table = read_delivery(contract, data, key)
    n = table.num_rows
    return _with_lineage(
        contract, table, [key] * n, [sha] * n, batch_id_for(contract, sha), delivery_date
    )


def _base(
    contract: Contract, key: str, sha: str | None, batch_id: str | None, delivery_date: date
) -> dict:
    return {
        "source": contract.name,
        "source_file": key,
        "stage": "bronze",
        "batch_id": batch_id,
        "file_sha256": sha,
        "delivery_date": delivery_date,
    }


def _reject(
    contract: Contract,
    key: str,
    sha: str | None,
    batch_id: str | None,
    delivery_date: date,
    reason: str,
    ops_rows: list[dict],
) -> FileResult:
    ops_rows.append(
        {
            **_base(contract, key, sha, batch_id, delivery_date),
            "status": "rejected",
            "rows_read": 0,
            "reason": reason,
        }
    )
    return FileResult(key, "rejected", reason=reason, batch_id=batch_id)


def read_file(
    contract: Contract,
    storage: Storage,
    key: str,
    delivery_date: date,
    seen: dict[str, str],
    ops_rows: list[dict],
) -> FileResult | Pending:
    """Read one delivered file (csv, xlsx, jsonl): its rows ready for bronze (`Pending`), or
    the file's outcome when there is nothing to write (a duplicate, a rejected file, a header
    only), with its ops.batch_log row appended to `ops_rows`. A file read here counts as seen,
    so the same content under a second name in the folder is a duplicate of the first."""
    if contract.format == "json_pages":
        raise ValueError(f"{contract.name}: a paged dump is ingested whole, use dumps.ingest_dump")
    data = storage.read_bytes(f"landing/{key}")
    sha = _sha256(data)
    batch_id = batch_id_for(contract, sha)
    base = _base(contract, key, sha, batch_id, delivery_date)
    if sha in seen and seen[sha] != key:
        reason = f"same content (sha256 {sha[:12]}…) already ingested from {seen[sha]}"
        ops_rows.append({**base, "status": "skipped_duplicate", "rows_read": 0, "reason": reason})
        return FileResult(key, "skipped_duplicate", reason=reason, batch_id=batch_id)
    if sha in seen:
        return FileResult(key, "skipped_duplicate", reason="already ingested", batch_id=batch_id)
    try:
        table = read_delivery(contract, data, key)
    except FileRejected as exc:
        return _reject(contract, key, sha, batch_id, delivery_date, str(exc), ops_rows)
    except Exception as exc:  # a reader's surprise must not stop the other files
        log.exception("bronze %s: reading %s failed", contract.name, key)
        return _reject(
            contract,
            key,
            sha,
            batch_id,
            delivery_date,
            f"{key}: cannot be read ({type(exc).__name__}: {exc})",
            ops_rows,
        )
    seen[sha] = key
    n = table.num_rows
    if not n:  # a header-only delivery is recorded, with nothing to write
        ops_rows.append({**base, "status": "ingested", "rows_read": 0})
        return FileResult(key, "ingested", batch_id=batch_id)
    table = _with_lineage(contract, table, [key] * n, [sha] * n, batch_id, delivery_date)
    return Pending(key, sha, batch_id, table)


def land(
    spark,
    settings: Settings,
    contract: Contract,
    delivery_date: date,
    files: list[Pending],
    ops_rows: list[dict],
) -> list[FileResult]:
    """Commit the files read from one delivery folder (`commit.commit_files`: one commit,
    exactly once) and record each as ingested.

    The ops rows are written once per run, after the commit: a crash before that re-runs the
    folder, and the commit finds the files in bronze and writes nothing again."""
    already = commit_files(spark, settings, contract, delivery_date, files) if files else set()
    results = []
    for f in files:
        n = f.table.num_rows
        base = _base(contract, f.key, f.sha, f.batch_id, delivery_date)
        ops_rows.append({**base, "status": "ingested", "rows_read": n})
        reason = None
        if f.sha in already:
            reason = ALREADY.format(key=f.key)
            log.warning("bronze %s: %s", contract.name, reason)
        results.append(FileResult(f.key, "ingested", rows=n, reason=reason, batch_id=f.batch_id))
    return results


def ingest_file(
    spark,
    settings: Settings,
    contract: Contract,
    storage: Storage,
    key: str,
    delivery_date: date,
    seen: dict[str, str],
    ops_rows: list[dict],
) -> FileResult:
    """Land one file in bronze (or skip/reject it): `read_file`, then `land` it alone."""
    read = read_file(contract, storage, key, delivery_date, seen, ops_rows)
    if isinstance(read, FileResult):
        return read
    return land(spark, settings, contract, delivery_date, [read], ops_rows)[0]


# what makes a bronze ops row the same outcome again (recorded_at aside)
OUTCOME = ("source_file", "status", "file_sha256", "rows_read", "reason")


class Ingested(NamedTuple):
    """What ops already says of this source's files (`ingested_files`)."""

    seen: dict[str, str]  # sha256 → landing key of every file already in bronze
    waiting: list[str]  # landing keys of the page files held `waiting` (`dumps.py`)
    recorded: set[tuple]  # OUTCOME of every bronze ops row of the source
    rows: int  # the rows ops says are in bronze (`unrecorded.py` compares them with bronze's)


def ingested_files(spark, settings: Settings, contract: Contract) -> Ingested:
    """From one ops query: the files of this source already in bronze, the page files held
    waiting, and every outcome recorded (so a re-run does not record the same one again)."""
    log_df = ops.read(spark, settings)
    rows = (
        log_df.where((log_df.source == contract.name) & (log_df.stage == "bronze"))
        .select(*OUTCOME)
        .collect()
    )
    seen = {r.file_sha256: r.source_file for r in rows if r.status == "ingested"}
    waiting = [r.source_file for r in rows if r.status == "waiting"]
    landed = sum(r.rows_read or 0 for r in rows if r.status == "ingested")
    return Ingested(seen, waiting, {tuple(r) for r in rows}, landed)


def _new_outcomes(ops_rows: list[dict], recorded: set[tuple]) -> list[dict]:
    """The ops rows that say something ops does not hold yet: a re-run that finds a rejected,
    duplicate or waiting file exactly as before adds no ops version (a no-op re-run)."""
    return [r for r in ops_rows if tuple(r.get(k) for k in OUTCOME) not in recorded]


class Progress:
    """How far a delivery's ingest is, one log line per file (or dump) as it finishes: files
    done of the folder's files, rows so far, elapsed time and rows per second, so an operator
    watching a big ingest in the task log sees it move."""

    def __init__(self, source: str, files: int):
        self.source, self.files, self.seen, self.rows = source, files, 0, 0
        self.started = time.monotonic()

    def done(self, result: FileResult, files: int = 1) -> str:
        self.seen += files
        self.rows += int(result.rows) if result.status == "ingested" else 0
        elapsed = time.monotonic() - self.started
        line = (
            f"bronze {self.source}: [{self.seen}/{self.files} files] {result.source_file} "
            f"{result.status} {result.rows} rows; {self.rows} rows in {elapsed:.1f} s"
            f" ({self.rows / elapsed if elapsed > 0 else 0:.0f} rows/s)"
        )
        log.info(line)
        return line


def landing_keys(storage: Storage, contract: Contract, delivery_date: date) -> list[str]:
    """The files of landing/<source>/<date>/ (keys without `landing/`), hidden ones left out."""
    prefix = f"landing/{contract.landing_dir}/{delivery_date.isoformat()}"
    return [
        k.removeprefix("landing/")
        for k in storage.list(prefix)
        if not k.rsplit("/", 1)[-1].startswith(".")
    ]


def ingest(
    spark,
    settings: Settings,
    contract: Contract,
    delivery_date: date,
    keys: list[str] | None = None,
) -> list[FileResult]:
    """Ingest every file under landing/<source>/<date>/ (or `keys`, that folder's listing), in
    name order (a paged dump at its first page file). A file or dump that cannot be read is
    recorded and the others go on."""
    storage = Storage.for_settings(settings)
    if keys is None:
        keys = landing_keys(storage, contract, delivery_date)
    if not keys:  # nothing delivered for the day: no Spark job, no ops row
        return []
    seen, waiting, recorded, landed = ingested_files(spark, settings, contract)
    # Files of another day that a killed run committed without recording them: recorded now
    # (silver builds them), and a copy of one in this folder is a duplicate (`unrecorded.py`).
    # This day's are the rerun's own case: its commit finds them (`commit.in_bronze`).
    ops_rows = unrecorded_files(spark, settings, contract, landed, set(seen), delivery_date)
    seen |= {r["file_sha256"]: r["source_file"] for r in ops_rows}
    results = [
        FileResult(r["source_file"], "ingested", r["rows_read"], r["reason"], r["batch_id"])
        for r in ops_rows
    ]
    progress = Progress(contract.name, len(keys))
    refused = {k: reason for k in keys if (reason := landing_refusal(storage, k))}
    for key, reason in refused.items():  # recorded, never read (no content hash, no batch)
        results.append(_reject(contract, key, None, None, delivery_date, reason, ops_rows))
        progress.done(results[-1])
    keys = [k for k in keys if k not in refused]
    if contract.format == "json_pages":
        from spark_jobs.ingest import dumps  # imports this module

        dumps_read: list[Pending] = []
        results += dumps.ingest_dumps(
            spark, settings, contract, storage, keys, delivery_date, seen, waiting, ops_rows,
            progress, dumps_read,
        )  # fmt: skip
        if dumps_read:  # the folder's complete dumps, one commit
            already = commit_files(spark, settings, contract, delivery_date, dumps_read)
            written_before = {p.batch_id for p in dumps_read if p.sha in already}
            for r in results:
                if r.batch_id in written_before:
                    r.reason = ALREADY.format(key=r.source_file)
    else:
        pending: list[Pending] = []
        for i, key in enumerate(keys, 1):
            read = read_file(contract, storage, key, delivery_date, seen, ops_rows)
            if isinstance(read, Pending):
                pending.append(read)
            else:
                results.append(read)
                progress.done(read)
            if i == len(keys) or sum(p.table.nbytes for p in pending) >= MAX_BATCH_BYTES:
                for result in land(spark, settings, contract, delivery_date, pending, ops_rows):
                    results.append(result)
                    progress.done(result)
                pending = []  # a big folder: committed in parts, never all in memory
        order = {k: i for i, k in enumerate(keys)}
        results.sort(key=lambda r: order.get(r.source_file, -1))  # refused first, then by name
    ops.record(spark, settings, _new_outcomes(ops_rows, recorded))
    return results
