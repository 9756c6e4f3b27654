"""kill -9 at every stage of a day, on real processes, then a rerun: the same lake and exports
as a run that was never killed.

Each run is `python -m tests.faults.day` (the day's tasks in one process, `day.py`) in a
process group of its own; the kill is SIGKILL to the whole group (the Python driver and its
Spark JVM), sent from here when the child reaches the stage (`--at`, a marker file) and, for
the Delta writes, when the first data file of the commit is on disk (files written, the log
entry not yet). The kills run one after another on one lake, each run recovering from the one
killed before it, and a last run finishes the day. Compared with a clean run of the same
delivery, table by table (every row, counted: none lost, none doubled; commit times left out)
and export by export (every record; the commit time `cd_time` and the Delta versions left out).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.faults.processes import DAY, at_marker, at_new_data_file, new_home, run_child

pytestmark = pytest.mark.slow


def lake_state(spark, home: Path) -> dict[str, Counter]:
    """Every Delta table of the lake as a multiset of rows, left out what differs between two
    runs of the same data: timestamp columns (commit and load times), the export ledger's
    `cd_time` (a commit time as text), dbt snapshots' `dbt_scd_id` (a hash of the key and
    the snapshot time) and the metrics' `_dbt_invocation_id` (the dbt run that wrote the row)."""
    state = {}
    for log in sorted((home / "storage" / "lake").glob("*/*/_delta_log")):
        table = log.parent
        df = spark.read.format("delta").load(str(table))
        keep = [
            f"`{f.name}`"
            for f in df.schema.fields
            if f.dataType.typeName() != "timestamp"
            and f.name not in ("cd_time", "dbt_scd_id", "_dbt_invocation_id")
        ]
        state[f"{table.parent.name}.{table.name}"] = Counter(
            tuple(str(v) for v in row) for row in df.select(*keep).collect()
        )
    return state


def exports_state(home: Path) -> dict[str, object]:
    """Every exported file: JSON Lines as sorted records without `cd_time` (the commit time of
    the change); the manifest without Delta versions and file hashes (they follow cd_time)."""
    root = home / "storage" / "exports"
    state: dict[str, object] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".jsonl":
            records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
            for r in records:
                r.pop("cd_time")
            state[rel] = sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records)
        elif path.name == "manifest.json":
            manifest = json.loads(path.read_text("utf-8"))
            for ds in manifest["datasets"].values():
                ds.pop("from_version"), ds.pop("to_version")
                for f in ds["files"]:
                    f.pop("sha256"), f.pop("bytes")
            state[rel] = manifest
        else:
            state[rel] = path.read_bytes()
    return state


def manifest_problems(home: Path) -> list[str]:
    """Manifests that list a file that is missing or holds other rows than the manifest says."""
    problems = []
    for manifest in (home / "storage" / "exports").rglob("manifest.json"):
        for ds in json.loads(manifest.read_text("utf-8"))["datasets"].values():
            for f in ds["files"]:
                path = manifest.parent / f["path"]
                if not path.exists():
                    problems.append(f"{manifest}: {f['path']} is missing")
                elif len(path.read_text("utf-8").splitlines()) != f["rows"]:
                    problems.append(f"{manifest}: {f['path']} does not hold {f['rows']} rows")
    return problems


def assert_same_lake(expected: dict[str, Counter], actual: dict[str, Counter]) -> None:
    assert sorted(actual) == sorted(expected), "not the same tables"
    for table, rows in expected.items():
        lost, doubled = rows - actual[table], actual[table] - rows
        assert not lost and not doubled, (
            f"{table}: {sum(lost.values())} row(s) lost, {sum(doubled.values())} extra; "
            f"lost e.g. {list(lost)[:2]}, extra e.g. {list(doubled)[:2]}"
        )


@pytest.fixture(scope="module")
def clean(spark, tmp_path_factory) -> dict:
    """A day never killed: its lake, exports and task results."""
    home = new_home(tmp_path_factory.mktemp("clean"))
    result = run_child(home, ["tests.faults.day", DAY]).result()
    return {
        "home": home,
        "result": result,
        "lake": lake_state(spark, home),
        "exports": exports_state(home),
    }


