"""What dbt tells people after a run: source freshness and the static docs site.

    source_freshness(settings, exclude, run_date)  # {silver table: status, age in hours...}
    publish_docs(settings, run_date)  # <home>/dbt_docs/index.html, one self-contained file

Freshness reads `_silver_at` (stamped by every silver MERGE) against the thresholds in the
generated `staging/_sources.yml`; a stale source is reported, it does not fail the run (the
quality gate decides what is good enough). The docs site is `dbt docs generate --static`:
one HTML file with the manifest and catalog inlined, so it opens from disk without a server,
with the lineage from every silver source to every mart.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spark_jobs.core.settings import Settings
from spark_jobs.gold.dbt_runner import DbtFailed, dbt_target_path, run_dbt
from spark_jobs.gold.publish import gold_vars


def docs_site_path(settings: Settings) -> Path:
    return settings.home / "dbt_docs" / "index.html"


def _sources_json(settings: Settings) -> Path:
    return dbt_target_path(settings) / "sources.json"


def source_freshness(
    settings: Settings,
    exclude: list[str] | None = None,
    run_date: str | None = None,
    unbuilt: Sequence[str] = (),
) -> dict[str, Any]:
    """`dbt source freshness` of the silver tables (those in `exclude` are not there yet);
    {table: {"status": pass|warn|error|runtime error, "max_loaded_at", "age_hours"}}.

    `run_date` and `unbuilt` are passed as the gold builds pass them (`gold_vars`): freshness
    reads neither, but dbt re-parses the whole project (about 10 s) whenever its vars differ
    from the last call's."""
    args = ["source", "freshness", "--output", str(_sources_json(settings))]
    if exclude:
        args += ["--exclude", *(f"source:silver.{name}" for name in exclude)]
    _sources_json(settings).unlink(missing_ok=True)  # never report an older run's results
    with contextlib.suppress(DbtFailed):  # stale (error_after) is reported below, not raised
        run_dbt(args, settings, vars=gold_vars(run_date, unbuilt) if run_date else None)
    path = _sources_json(settings)
    if not path.is_file():
        return {}
    out = {}
    for r in json.loads(path.read_text("utf-8"))["results"]:
        table = r["unique_id"].rsplit(".", 1)[-1]
        age = r.get("max_loaded_at_time_ago_in_s")
        out[table] = {
            "status": r["status"],
            "max_loaded_at": r.get("max_loaded_at"),
            "age_hours": None if age is None else round(age / 3600, 1),
        }
    return dict(sorted(out.items()))


def publish_docs(settings: Settings, run_date: str, unbuilt: Sequence[str] = ()) -> Path:
    """Generate the static docs site and copy it to `docs_site_path` (replaced atomically).

    The site shows each model's compiled SQL, not each data test's (`--exclude
    resource_type:test`; the tests are listed all the same): compiling about 300 tests ran
    their introspection queries every day. Nor does compiling for the site look up the run
    date or the incremental bound (macros/run_date.sql, macros/incremental.sql). On the
    province's first day, warm: 9.1 s -> 3.1 s (README, "The report's dbt docs")."""
    args = ["docs", "generate", "--static", "--exclude", "resource_type:test"]
    run_dbt(args, settings, vars=gold_vars(run_date, unbuilt))
    built = dbt_target_path(settings) / "static_index.html"
    target = docs_site_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    shutil.copyfile(built, tmp)
    tmp.replace(target)
    return target
