"""Housekeeping of the lake and of the quality outputs: what the daily maintenance DAG calls.

- `optimize_tables`: OPTIMIZE (bin-packing compaction) of every Delta table of the lake
  (`catalog.lake_tables`): the many small files of daily appends and MERGEs become few.
- `vacuum_tables`: VACUUM with a retention that keeps the time travel the exports promise. The
  national exchange reads the change data feed and time travel of the tables from its last
  acknowledged batch, so the data files of every version younger than the retention must stay:
  the default is 720 hours (30 days, Delta's default log retention too), and nothing below
  Delta's own 7-day safety floor is accepted unless `LAKEHOUSE_VACUUM_ALLOW_SHORT_RETENTION=1`.
- `enable_deletion_vectors`: deletion vectors on every table of a lake made before they were
  the session's default, so that its MERGEs stop copying whole files.
- `drop_unread_change_feeds`: the change data feed off on every table the national exchange
  does not read (a lake made when dbt turned it on for every mart): with the feed on, each
  MERGE that updates rows writes their pre- and post-images too.
- `prune_quality_outputs`: Great Expectations validation results, their Data Docs pages, the
  quality reports, run reports and gate records older than `LAKEHOUSE_QUALITY_RETENTION_DAYS`
  (default 90) by modification time; the quality reports index is rebuilt afterwards.

Every step is idempotent (a second run finds nothing to do) and returns what it did, per table:
files before and after, files removed and bytes freed. Delta tables are reached by path
(local or s3a://) through Spark's Hadoop file system, so sizes are counted the same way in both
modes. Run one at a time with the pipeline (the DAG's `lakehouse_spark` pool): OPTIMIZE commits
to the tables the pipeline writes.

    python -m spark_jobs.core.maintenance [deletion-vectors|change-feeds|optimize|vacuum|prune]...
    (default: all)
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from spark_jobs.core.catalog import lake_tables
from spark_jobs.core.delta import CHANGE_FEED, DELETION_VECTORS, property_on
from spark_jobs.core.session import session_conf
from spark_jobs.core.settings import Settings

DELTA_SAFETY_HOURS = 168  # Delta's default delta.deletedFileRetentionDuration (7 days)
LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism"
DEFAULT_VACUUM_HOURS = 720  # 30 days: the exports' time travel window (see the docstring)
DEFAULT_QUALITY_DAYS = 90


@dataclass(frozen=True)
class MaintenancePolicy:
    """Retention settings, from the environment (read where they are used; secrets-free)."""

    vacuum_retention_hours: int = DEFAULT_VACUUM_HOURS
    allow_short_retention: bool = False
    quality_retention_days: int = DEFAULT_QUALITY_DAYS

    @classmethod
    def from_env(cls) -> MaintenancePolicy:
        def number(name: str, default: int) -> int:
            text = os.environ.get(name, "").strip()
            if not text:
                return default
            value = int(text)
            if value < 0:
                raise ValueError(f"{name} must not be negative, not {value}")
            return value

        flag = os.environ.get("LAKEHOUSE_VACUUM_ALLOW_SHORT_RETENTION", "").strip().lower()
        policy = cls(
            vacuum_retention_hours=number("LAKEHOUSE_VACUUM_RETENTION_HOURS", DEFAULT_VACUUM_HOURS),
            allow_short_retention=flag in ("1", "true", "yes"),
            quality_retention_days=number("LAKEHOUSE_QUALITY_RETENTION_DAYS", DEFAULT_QUALITY_DAYS),
        )
        policy.check()
        return policy

    def check(self) -> None:
        if self.vacuum_retention_hours < DELTA_SAFETY_HOURS and not self.allow_short_retention:
            raise ValueError(
                f"VACUUM retention {self.vacuum_retention_hours} h is below Delta's "
                f"{DELTA_SAFETY_HOURS} h safety floor: time travel and the change data feed the "
                "exports read would lose versions; set LAKEHOUSE_VACUUM_ALLOW_SHORT_RETENTION=1 "
                "to do it anyway"
            )


# --- the lake ---------------------------------------------------------------------------------


def _data_files(spark, path: str) -> tuple[int, int]:
    """(files, bytes) under a table's folder, its `_delta_log` excluded (Hadoop FS: any mode)."""
    jvm = spark._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    fs = hpath.getFileSystem(spark._jsc.hadoopConfiguration())
    files = size = 0
    it = fs.listFiles(hpath, True)
    while it.hasNext():
        status = it.next()
        if "/_delta_log/" in str(status.getPath().toString()):
            continue
        files += 1
        size += int(status.getLen())
    return files, size


