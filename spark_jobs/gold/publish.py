"""Write, audit, publish: a gold build whose tests fail is not published.

`dbt build` writes a mart, then runs its tests: a failing test leaves the mart written. So
every gold build goes through `build_and_publish`:

1. *recover*: if a previous build crashed after writing (its marker is still there), restore
   the versions that build started from, so a half-built gold is never what analysts see;
2. *write*: record every gold table's current Delta version in a marker file, then
   `dbt build` (models and their tests, in dependency order);
3. *audit*: dbt fails when any test of the selection fails (`DbtFailed`);
4. *publish* or *roll back*: on success the marker is removed and the new versions stand; on
   failure every gold table this build changed is `RESTORE`d to its version before the build
   (a table the build created is removed), then `GoldNotPublished` is raised with dbt's
   failures. A build publishes all of its marts or none of them.

Restoring is a new Delta commit with the old content: analysts and the national export read
exactly the rows they read before; time travel still shows the rejected version for audit.
A reader querying during the few seconds between dbt's write and the restore can see the
unaudited version (docs/layers.md, "gold": the alternative, building into a second location
and copying on success, doubles the write cost of every mart).

A build whose inputs are those of the last published build of the same run date and
selection (every silver table's version, the dbt project's files, the vars, the excluded
sources; `build_inputs`), on gold as that build left it, is not run again: a rerun of a
processed day adds no gold commit (`last_builds.json` next to the marker). On a new run date
the same holds per part: a part without models computed on the run date, whose tables outside
gold (`part_inputs.tables_read`), project and vars are those of its last published build, on
gold as that build left it, is not built again (on the province's later days the officers',
third-party and knowledge parts, whose sources sent nothing new).

Both answers, and "every model of this part waits for a source left out" (dbt would find
nothing to do: seven of the eleven parts on the demo delivery), are known from the lake's files
on a local lake: `build_without_spark` gives them before a JVM starts, which a scheduler's
gold task (a process of its own) otherwise paid about 10 s for.

Only marts whose silver sources exist and passed their quality gate on the run date are
built: a source that has never delivered, or failed its gate (`quality/gate_record.py`),
excludes its models and everything downstream (`--exclude source:silver.<name>+`), reported
in the result instead of failing the build.

Re-running a date older than the newest date gold was published for (a backfill, or a re-run
after a later day) rebuilds the marts, which hold the current state, but leaves the models
computed *on the run date* (tag `as_of_run_date`: metrics, risk, credit classes) and what
depends on them as they are: a day's indicators are what was reported for that day, and the
later day's current-state tables must not be put back to an earlier day. `recompute_past=True`
recomputes them from the current marts (after a fix in their SQL, say).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from spark_jobs.contracts import all_contracts
from spark_jobs.core.catalog import lake_tables
from spark_jobs.core.delta import latest_version
from spark_jobs.core.json_files import write_json
from spark_jobs.core.session import get_spark
from spark_jobs.core.settings import Settings
from spark_jobs.gold.build_records import (
    AS_OF_RUN_DATE,
    gold_scope,
    kept_as_of,
    last_build,
    marker_path,
    marts_unchanged,
    part_unchanged,
    record_build,
    record_run_date,
    scoped_versions,
)
from spark_jobs.gold.dbt_runner import PROJECT_DIR, DbtFailed, run_dbt
from spark_jobs.gold.part_inputs import (
    build_inputs,
    input_versions,
    nothing_to_build,
    part_fingerprint,
    selection_key,
)
from spark_jobs.pipeline.gold_parts import GOLD_PARTS
from spark_jobs.quality.gate_record import failed_gate_sources

log = logging.getLogger(__name__)


class GoldNotPublished(RuntimeError):
    """dbt failed: the gold tables it changed were restored to their versions before it."""

    def __init__(self, failed: DbtFailed, restored: dict[str, int | None]):
        self.failures = failed.failures
        self.restored = restored
        kept = ", ".join(
            f"gold.{t} (version {v})" if v is not None else f"gold.{t} (removed: new)"
            for t, v in sorted(restored.items())
        )
        super().__init__(f"{failed}\nnot published; restored: {kept or 'nothing had changed'}")


def gold_versions(spark, settings: Settings) -> dict[str, int]:
    """{table: latest Delta version} of every gold table in the lake."""
    return {
        table: latest_version(spark, location)
        for layer, table, location in lake_tables(settings)
        if layer == "gold"
    }


def _remove_table(spark, settings: Settings, table: str) -> None:
    """Delete a gold table this build created (local disk or S3A alike) and its name."""
    location = settings.table_path("gold", table)
    jpath = spark._jvm.org.apache.hadoop.fs.Path(location)
    jpath.getFileSystem(spark._jsc.hadoopConfiguration()).delete(jpath, True)
    spark.sql(f"DROP TABLE IF EXISTS gold.{table}")


def restore(spark, settings: Settings, before: Mapping[str, int]) -> dict[str, int | None]:
    """Put every gold table back to its version in `before`; return what was changed back
    ({table: version}, None for a table removed because it did not exist before)."""
    restored: dict[str, int | None] = {}
    now = gold_versions(spark, settings)
    for table, version in sorted(now.items()):
        if table not in before:
            _remove_table(spark, settings, table)
            restored[table] = None
        elif version != before[table]:
            location = settings.table_path("gold", table)
            spark.sql(f"RESTORE TABLE delta.`{location}` TO VERSION AS OF {before[table]}")
            restored[table] = before[table]
    if restored:
        log.warning("gold not published, restored: %s", restored)
    return restored


def recover(spark, settings: Settings) -> dict[str, int | None]:
    """Undo a build that crashed before publishing (its marker is still there)."""
    marker = marker_path(settings)
    if not marker.is_file():
        return {}
    before = json.loads(marker.read_text("utf-8"))["versions"]
    restored = restore(spark, settings, before)
    marker.unlink()
    return restored


def missing_sources(spark, settings: Settings) -> list[str]:
    """Contracts with no silver table yet (never delivered): their marts cannot be built."""
    present = {t for layer, t, _ in lake_tables(settings) if layer == "silver"}
    return sorted(c.name for c in all_contracts(settings.contract_dir) if c.name not in present)


def unbuilt_sources(spark, settings: Settings, run_date: str) -> tuple[list[str], list[str]]:
    """(missing, held): the sources with no silver table yet, and those that failed the gate
    on `run_date`. A gold build leaves out their marts and what depends on them."""
    missing = missing_sources(spark, settings)
    held = [s for s in failed_gate_sources(settings, run_date) if s not in missing]
    return missing, held


def gold_vars(run_date: str, unbuilt: Sequence[str]) -> dict[str, Any]:
    """The dbt vars of every gold command of `run_date`: the run date, and the sources the
    build leaves out, which models that can stand without a source read as published instead
    (int_item_retirements). Every dbt call of a run passes the same vars: dbt re-parses the
    whole project whenever they differ from the last call's."""
    return {"run_date": run_date, "unbuilt_sources": sorted(unbuilt)}


