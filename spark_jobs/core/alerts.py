"""Alerts for the people on call: one JSON line per alert in `<home>/alerts/alerts.jsonl`.

Written by the DAGs' shared on-failure callback (`dags/common/alerts.py`: any task that ends
failed), by the quality gate (sources that failed their suite) and by the late-feed check
(`spark_jobs.core.arrivals`). Plain files on purpose, not a Delta table: an alert must be
written when the failure is Spark itself (a JVM that does not start, a full disk for
spark-tmp), so writing one needs nothing but Python. Append-only (`O_APPEND` under a file
lock, one line per alert): nothing rewrites or removes alerts.

    python -m spark_jobs.core.alerts [N]     the last N alerts (default 20), newest last
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from spark_jobs.core.settings import Settings

log = logging.getLogger(__name__)

KINDS = ("task_failed", "quality_gate", "late_feed")
SEVERITIES = ("error", "warning")
FIELDS = (
    "alert_id",
    "raised_at",
    "kind",
    "severity",
    "dag_id",
    "task_id",
    "run_id",
    "run_date",
    "try_number",
    "sources",
    "message",
    "exception",
    "log",
)


def alerts_path(settings: Settings) -> Path:
    return settings.home / "alerts" / "alerts.jsonl"


def record_alert(
    settings: Settings,
    *,
    kind: str,
    message: str,
    severity: str = "error",
    dag_id: str | None = None,
    task_id: str | None = None,
    run_id: str | None = None,
    run_date: str | None = None,
    try_number: int | None = None,
    sources: Iterable[str] = (),
    exception: str | None = None,
    log_hint: str | None = None,
) -> dict:
    """Append one alert (FIELDS) and log it as one ERROR/WARNING line; return the record."""
    if kind not in KINDS:
        raise ValueError(f"alert kind {kind!r}: one of {KINDS}")
    if severity not in SEVERITIES:
        raise ValueError(f"alert severity {severity!r}: one of {SEVERITIES}")
    source_list = sorted(set(sources))
    record: dict = {
        "raised_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kind": kind,
        "severity": severity,
        "dag_id": dag_id,
        "task_id": task_id,
        "run_id": run_id,
        "run_date": run_date,
        "try_number": try_number,
        "sources": source_list,
        "message": message,
        "exception": exception,
        "log": log_hint,
    }
    key = json.dumps({k: v for k, v in record.items() if k != "raised_at"}, sort_keys=True)
    record = {"alert_id": hashlib.sha256(key.encode()).hexdigest()[:16], **record}
    path = alerts_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # one whole line per writer, even across processes
        os.write(fd, line)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    where = " ".join(
        f"{k}={record[k]}" for k in ("dag_id", "task_id", "run_id", "run_date") if record[k]
    )
    sources_text = f" sources={','.join(source_list)}" if source_list else ""
    log.log(
        logging.ERROR if severity == "error" else logging.WARNING,
        "ALERT %s [%s] %s%s: %s (alert %s in %s)",
        kind,
        severity,
        where,
        sources_text,
        message.splitlines()[0] if message else "",
        record["alert_id"],
        path,
    )
    return record


def read_alerts(settings: Settings) -> list[dict]:
    """Every alert, oldest first (a torn last line, if any, is skipped)."""
    path = alerts_path(settings)
    if not path.is_file():
        return []
    out = []
    for line in path.read_text("utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def main(argv: list[str]) -> int:
    settings = Settings.from_env()
    count = int(argv[0]) if argv else 20
    alerts = read_alerts(settings)
    for a in alerts[-count:]:
        sources = f" [{', '.join(a['sources'])}]" if a.get("sources") else ""
        where = ".".join(x for x in (a.get("dag_id"), a.get("task_id")) if x)
        print(
            f"{a['raised_at']} {a['severity'].upper():7} {a['kind']:12} {where} "
            f"{a.get('run_date') or ''}{sources}: {(a.get('message') or '').splitlines()[0]}"
        )
    print(f"{len(alerts)} alerts in {alerts_path(settings)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
