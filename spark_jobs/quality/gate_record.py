"""Which sources failed their quality gate on a run date, for the gold tasks that follow.

The gate task and the gold tasks are separate processes (Airflow tasks), so the gate writes
its verdict to `<home>/quality/gate/<run date>.json`; gold excludes the marts of every source
that failed (and what reads them), exactly as it excludes a source that never delivered.
Gold is never built on a table that failed its gate, and one bad source does not hold back
the other repositories.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from spark_jobs.core.json_files import write_json
from spark_jobs.core.settings import Settings


def gate_record_path(settings: Settings, run_date: str) -> Path:
    return settings.home / "quality" / "gate" / f"{run_date}.json"


def write_gate_record(settings: Settings, run_date: str, failed: Iterable[str]) -> Path:
    """Record the sources that failed the gate on `run_date` (replaced atomically)."""
    path = gate_record_path(settings, run_date)
    write_json(path, {"run_date": run_date, "failed": sorted(set(failed))})
    return path


def failed_gate_sources(settings: Settings, run_date: str) -> list[str]:
    """Sources that failed the gate on `run_date` ([] when the gate has not run for it)."""
    path = gate_record_path(settings, run_date)
    if not path.is_file():
        return []
    return list(json.loads(path.read_text("utf-8"))["failed"])