def _tables(settings: Settings, only: list[str] | None) -> list[tuple[str, str, str]]:
    tables = lake_tables(settings)
    if only is not None:
        tables = [t for t in tables if f"{t[0]}.{t[1]}" in only]
    return tables


def optimize_tables(spark, settings: Settings, only: list[str] | None = None) -> dict:
    """OPTIMIZE every Delta table of the lake (or the `<layer>.<table>` names in `only`)."""
    out = {}
    for layer, table, path in _tables(settings, only):
        active_before = spark.sql(f"DESCRIBE DETAIL delta.`{path}`").first()["numFiles"]
        metrics = spark.sql(f"OPTIMIZE delta.`{path}`").first()["metrics"]
        active_after = spark.sql(f"DESCRIBE DETAIL delta.`{path}`").first()["numFiles"]
        out[f"{layer}.{table}"] = {
            "files_before": int(active_before),
            "files_after": int(active_after),
            "files_added": int(metrics["numFilesAdded"]),
            "files_removed": int(metrics["numFilesRemoved"]),  # from the table, still on disk
        }
    return {
        "tables": out,
        "compacted": sorted(t for t, r in out.items() if r["files_removed"]),
    }


def enable_deletion_vectors(spark, settings: Settings, only: list[str] | None = None) -> dict:
    """Switch deletion vectors on for every table created before the session default did
    (`spark_jobs/core/session.py`): a MERGE then marks the rows it replaces instead of copying
    the rest of their files. One commit per table that lacked it; a second run changes nothing.
    Readers need Delta 2.3 or later (the table's reader version becomes 3)."""
    upgraded = []
    for layer, table, path in _tables(settings, only):
        if not property_on(spark, path, DELETION_VECTORS):
            spark.sql(f"ALTER TABLE delta.`{path}` SET TBLPROPERTIES ('{DELETION_VECTORS}' = true)")
            upgraded.append(f"{layer}.{table}")
    return {"upgraded": upgraded}


def drop_unread_change_feeds(
    spark, settings: Settings, read: set[str], only: list[str] | None = None
) -> dict:
    """Turn the change data feed off on every table not in `read` (the `<layer>.<table>` names
    whose feed the national exchange reads: `spark_jobs.exports.datasets.feed_tables`). One
    commit per table that had it; a second run changes nothing. A table's feed that is turned on
    again later starts at that version (the exchange's first batch of it is then a snapshot)."""
    dropped = []
    for layer, table, path in _tables(settings, only):
        if f"{layer}.{table}" in read:
            continue
        if property_on(spark, path, CHANGE_FEED):
            spark.sql(f"ALTER TABLE delta.`{path}` SET TBLPROPERTIES ('{CHANGE_FEED}' = false)")
            dropped.append(f"{layer}.{table}")
    return {"dropped": dropped}


def vacuum_tables(
    spark,
    settings: Settings,
    policy: MaintenancePolicy | None = None,
    only: list[str] | None = None,
) -> dict:
    """VACUUM every Delta table with the policy's retention; files and bytes removed per table."""
    policy = policy or MaintenancePolicy.from_env()
    policy.check()
    hours = policy.vacuum_retention_hours
    # VACUUM lists the table's folder in a Spark job of LISTING_PARALLELISM tasks (Spark's
    # default: 10,000). On 2 cores that job alone took 20-30 s for a table of five files; one
    # task per core: 2-3 s. A cluster gets its own core count.
    conf = {LISTING_PARALLELISM: str(spark.sparkContext.defaultParallelism)}
    if hours < DELTA_SAFETY_HOURS:  # explicitly allowed (policy.check)
        conf["spark.databricks.delta.retentionDurationCheck.enabled"] = "false"
    out = {}
    with session_conf(spark, conf):
        for layer, table, path in _tables(settings, only):
            files_before, bytes_before = _data_files(spark, path)
            spark.sql(f"VACUUM delta.`{path}` RETAIN {hours} HOURS")
            files_after, bytes_after = _data_files(spark, path)
            out[f"{layer}.{table}"] = {
                "files_before": files_before,
                "files_removed": files_before - files_after,
                "bytes_removed": bytes_before - bytes_after,
            }
    return {
        "retention_hours": hours,
        "tables": out,
        "files_removed": sum(r["files_removed"] for r in out.values()),
        "bytes_removed": sum(r["bytes_removed"] for r in out.values()),
    }


