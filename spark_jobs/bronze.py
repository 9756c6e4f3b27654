"""Bronze: landing files into append-only Delta tables, values exactly as delivered.

Each file is parsed once, here, into strings (no type inference: identifiers keep their zeros
and X). Every delivered row becomes one bronze row, with `_source_file`, `_file_sha256`,
`_row_number` (1 = first row after the header), `_batch_id` and `_ingested_at`; a row that
cannot be split into the contract's columns is kept with `_parse_error` so that silver can
quarantine it: nothing read is dropped. One Delta commit per file, made idempotent with
`txnAppId`/`txnVersion`, so a crash leaves either the whole file or none of it, and a file
already ingested (same SHA-256) is skipped.
"""
from __future__ import annotations

import csv
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime

import pyarrow as pa

from . import ops
from .contracts import Contract
from .session import register_table
from .settings import Settings
from .storage import Storage

log = logging.getLogger(__name__)
LINEAGE = ["_source_file", "_file_sha256", "_row_number", "_batch_id", "_ingested_at",
           "_delivery_date", "_parse_error"]


class FileRejected(ValueError):
    """A whole file cannot be read; the message names the file and what is wrong."""


@dataclass
class FileResult:
    source_file: str
    status: str  # ingested | skipped_duplicate | rejected
    rows: int = 0
    reason: str | None = None
    batch_id: str | None = None


def batch_id_for(contract: Contract, sha256: str) -> str:
    """Derived from the content, never the clock: the same file is always the same batch."""
    return f"{contract.name}-{sha256[:16]}"


def parse_delivery(contract: Contract, data: bytes, source_file: str) -> pa.Table:
    """Decode and split a delivered CSV into a string table with the contract's field names."""
    if not data.strip():
        raise FileRejected(f"{source_file}: empty file")
    try:
        text = data.decode(contract.encoding)
    except UnicodeDecodeError as exc:
        raise FileRejected(
            f"{source_file}: not valid {contract.encoding} at byte {exc.start} "
            f"(bytes {data[exc.start:exc.start + 4]!r})") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=contract.delimiter)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise FileRejected(f"{source_file}: empty file") from None
    by_header = contract.headers
    missing = [f"{f.header} ({f.name})" for f in contract.fields if f.header not in header]
    if missing:
        raise FileRejected(f"{source_file}: header lacks column(s) {', '.join(missing)}")
    positions = {by_header[h]: i for i, h in enumerate(header) if h in by_header}
    columns: dict[str, list] = {name: [] for name in contract.field_names}
    row_numbers, errors = [], []
    try:
        for number, row in enumerate(reader, start=1):
            if not row:
                continue  # a blank line is not a row
            row_numbers.append(number)
            if len(row) != len(header):
                errors.append(f"row has {len(row)} fields, header has {len(header)}")
                for name in columns:
                    columns[name].append(None)
                continue
            errors.append(None)
            for name, pos in positions.items():
                columns[name].append(row[pos])
    except csv.Error as exc:
        raise FileRejected(f"{source_file}: row {len(row_numbers) + 1}: {exc}") from None
    arrays = {name: pa.array(values, pa.string()) for name, values in columns.items()}
    arrays["_row_number"] = pa.array(row_numbers, pa.int64())
    arrays["_parse_error"] = pa.array(errors, pa.string())
    return pa.table(arrays)


def ingest_file(spark, settings: Settings, contract: Contract, storage: Storage, key: str,
                delivery_date: date, seen: dict[str, str], ops_rows: list[dict]) -> FileResult:
    """Land one file in bronze (or skip/reject it); append its ops.batch_log row to `ops_rows`.

    The ops rows are written once per run, after the files: a crash before that re-runs the
    appends, which `txnAppId` turns into no-ops, and then records them.
    """
    data = storage.read_bytes(f"landing/{key}")
    sha = hashlib.sha256(data).hexdigest()
    batch_id = batch_id_for(contract, sha)
    base = {"source": contract.name, "source_file": key, "stage": "bronze",
            "batch_id": batch_id, "file_sha256": sha, "delivery_date": delivery_date}
    if sha in seen and seen[sha] != key:
        reason = f"same content (sha256 {sha[:12]}…) already ingested from {seen[sha]}"
        ops_rows.append({**base, "status": "skipped_duplicate", "rows_read": 0,
                                      "reason": reason})
        return FileResult(key, "skipped_duplicate", reason=reason, batch_id=batch_id)
    if sha in seen:
        return FileResult(key, "skipped_duplicate", reason="already ingested", batch_id=batch_id)
    try:
        table = parse_delivery(contract, data, key)
    except FileRejected as exc:
        ops_rows.append({**base, "status": "rejected", "rows_read": 0,
                                      "reason": str(exc)})
        return FileResult(key, "rejected", reason=str(exc), batch_id=batch_id)
    n = table.num_rows
    table = (table
             .append_column("_source_file", pa.array([key] * n, pa.string()))
             .append_column("_file_sha256", pa.array([sha] * n, pa.string()))
             .append_column("_batch_id", pa.array([batch_id] * n, pa.string()))
             .append_column("_ingested_at", pa.array([datetime.now()] * n, pa.timestamp("us")))
             .append_column("_delivery_date", pa.array([delivery_date] * n, pa.date32())))
    table = table.select(contract.field_names + LINEAGE)
    path = settings.table_path("bronze", contract.name)
    if n == 0:  # a header-only delivery: recorded, nothing to write
        ops_rows.append({**base, "status": "ingested", "rows_read": 0})
        seen[sha] = key
        return FileResult(key, "ingested", rows=0, batch_id=batch_id)
    (spark.createDataFrame(table).write.format("delta").mode("append")
     .option("txnAppId", f"bronze:{contract.name}:{sha}").option("txnVersion", 0)
     .save(path))
    register_table(spark, "bronze", contract.name, path)
    ops_rows.append({**base, "status": "ingested", "rows_read": n})
    seen[sha] = key
    return FileResult(key, "ingested", rows=n, batch_id=batch_id)


def ingested_files(spark, settings: Settings, contract: Contract) -> dict[str, str]:
    """sha256 → landing key of every file of this source already in bronze."""
    log_df = ops.read(spark, settings)
    rows = (log_df.where((log_df.source == contract.name) & (log_df.stage == "bronze")
                         & (log_df.status == "ingested"))
            .select("file_sha256", "source_file").collect())
    return {r.file_sha256: r.source_file for r in rows}


def ingest(spark, settings: Settings, contract: Contract, delivery_date: date) -> list[FileResult]:
    """Ingest every file under landing/<source>/<date>/, in name order."""
    storage = Storage.for_settings(settings)
    prefix = f"landing/{contract.landing_dir}/{delivery_date.isoformat()}"
    keys = [k.removeprefix("landing/") for k in storage.list(prefix)
            if not k.rsplit("/", 1)[-1].startswith(".")]
    seen = ingested_files(spark, settings, contract)
    results, ops_rows = [], []
    for key in keys:
        result = ingest_file(spark, settings, contract, storage, key, delivery_date, seen,
                             ops_rows)
        log.info("bronze %s: %s %s rows %s", contract.name, key, result.status, result.rows)
        results.append(result)
    ops.record(spark, settings, ops_rows)
    return results
