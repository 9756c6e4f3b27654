"""The national exchange from the command line (`.venv/bin/python -m spark_jobs.exports …`):

export   --date D [--new-batch]   write the day's batch (re-writes it if it exists)
ack      BATCH                    the upload job confirms the national system received it
reject   BATCH [--note TEXT]      it did not arrive: its changes go again in the next batch
received --date D                 what the national system received on day D, and what it
                                  was told back (the batches, their Delta versions and
                                  commit times, the files checked against their manifest,
                                  and the quality-check feedback on those batches)
trail    RECORD_ID                every batch that carried a record, with its landing file
                                  and row
fix-queue [--department CODE]     the open and resubmitted feedback per department
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys

from pyspark.sql import functions as F

from spark_jobs.core.session import get_spark
from spark_jobs.core.settings import Settings
from spark_jobs.core.storage import MANIFEST, Storage
from spark_jobs.exports import feedback, ledger, national


def received(spark, settings: Settings, day: dt.date) -> list[str]:
    """The day's batches as the national system got them, checked against the files."""
    out: list[str] = []
    rows = ledger.batch_rows_of_day(spark, settings, day)
    if not rows:
        return [f"no national batch on {day}"]
    storage = Storage.for_settings(settings)
    for batch_no in sorted({r["batch_no"] for r in rows}):
        of_batch = [r for r in rows if r["batch_no"] == batch_no]
        prefix = f"exports/national/{day.isoformat()}/{batch_no}"
        manifest = json.loads(storage.read_bytes(f"{prefix}/{MANIFEST}"))
        out.append(f"batch {batch_no} ({of_batch[0]['status']}), {manifest['row_count']} records")
        for r in of_batch:
            if r["from_version"] is None:
                versions = f"full at v{r['to_version']}"
            elif r["to_version"] <= r["from_version"]:
                versions = f"unchanged v{r['to_version']}"
            else:
                versions = f"v{r['from_version'] + 1}..v{r['to_version']}"
            stamp = _commit_time(spark, settings, r["source_table"], r["to_version"])
            out.append(
                f"  {r['dataset']:<18} {r['source_table']:<28} {versions:<14} (to {stamp}) "
                f"i={r['inserts']} u={r['updates']} d={r['deletes']}"
            )
            for f in manifest["datasets"][r["dataset"]]["files"]:
                data = storage.read_bytes(f"{prefix}/{f['path']}")
                ok = hashlib.sha256(data).hexdigest() == f["sha256"]
                out.append(
                    f"    {f['path']}: {f['rows']} rows, sha256 {'ok' if ok else 'MISMATCH'}"
                )
    told = _feedback_on(spark, settings, sorted({r["batch_no"] for r in rows}))
    out.append(f"feedback on these batches: {len(told)} failed checks")
    out += [f"  {line}" for line in told]
    return out


def _commit_time(spark, settings: Settings, table: str, version) -> str:
    from spark_jobs.exports.changes import commit_timestamp

    layer, name = table.split(".", 1)
    ts = commit_timestamp(spark, settings.table_path(layer, name), int(version))
    return ts.isoformat(sep=" ", timespec="seconds") if ts else "?"


def _feedback_on(spark, settings: Settings, batch_nos: list[str]) -> list[str]:
    from delta.tables import DeltaTable

    path = settings.table_path("silver", feedback.FEEDBACK)
    if not DeltaTable.isDeltaTable(spark, path):
        return []
    rows = (
        spark.read.format("delta")
        .load(path)
        .where(F.col("batch_no").isin(batch_nos))
        .orderBy("batch_no", "dataset", "record_id", "field_name")
        .collect()
    )
    return [
        f"{r.batch_no} {r.dataset} {r.record_id} [{r.check_category}] {r.message} "
        f"({r.feedback_date})"
        for r in rows
    ]


def trail(spark, settings: Settings, record_id: str) -> list[str]:
    rows = (
        ledger.records(spark, settings)
        .where(F.col("cd_id") == record_id)
        .orderBy("batch_no", "dataset")
        .collect()
    )
    if not rows:
        return [f"record {record_id} was never sent"]
    return [
        f"{r.batch_no} {r.dataset} {r.cd_operation} at {r.cd_time} from source version "
        f"{r.source_version}: {r._source_file or '-'} row {r._row_number or '-'} "
        f"(bronze batch {r._batch_id or '-'})"
        for r in rows
    ]


def fix_queue(spark, settings: Settings, department: str | None) -> list[str]:
    feedback.build_fix_queue(spark, settings)
    from delta.tables import DeltaTable

    path = settings.table_path(ledger.LAYER, feedback.FIX_QUEUE)
    if not DeltaTable.isDeltaTable(spark, path):
        return ["no national feedback delivered"]
    df = spark.read.format("delta").load(path)
    if department:
        df = df.where(F.col("department_code") == department)
    rows = df.orderBy("department_code", "status", "record_id", "field_name").collect()
    return [
        f"{r.department_code or '?'} {r.status:<11} {r.dataset} {r.record_id} (batch "
        f"{r.batch_no}) {r.message}"
        + (f" -> {r.resubmitted_operation} in {r.resubmitted_batch}" if r.resubmitted_batch else "")
        for r in rows
    ] or ["nothing in the fix queue"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spark_jobs.exports", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("export")
    p.add_argument("--date", required=True, type=dt.date.fromisoformat)
    p.add_argument("--new-batch", action="store_true")
    for name in ("ack", "reject"):
        p = sub.add_parser(name)
        p.add_argument("batch_no")
        p.add_argument("--note", default="")
    p = sub.add_parser("received")
    p.add_argument("--date", required=True, type=dt.date.fromisoformat)
    p = sub.add_parser("trail")
    p.add_argument("record_id")
    p = sub.add_parser("fix-queue")
    p.add_argument("--department")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    spark = get_spark(settings)
    if args.command == "export":
        manifest = national.export(spark, settings, args.date, new_batch=args.new_batch)
        print(json.dumps(manifest, ensure_ascii=False, indent=2, default=str))
        return 0
    if args.command in ("ack", "reject"):
        status = "acknowledged" if args.command == "ack" else "rejected"
        try:
            ledger.set_status(spark, settings, args.batch_no, status, args.note)
        except (LookupError, ValueError) as exc:
            print(f"exchange: {exc}", file=sys.stderr)
            return 1
        print(f"batch {args.batch_no}: {status}")
        return 0
    lines = {
        "received": lambda: received(spark, settings, args.date),
        "trail": lambda: trail(spark, settings, args.record_id),
        "fix-queue": lambda: fix_queue(spark, settings, args.department),
    }[args.command]()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