# (stage, the function the child marks, its call that marks, how the kill comes)
KILLS = [
    # the actions folder's one Delta append, once its data file is written (items are call 1)
    ("bronze commit", "spark_jobs.ingest.commit:_commit_once", 2, "bronze/supervision_actions"),
    # every actions file appended, its ops.batch_log rows not yet written
    ("bronze ops rows", "spark_jobs.core.ops:record", 2, None),
    # the actions' silver MERGE, once it writes its first data file
    ("silver MERGE", "spark_jobs.silver.build:_merge", 2, "silver/supervision_actions"),
    # the actions' quality gate, two seconds into Great Expectations
    ("quality gate", "spark_jobs.quality.gate:enforce_quality_gate", 2, 2.0),
    # dbt's build, once it writes a gold data file
    ("dbt build", "spark_jobs.gold.publish:build_and_publish", 1, "gold"),
    # the export's files published, its ledger rows not yet written
    ("export publish", "spark_jobs.exports.ledger:write_records", 1, None),
]


def test_kill_9_at_every_stage_then_a_rerun_is_a_clean_run(spark, clean, tmp_path):
    home = new_home(tmp_path)
    lake = home / "storage" / "lake"
    observed = []
    for stage, target, nth, how in KILLS:
        marker = tmp_path / f"marker-{stage.replace(' ', '-')}"
        argv = ["tests.faults.day", DAY, "--at", target, "--nth", str(nth), "--marker", str(marker)]
        if how is None:
            kill_when = at_marker(marker)
            argv.append("--pause")
        elif isinstance(how, float):
            kill_when = at_marker(marker, delay=how)
        else:
            kill_when = at_new_data_file(marker, lake / how)
        run = run_child(home, argv, kill_when)
        assert run.killed, (
            f"{stage}: the run ended before the kill ({run.returncode}):\n{run.err[-2000:]}"
        )
        assert manifest_problems(home) == [], f"after the kill at {stage}"
        observed.append(stage)
    assert observed == [k[0] for k in KILLS]

    result = run_child(home, ["tests.faults.day", DAY]).result()

    assert_same_lake(clean["lake"], lake_state(spark, home))
    assert exports_state(home) == clean["exports"]
    assert manifest_problems(home) == []
    assert result["export_national"]["records"] == clean["result"]["export_national"]["records"]
    leftovers = [p.name for p in (home / "storage" / "exports").rglob(".*")]
    assert leftovers == [], "temporary export folders left behind"


def _log_versions(home: Path) -> dict[str, int]:
    return {
        f"{log.parent.parent.name}.{log.parent.name}": max(
            int(p.name[:20]) for p in log.glob("*.json") if p.name[:20].isdigit()
        )
        for log in (home / "storage" / "lake").glob("*/*/_delta_log")
    }


def _data_changes(log: Path, version: int) -> list[str]:
    """The actions of a commit that change data (files added or removed with dataChange)."""
    changes = []
    for line in (log / f"{version:020d}.json").read_text("utf-8").splitlines():
        action = json.loads(line)
        for kind in ("add", "remove", "cdc"):
            if kind in action and action[kind].get("dataChange", kind == "cdc"):
                changes.append(f"{kind} {action[kind]['path']}")
    return changes


def test_a_rerun_of_a_processed_day_changes_no_table_and_no_export_byte(clean):
    home = clean["home"]
    exports = home / "storage" / "exports"
    before_bytes = {p: p.read_bytes() for p in exports.rglob("*") if p.is_file()}
    before = _log_versions(home)

    result = run_child(home, ["tests.faults.day", DAY]).result()

    after = _log_versions(home)
    assert sorted(after) == sorted(before)
    lake = home / "storage" / "lake"
    effective = {}
    for table, version in after.items():
        log = lake.joinpath(*table.split("."), "_delta_log")
        for v in range(before[table] + 1, version + 1):
            if change := _data_changes(log, v):
                effective[f"{table}@{v}"] = change[:3]
    assert effective == {}, f"the rerun changed data: {effective}"
    assert {p: p.read_bytes() for p in exports.rglob("*") if p.is_file()} == before_bytes
    assert result["export_national"]["batch_no"] == clean["result"]["export_national"]["batch_no"]