def combined_column_tests() -> list[str]:
    """The kinds of column test (dbt var `declared_column_checks`) that the generic test
    `declared_column_checks` runs in one query per model (dbt_project/tests/generic/): about
    170 Spark queries of a gold build become about 50 (docs/pitfalls.md, "A dbt test is a
    Spark query")."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text("utf-8"))
    return list(project["vars"]["declared_column_checks"])


def build_args(
    select: Sequence[str], missing: Sequence[str], keep_as_of: bool = False
) -> list[str]:
    """`dbt build` of `select` (everything when empty) without what depends on `missing`, and,
    with `keep_as_of`, without the models computed on the run date and their descendants.
    The column tests that each model's `declared_column_checks` test runs together are left
    out (`combined_column_tests`)."""
    args = ["build"]
    if select:
        # `buildable`: a test runs when all its parents are selected or upstream of the
        # selection. dbt's default (`eager`) would run the actions -> catalog relationships test
        # with the catalog's part, before the actions mart exists.
        args += ["--select", *select, "--indirect-selection", "buildable"]
    exclude = [f"source:silver.{name}+" for name in missing]
    if keep_as_of:
        exclude.append(f"tag:{AS_OF_RUN_DATE}+")
    # each model's declared_column_checks test runs these column tests in one query
    exclude += [f"test_name:{kind}" for kind in combined_column_tests()]
    if exclude:
        args += ["--exclude", *exclude]
    return args


def plan_build(
    spark,
    settings: Settings,
    run_date: str,
    select: Sequence[str],
    vars: Mapping[str, Any] | None,
    recompute_past: bool,
) -> dict[str, Any]:
    """What a build of `select` would leave out and read, and whether it is `unchanged` (its
    inputs and gold are those a published build left: not built again). `spark` may be None
    on a local lake: every version is then read from the `_delta_log` listings by Python.
    Silent: `build_without_spark` plans before `build_and_publish` may plan again, and what is
    left out is logged once, by the one that acts (`_log_plan`)."""
    missing, held = unbuilt_sources(spark, settings, run_date)
    newest = None if recompute_past else kept_as_of(settings, run_date, select)
    keep_as_of = newest is not None
    before = gold_versions(spark, settings)
    excluded = [*missing, *held]
    versions = input_versions(spark, settings)  # the lake listed once for both fingerprints
    inputs = build_inputs(versions, run_date, select, excluded, keep_as_of, vars)
    marts = build_inputs(versions, None, select, excluded, keep_as_of, vars)
    scoped = scoped_versions(before, gold_scope(select))
    tag = _part(select)
    part = part_fingerprint(versions, tag, excluded, vars) if tag else None
    last = last_build(settings, run_date, select)
    unchanged = (
        (last is not None and (last["inputs"], last["gold"]) == (inputs, scoped))
        or (keep_as_of and marts_unchanged(settings, select, marts, scoped))
        or (part is not None and part_unchanged(settings, select, part, scoped))
    )
    return {
        "missing": missing,
        "held": held,
        "kept_as_of": newest,
        "before": before,
        "inputs": inputs,
        "marts": marts,
        "part": part,
        "unchanged": unchanged,
    }


def _log_plan(plan: dict, run_date: str) -> None:
    """What a build of `plan` leaves out or keeps, for the task's log."""
    if plan["missing"]:
        log.warning("gold: no silver table yet for %s; their marts are skipped", plan["missing"])
    if plan["held"]:
        log.warning(
            "gold: %s failed the quality gate on %s; their marts are skipped",
            plan["held"],
            run_date,
        )
    if plan["kept_as_of"] is not None:
        log.warning(
            "gold: %s is older than the newest published run date %s; the models computed "
            "on the run date (tag %s) are kept as published",
            run_date,
            plan["kept_as_of"],
            AS_OF_RUN_DATE,
        )


