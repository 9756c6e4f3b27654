"""Which silver tables passed their quality gate in the state they are in now.

The gate validates a whole silver table. On most days only some sources deliver (on the
province's second day, 5 of 18), and a table that has not changed since it passed would pass
again: the gate task keeps that verdict instead of validating it again (about 1 s a table on the
province's first day, and more as the table grows). A table counts as unchanged when its newest
Delta commit is the one it had when it passed (the version and a hash of that commit's log
entry, so a table deleted and made again at the same version is not mistaken for it) and its
suite is the same (a hash of the suite's expectations, hand-written and from the contract).

Only passes are kept: a table that failed is validated again, so its failure is reported with
its Data Docs page every time. The verdicts live in `<home>/quality/gate_passed.json`, written
atomically inside the gate's project lock; losing the file costs one validation per table.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from spark_jobs.core.delta import commit_text, latest_version
from spark_jobs.core.json_files import read_json, write_json
from spark_jobs.core.settings import Settings
from spark_jobs.quality.suites import load_suite_config


def passed_path(settings: Settings) -> Path:
    return settings.home / "quality" / "gate_passed.json"


def table_state(spark, settings: Settings, name: str) -> str:
    """`<version>:<hash of its commit>` of silver.<name> now."""
    location = settings.table_path("silver", name)
    version = latest_version(spark, location)
    commit = hashlib.sha256(commit_text(spark, location, version).encode("utf-8"))
    return f"{version}:{commit.hexdigest()[:16]}"


def suite_fingerprint(settings: Settings, suite: str) -> str:
    config = load_suite_config(suite, settings.contract_dir)
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()[:16]


def passes(settings: Settings) -> dict[str, Any]:
    """Every kept pass, by table name (read once per gate run)."""
    return read_json(passed_path(settings))


def kept_pass(passed: dict[str, Any], name: str, state: str, suite: str) -> dict | None:
    """The pass of silver.<name> (in `passes`) in this state with this suite, or None
    (validate it)."""
    entry = passed.get(name)
    if entry and entry.get("state") == state and entry.get("suite") == suite:
        return entry
    return None


def kept_summary(settings: Settings, kept: dict) -> dict:
    """The gate task's entry for a table whose pass is kept."""
    return {
        "success": True,
        "evaluated": kept["evaluated"],
        "failed": 0,
        "data_docs": str(settings.data_docs_dir / "index.html"),
        "unchanged_since": kept["run_date"],
    }


def verdict(state: str, suite: str, run_date: str, result) -> dict | None:
    """What `remember` keeps of a validation (`gate.GateResult`): its pass, or None."""
    if not result.success:
        return None
    return {"state": state, "suite": suite, "run_date": run_date, "evaluated": result.evaluated}


def remember(settings: Settings, verdicts: dict[str, dict | None]) -> None:
    """Record these tables' passes (`{name: {state, suite, run_date, evaluated}}`) and forget
    the tables that failed today (`{name: None}`)."""
    if not verdicts:
        return
    entries = passes(settings)
    for name, entry in verdicts.items():
        if entry is None:
            entries.pop(name, None)
        else:
            entries[name] = entry
    write_json(passed_path(settings), entries)
