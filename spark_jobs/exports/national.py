"""National export: the run date's supervision actions as UTF-8 JSON Lines plus a manifest.

Layout: exports/national/<run-date>/supervision_actions/part-00000.jsonl … and manifest.json
(dataset, run date, row count, sha256 and rows per file, contract version). Rows are sorted by
action_id and serialised with sorted keys, so a re-run produces byte-identical files; the
folder is replaced as a whole (`Storage.publish`: rename locally, manifest-last in MinIO).
Only gold columns are exported, and those carry masked personal data only; a guard refuses to
export any column a contract classes as personal data.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from pyspark.sql import functions as F

from spark_jobs.contracts import all_contracts, get_contract
from spark_jobs.core.settings import Settings
from spark_jobs.core.storage import MANIFEST, Storage

DATASET = "supervision_actions"
ROWS_PER_FILE = 100_000


class PersonalDataInExport(RuntimeError):
    """A column classed as personal data was about to leave the lakehouse unmasked."""


def _pii_columns(settings: Settings) -> set[str]:
    return {f.name for c in all_contracts(settings.contract_dir) for f in c.pii_fields}


def _json_default(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def export(spark, settings: Settings, run_date: date) -> dict:
    """Write the export for `run_date` (actions delivered that day) and return its manifest."""
    df = (
        spark.table(f"gold.{DATASET}")
        .where(F.col("delivery_date") == F.lit(run_date))
        .drop(*[c for c in spark.table(f"gold.{DATASET}").columns if c.startswith("_")])
    )
    leaked = _pii_columns(settings) & set(df.columns)
    if leaked:
        raise PersonalDataInExport(f"refusing to export personal data columns {sorted(leaked)}")
    columns = sorted(df.columns)
    rows = df.select(*columns).orderBy("action_id").toLocalIterator()
    files: dict[str, bytes] = {}
    chunk: list[str] = []
    count = 0

    def flush() -> None:
        name = f"{DATASET}/part-{len(files):05d}.jsonl"
        files[name] = "".join(line + "\n" for line in chunk).encode("utf-8")
        chunk.clear()

    for row in rows:
        chunk.append(
            json.dumps(
                row.asDict(),
                ensure_ascii=False,
                sort_keys=True,
                separators=(",", ":"),
                default=_json_default,
            )
        )
        count += 1
        if len(chunk) == ROWS_PER_FILE:
            flush()
    if chunk or not files:
        flush()
    manifest = {
        "dataset": DATASET,
        "run_date": run_date.isoformat(),
        "row_count": count,
        "contract": {
            "name": DATASET,
            "version": get_contract(DATASET, settings.contract_dir).version,
        },
        "columns": columns,
        "files": [
            {
                "path": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "rows": data.count(b"\n") if count else 0,
                "bytes": len(data),
            }
            for name, data in files.items()
        ],
    }
    files[MANIFEST] = (
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")
    prefix = f"exports/national/{run_date.isoformat()}"
    Storage.for_settings(settings).publish(prefix, files)
    manifest["location"] = f"{settings.exports_root}/{run_date.isoformat()}"
    return manifest