def _part(select: Sequence[str]) -> str | None:
    """The gold part a selection is (`tag:<part>`), or None."""
    tag = select[0].removeprefix("tag:") if len(select) == 1 else None
    return tag if tag in GOLD_PARTS else None


def _not_built(
    settings: Settings,
    run_date: str,
    select: Sequence[str],
    plan: dict,
    recovered: dict,
    why: str = "unchanged",
) -> dict[str, Any]:
    """Record a build that had nothing to do as published (its gold as it is) and say why:
    `unchanged` (what it reads is what its last published build read) or `nothing_to_build`
    (every model of it is left out)."""
    if why == "unchanged":
        message = "gold: nothing %s reads changed since its last build: not rebuilt"
    else:
        message = "gold: every model of %s waits for a source left out: nothing to build"
    log.info(message, selection_key(select))
    record_run_date(settings, run_date, select)
    scoped = scoped_versions(plan["before"], gold_scope(select))
    record = {
        "inputs": plan["inputs"],
        "gold": scoped,
        "marts": plan["marts"],
        "part": plan["part"],
    }
    record_build(settings, run_date, select, record)
    return {
        "published": {},
        "skipped_sources": plan["missing"],
        "held_by_gate": plan["held"],
        "recovered": recovered,
        "kept_as_of": plan["kept_as_of"],
        why: True,
    }


