"""The bookkeeping of gold builds, beside the lake's own versions: which run dates and
selections were published (`run_dates.json`), what each published build read and left
(`last_builds.json`), and which gold tables a selection owns. `spark_jobs.gold.publish` reads
them to decide whether a build is needed at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from spark_jobs.core.json_files import read_json, write_json
from spark_jobs.core.settings import Settings
from spark_jobs.gold.part_inputs import selection_key
from spark_jobs.pipeline.gold_parts import GOLD_PARTS


def marker_path(settings: Settings) -> Path:
    """The write-audit-publish marker: present only while a build is unpublished."""
    return settings.home / "gold_audit" / "pending.json"


AS_OF_RUN_DATE = "as_of_run_date"  # the dbt tag of models computed on the run date


def run_dates_path(settings: Settings) -> Path:
    return settings.home / "gold_audit" / "run_dates.json"


def published_run_dates(settings: Settings) -> dict[str, list[str]]:
    """{run date (`YYYY-MM-DD`): the selections (`_selection`) published for it}."""
    path = run_dates_path(settings)
    return read_json(path)


def record_run_date(settings: Settings, run_date: str, select: Sequence[str]) -> None:
    dates = published_run_dates(settings)
    done = dates.setdefault(run_date, [])
    if selection_key(select) in done:
        return
    done.append(selection_key(select))
    path = run_dates_path(settings)
    write_json(path, dates)


def kept_as_of(settings: Settings, run_date: str, select: Sequence[str] = ()) -> str | None:
    """The newer published run date that makes a re-run of `run_date` keep its run-date
    models, or None. Only a selection already published for `run_date` is kept: one that
    never was (it failed that day, say) is computed now, even after a later date."""
    dates = published_run_dates(settings)
    newest = max(dates, default=None)
    if newest is None or newest <= run_date:
        return None
    return newest if selection_key(select) in dates.get(run_date, []) else None


def _builds_path(settings: Settings) -> Path:
    return marker_path(settings).with_name("last_builds.json")


def last_build(settings: Settings, run_date: str, select: Sequence[str]) -> dict | None:
    """The inputs and resulting gold versions of the last published build of this run date and
    selection: a rerun with the same inputs on the same gold is not rebuilt (no new commit)."""
    path = _builds_path(settings)
    builds = read_json(path)
    return builds.get(f"{run_date} {selection_key(select)}")


def gold_scope(select: Sequence[str]) -> set[str] | None:
    """The gold tables a build of `select` writes or reads: for one part (`tag:<part>`) its
    own tables and those of the parts it reads, transitively (`pipeline.gold_parts`); None
    (every table) for any other selection. A rerun compares only these: a later part's commit
    does not make an earlier part's build stale."""
    from spark_jobs.pipeline.gold_parts import gold_models

    if len(select) != 1 or not select[0].startswith("tag:"):
        return None
    part = select[0].removeprefix("tag:")
    if part not in GOLD_PARTS:
        return None
    parts, todo = set(), [part]
    while todo:
        current = todo.pop()
        if current not in parts:
            parts.add(current)
            todo.extend(GOLD_PARTS[current])
    return {table for p in parts for table in gold_models(p)}


def scoped_versions(gold: Mapping[str, int], scope: set[str] | None) -> dict[str, int]:
    return {t: v for t, v in gold.items() if scope is None or t in scope}


def marts_unchanged(settings: Settings, select: Sequence[str], marts: str, gold: dict) -> bool:
    """Whether a published build of any run date read the same silver, project, selection and
    exclusions (`marts`: `build_inputs` without a run date) and left gold as it is now. A
    rerun of an earlier date keeps the run-date models and rebuilds only the marts, which do
    not read the run date (every model that does is tagged as_of_run_date): from the same
    inputs they would come out the same, so nothing is rebuilt. Without this, re-running
    days 1 and 2 after day 3 rebuilt every mart twice, and then day 3 again."""
    path = _builds_path(settings)
    builds = read_json(path)
    suffix = f" {selection_key(select)}"
    return any(
        key.endswith(suffix) and b.get("marts") == marts and b.get("gold") == gold
        for key, b in builds.items()
    )


def part_unchanged(settings: Settings, select: Sequence[str], part: str, gold: dict) -> bool:
    """Whether a published build of this one part, on any run date, read the same tables,
    project and vars (`part`: `part_inputs.part_fingerprint`) and left its gold as it is now."""
    suffix = f" {selection_key(select)}"
    return any(
        key.endswith(suffix) and b.get("part") == part and b.get("gold") == gold
        for key, b in read_json(_builds_path(settings)).items()
    )


def record_build(settings: Settings, run_date: str, select: Sequence[str], build: dict) -> None:
    path = _builds_path(settings)
    builds = read_json(path)
    builds[f"{run_date} {selection_key(select)}"] = build
    write_json(path, builds)