# --- quality outputs --------------------------------------------------------------------------


def quality_output_roots(settings: Settings) -> dict[str, Path]:
    """Where validation results and reports accumulate, one folder per kind (all local)."""
    home = Path(settings.home)
    return {
        "validation_results": home / "gx" / "uncommitted" / "validations",
        "data_docs_pages": Path(settings.data_docs_dir) / "validations",
        "quality_reports": home / "reports" / "quality",
        "run_reports": home / "reports",
        "gate_records": home / "quality" / "gate",
    }


def _old_files(root: Path, kind: str, cutoff: float) -> list[Path]:
    if not root.is_dir():
        return []
    if kind == "run_reports":  # reports/run-<date>.json only; reports/quality has its own kind
        candidates = list(root.glob("run-*.json"))
    elif kind == "quality_reports":  # the per-date folders, never the index
        candidates = [p for d in root.iterdir() if d.is_dir() for p in d.rglob("*")]
    else:
        candidates = list(root.rglob("*"))
    return sorted(
        p
        for p in candidates
        if p.is_file() and not p.name.startswith(".") and p.stat().st_mtime < cutoff
    )


def _remove_empty_dirs(root: Path) -> None:
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def prune_quality_outputs(
    settings: Settings, policy: MaintenancePolicy | None = None, now: datetime | None = None
) -> dict:
    """Delete validation results, Data Docs pages, quality and run reports and gate records
    last written more than `quality_retention_days` ago; empty folders go too. The quality
    reports index is rewritten when a report was removed."""
    policy = policy or MaintenancePolicy.from_env()
    now = now or datetime.now(UTC)
    cutoff = (now - timedelta(days=policy.quality_retention_days)).timestamp()
    out = {}
    for kind, root in quality_output_roots(settings).items():
        files = _old_files(root, kind, cutoff)
        size = sum(p.stat().st_size for p in files)
        for p in files:
            p.unlink()
        if root.is_dir() and kind != "run_reports":
            _remove_empty_dirs(root)
        out[kind] = {"folder": str(root), "files_removed": len(files), "bytes_removed": size}
    if out["quality_reports"]["files_removed"]:
        from spark_jobs.quality.report import write_index

        write_index(settings)
    return {
        "retention_days": policy.quality_retention_days,
        "kinds": out,
        "files_removed": sum(r["files_removed"] for r in out.values()),
        "bytes_removed": sum(r["bytes_removed"] for r in out.values()),
    }


def main(argv: list[str]) -> int:
    steps = argv or ["deletion-vectors", "change-feeds", "optimize", "vacuum", "prune"]
    settings = Settings.from_env()
    policy = MaintenancePolicy.from_env()
    out: dict = {}
    if "prune" in steps:
        out["prune"] = prune_quality_outputs(settings, policy)
    if {"deletion-vectors", "change-feeds", "optimize", "vacuum"} & set(steps):
        from spark_jobs.core.session import get_spark

        spark = get_spark(settings)
        if "deletion-vectors" in steps:
            out["deletion-vectors"] = enable_deletion_vectors(spark, settings)
        if "change-feeds" in steps:
            from spark_jobs.exports.datasets import feed_tables

            out["change-feeds"] = drop_unread_change_feeds(spark, settings, feed_tables())
        if "optimize" in steps:
            out["optimize"] = optimize_tables(spark, settings)
        if "vacuum" in steps:
            out["vacuum"] = vacuum_tables(spark, settings, policy)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