def build_without_spark(
    settings: Settings,
    run_date: str,
    select: Sequence[str],
    vars: Mapping[str, Any] | None = None,
    recompute_past: bool = False,
) -> dict[str, Any] | None:
    """`build_and_publish`'s result when it is known without starting Spark, else None: on a
    local lake with no crashed build to recover, a part whose inputs did not change, or whose
    every model is left out (its sources never delivered or failed the gate, so dbt would find
    nothing to do). A scheduler runs each gold part in a process of its own, where starting
    the JVM, registering the lake and starting dbt cost about 10 s for that answer."""
    if "://" in settings.lake_root or marker_path(settings).is_file():
        return None
    plan = plan_build(None, settings, run_date, select, vars, recompute_past)
    tag = _part(select)
    idle = (
        tag is not None
        and plan["kept_as_of"] is None
        and nothing_to_build(tag, [*plan["missing"], *plan["held"]])
    )
    if not (plan["unchanged"] or idle):
        return None
    _log_plan(plan, run_date)
    why = "unchanged" if plan["unchanged"] else "nothing_to_build"
    return _not_built(settings, run_date, select, plan, {}, why)


def build_and_publish(
    settings: Settings,
    run_date: str,
    select: Sequence[str] = (),
    vars: Mapping[str, Any] | None = None,
    recompute_past: bool = False,
) -> dict[str, Any]:
    """Build, test and publish the gold models of `select` (dbt selectors; all when empty).

    Returns {"published": {table: version}, "skipped_sources": [...] (no silver table),
    "held_by_gate": [...] (failed the gate on `run_date`), "recovered": {...},
    "kept_as_of": the newer run date whose run-date models were kept, or None}.
    Raises GoldNotPublished (gold as it was before) when a model or a test fails.
    """
    spark = get_spark(settings)
    recovered = recover(spark, settings)
    plan = plan_build(spark, settings, run_date, select, vars, recompute_past)
    _log_plan(plan, run_date)
    if plan["unchanged"]:
        return _not_built(settings, run_date, select, plan, recovered)
    missing, held, newest = plan["missing"], plan["held"], plan["kept_as_of"]
    keep_as_of, before, scope = newest is not None, plan["before"], gold_scope(select)
    inputs, marts, part = plan["inputs"], plan["marts"], plan["part"]
    marker = marker_path(settings)
    write_json(marker, {"run_date": run_date, "versions": before})
    try:
        run_dbt(
            # No manifest.json or run_results.json: dbt writes the manifest twice per call
            # (0.5-1 s a gold part on the province), each part would overwrite the previous
            # part's files, and a failure is raised with dbt's messages. The report task's
            # `docs generate` writes the manifest and the catalog of the day.
            [*build_args(select, [*missing, *held], keep_as_of), "--no-write-json"],
            settings,
            vars={**gold_vars(run_date, [*missing, *held]), **(vars or {})},
        )
    except DbtFailed as failed:
        restored = restore(spark, settings, before)
        marker.unlink()
        raise GoldNotPublished(failed, restored) from failed
    marker.unlink()
    record_run_date(settings, run_date, select)
    after = gold_versions(spark, settings)
    record_build(
        settings,
        run_date,
        select,
        {"inputs": inputs, "gold": scoped_versions(after, scope), "marts": marts, "part": part},
    )
    return {
        "published": {t: v for t, v in after.items() if before.get(t) != v},
        "skipped_sources": missing,
        "held_by_gate": held,
        "recovered": recovered,
        "kept_as_of": newest,
    }
