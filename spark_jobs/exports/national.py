"""The national exchange: each batch sends, per national data set, the records inserted, changed
or deleted since the last batch the national system did not reject, read from Delta's change
data feed, in the national field names with the envelope columns.

Layout: exports/national/<run-date>/<cd_batch>/<data set>/part-00000.jsonl … and manifest.json
(batch, run date, per data set: source table and Delta versions, counts of i/u/d, columns,
sha256 and rows per file). UTF-8 JSON Lines, one record per line, keys in the national field
order of datasets.yaml, envelope first; rows sorted by cd_id. The folder is replaced as a whole
(`Storage.publish`: one atomic swap locally, manifest-last in MinIO).

Re-running a day's export re-reads the versions its batch recorded (exchange.national_batches),
so it writes the same bytes even after later days changed gold; when the batch's folder is
there, from those versions, with every file matching its hash, nothing is written at all (no
file, no ledger commit). A day that has no batch yet and
comes before the newest batch is not exported: the exchange is one ordered stream, and its
changes are in the batches after it. `new_batch=True` makes a further batch on the same day
(the day's second submission, e.g. after fixing records the national check rejected).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

from pyspark.sql import functions as F

from spark_jobs.core.delta import latest_version
from spark_jobs.core.settings import Settings
from spark_jobs.core.storage import MANIFEST, Storage
from spark_jobs.exports import changes, ledger
from spark_jobs.exports.datasets import (
    ENVELOPE,
    Dataset,
    ExchangeConfig,
    check_no_personal_data,
    load_config,
    project,
)

ROWS_PER_FILE = 100_000
# Spark's text files of the lines, read back and removed by the same export (a killed one's
# are removed by the next: `_write_batch`).
LINES_SCRATCH = "exports/.lines"
FORMAT = "JSON Lines, UTF-8, one record per line; keys: envelope, then national field names"


def export(spark, settings: Settings, run_date: dt.date, new_batch: bool = False) -> dict:
    """Write (or re-write) the batch of `run_date` and return its manifest."""
    config = load_config()
    for ds in config.datasets.values():
        check_no_personal_data(ds, settings)
    same_day = [
        r for r in ledger.batch_rows_of_day(spark, settings, run_date) if r["status"] != "rejected"
    ]
    if same_day and not new_batch:
        batch_no = same_day[-1]["batch_no"]
        plan = {
            r["dataset"]: (r["from_version"], r["to_version"])
            for r in same_day
            if r["batch_no"] == batch_no
        }
        sent = _already_written(settings, run_date, batch_no, plan)
        if sent is not None:  # a rerun: same batch, same versions, every file there
            return sent
    else:
        newest = ledger.latest_batch(spark, settings)
        if newest and newest["run_date"] > run_date:
            return {
                "run_date": run_date.isoformat(),
                "batch_no": None,
                "skipped": f"batch {newest['batch_no']} of {newest['run_date']} was sent "
                "after this day: its changes went in the batches since",
            }
        batch_no = ledger.next_batch_no(spark, settings, run_date)
        plan = _plan(spark, settings, config)
    return _write_batch(spark, settings, config, run_date, batch_no, plan)


def _already_written(settings: Settings, run_date: dt.date, batch_no: str, plan: dict):
    """The manifest of the batch as it stands, when it was written from exactly `plan` and
    every file it lists is there with its hash; else None (the batch is written again)."""
    storage = Storage.for_settings(settings)
    prefix = f"exports/national/{run_date.isoformat()}/{batch_no}"
    try:
        manifest = json.loads(storage.read_bytes(f"{prefix}/{MANIFEST}"))
    except Exception:  # missing or unreadable (any storage): write the batch again
        return None
    datasets = manifest.get("datasets", {})
    if {n: (d.get("from_version"), d.get("to_version")) for n, d in datasets.items()} != {
        n: tuple(v) for n, v in plan.items()
    }:
        return None
    for d in datasets.values():
        for f in d.get("files", []):
            try:
                data = storage.read_bytes(f"{prefix}/{f['path']}")
            except Exception:  # a file gone (any storage): write the batch again
                return None
            if hashlib.sha256(data).hexdigest() != f["sha256"]:
                return None
    manifest["location"] = f"{settings.exports_root}/{run_date.isoformat()}/{batch_no}"
    manifest["unchanged"] = True
    return manifest


def _plan(spark, settings: Settings, config: ExchangeConfig) -> dict:
    """(from_version, to_version) per data set whose table exists; from None = full batch."""
    from delta.tables import DeltaTable

    plan = {}
    sent = ledger.base_versions(spark, settings)  # one ledger read for every data set
    for ds in config.datasets.values():
        path = settings.table_path(ds.layer, ds.table_name)
        if not DeltaTable.isDeltaTable(spark, path):
            continue  # e.g. no draw yet: the data set has nothing to send
        changes.ensure_change_feed(spark, path)
        plan[ds.name] = (
            sent.get(ds.name),
            latest_version(spark, path),
        )
    return plan


def batch_changes(spark, settings: Settings, config: ExchangeConfig, ds: Dataset, versions):
    """The net changes of one data set over (from, to]: national records with cd_operation.
    An unchanged table (to <= from) never gets here: the batch records it without reading."""
    from_version, to_version = versions
    path = settings.table_path(ds.layer, ds.table_name)
    if from_version is None:
        rows = changes.snapshot(spark, path, to_version)
    else:
        rows = changes.change_feed(spark, path, from_version, to_version)
    projected = project(spark, ds, rows, config.province_division_code)
    return changes.net_changes(projected)


def _write_batch(spark, settings, config, run_date, batch_no, plan) -> dict:
    storage = Storage.for_settings(settings)
    storage.delete_tree(LINES_SCRATCH)  # a killed export's lines
    files: dict[str, bytes] = {}
    described: dict[str, Any] = {}
    record_frames = []
    batch_rows = []
    persisted = []
    for name, versions in sorted(plan.items()):
        ds = config.datasets[name]
        columns = [*ENVELOPE, *ds.fields]
        if versions[0] is not None and versions[1] <= versions[0]:  # the table did not change
            described[name] = _described(ds, versions, columns, {}, [])
            batch_rows.append(_batch_row(run_date, ds, versions, {}, []))
            continue
        diff = batch_changes(spark, settings, config, ds, versions).withColumn(
            "cd_batch", F.lit(batch_no)
        )
        diff = diff.withColumn(
            "cd_time", F.date_format("_commit_timestamp", "yyyy-MM-dd HH:mm:ss")
        ).persist()
        persisted.append(diff)
        ops = {r[0]: r[1] for r in diff.groupBy("cd_operation").count().collect()}
        written = _write_lines(
            settings, diff.select(*[F.col(f"`{c}`") for c in columns]), name, files, ops
        )
        record_frames.append(
            diff.select(
                F.lit(batch_no).alias("batch_no"),
                F.lit(name).alias("dataset"),
                "cd_id",
                "cd_operation",
                "cd_time",
                "department_code",
                F.col("_commit_version").alias("source_version"),
                "_source_file",
                "_row_number",
                "_batch_id",
            )
        )
        described[name] = _described(ds, versions, columns, ops, written)
        batch_rows.append(_batch_row(run_date, ds, versions, ops, written))
    manifest = {
        "batch_no": batch_no,
        "run_date": run_date.isoformat(),
        "format": FORMAT,
        "province_division_code": config.province_division_code,
        "datasets": described,
        "row_count": sum(d["rows"] for d in described.values()),
    }
    files[MANIFEST] = (
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")
    prefix = f"exports/national/{run_date.isoformat()}/{batch_no}"
    storage.delete_tree(LINES_SCRATCH)
    storage.publish(prefix, files)  # 1. the files
    if record_frames:  # 2. the records, 3. the batch rows: the batch exists from here on
        union = record_frames[0]
        for frame in record_frames[1:]:
            union = union.unionByName(frame)
        ledger.write_records(spark, settings, batch_no, union)
    ledger.write_batch(spark, settings, batch_no, batch_rows)
    for frame in persisted:
        frame.unpersist()
    manifest["location"] = f"{settings.exports_root}/{run_date.isoformat()}/{batch_no}"
    return manifest


def _described(ds: Dataset, versions, columns, ops: dict, written: list[dict]) -> dict:
    return {
        "title": ds.title,
        "source_table": ds.table,
        "from_version": versions[0],
        "to_version": versions[1],
        "rows": sum(ops.values()),
        "inserts": ops.get("i", 0),
        "updates": ops.get("u", 0),
        "deletes": ops.get("d", 0),
        "columns": columns,
        "files": written,
    }


def _batch_row(run_date, ds: Dataset, versions, ops: dict, written: list[dict]) -> dict:
    return {
        "run_date": run_date,
        "dataset": ds.name,
        "source_table": ds.table,
        "from_version": versions[0],
        "to_version": versions[1],
        "inserts": ops.get("i", 0),
        "updates": ops.get("u", 0),
        "deletes": ops.get("d", 0),
        "files": [f["path"] for f in written],
    }


def _write_lines(settings, df, dataset: str, files: dict[str, bytes], ops: dict) -> list[dict]:
    """The data set's records as JSON Lines files (ROWS_PER_FILE each), sorted by cd_id.

    Spark writes each line (`to_json` of the record, nulls kept) into text files under
    `exports/.lines/` of the lake's storage, one per range of cd_id, in order; they are read
    back whole and cut into the data set's files. Records never cross into Python as rows:
    through `Row.asDict` and `json.dumps`, 1 M records took 40 s, and fetched as Rows
    (`toLocalIterator`) still 18 s. The lines are those
    `json.dumps(record, ensure_ascii=False, separators=(",", ":"))` writes (key order, nulls,
    raw UTF-8, short escapes); the one difference, the hex case of a control character's
    `\\u00XX` escape, is brought to Python's by `python_escapes`.
    """
    total = sum(ops.values())
    if not total:
        return []
    storage = Storage.for_settings(settings)
    scratch = f"{LINES_SCRATCH}/{dataset}"
    record = F.struct(*[F.col(f"`{c}`") for c in df.columns])
    (
        df.repartitionByRange(max(1, -(-total // ROWS_PER_FILE)), "cd_id")
        .sortWithinPartitions("cd_id")
        .select(F.to_json(record, {"ignoreNullFields": "false"}).alias("line"))
        .write.mode("overwrite")
        .text(f"{settings.storage_root}/{scratch}")
    )
    lines: list[str] = []
    for key in sorted(k for k in storage.list(scratch) if k.rsplit("/", 1)[-1].startswith("part-")):
        text = python_escapes(storage.read_bytes(key).decode("utf-8"))
        lines += text.split("\n")[:-1]  # every line ends with one
    storage.delete_tree(scratch)
    if len(lines) != total:
        raise RuntimeError(f"{dataset}: {len(lines)} export lines written, {total} records")
    written: list[dict] = []
    for start in range(0, total, ROWS_PER_FILE):
        chunk = lines[start : start + ROWS_PER_FILE]
        name = f"{dataset}/part-{len(written):05d}.jsonl"
        data = "".join(line + "\n" for line in chunk).encode("utf-8")
        files[name] = data
        written.append(
            {
                "path": name,
                "rows": len(chunk),
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
        )
    return written


# A control character's escape as Jackson writes it (`\\u001F`), not after an escaped backslash.
_UPPER_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u00([0-9A-F]{2})")


def python_escapes(line: str) -> str:
    """`line` with `\\u00XX` escapes in lower-case hex, as Python's json module writes them."""
    if "\\u00" not in line:
        return line
    return _UPPER_ESCAPE.sub(lambda m: m.group(1) + "\\u00" + m.group(2).lower(), line)
