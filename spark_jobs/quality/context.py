"""The Great Expectations project the gate runs in, and the checkpoint of one table and suite.

The GE project lives in `settings.home / "gx"` (outside git), file-backed, with one Data Docs
site (`data_docs.site_config`) and no analytics or progress bars. Datasource, asset, batch
definition, suite, validation definition and checkpoint are added-or-updated on each run, so
re-runs are idempotent; `project_lock` serialises gate runs that share one GE project (its
`great_expectations.yml` is rewritten on changes).
"""

from __future__ import annotations

import contextlib
import fcntl
from typing import Any

from spark_jobs.core.settings import Settings
from spark_jobs.quality import quiet_great_expectations
from spark_jobs.quality.data_docs import DOCS_SITE, site_config
from spark_jobs.quality.suites import RESULT_FORMAT

DATASOURCE = "lakehouse_spark"
BATCH_DEFINITION = "whole_table"


@contextlib.contextmanager
def project_lock(settings: Settings):
    """Hold the GE project under settings.home for one gate run (an exclusive file lock)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    with open(settings.home / ".gx.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def get_gx_context(settings: Settings):
    """The file-backed GE project under settings.home, with one Data Docs site: data_docs_dir."""
    quiet_great_expectations()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(settings.home))
    site: Any = site_config(settings)  # a plain dict where GE's stubs want a TypedDict
    sites = context.list_data_docs_sites()
    changed = False
    for name in list(sites):
        if name != DOCS_SITE:  # GE's default local_site would be a second copy inside gx/
            context.delete_data_docs_site(name)
            changed = True
    if DOCS_SITE not in sites:
        context.add_data_docs_site(DOCS_SITE, site)
        changed = True
    elif sites[DOCS_SITE] != site:
        context.update_data_docs_site(DOCS_SITE, site)
        changed = True
    bars = context.variables.progress_bars
    globally = bars.get("globally") if isinstance(bars, dict) else getattr(bars, "globally", None)
    if globally is not False:
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        changed = True
    if context.config.analytics_enabled is not False:
        context.config.analytics_enabled = False
        changed = True
    if changed:
        context.variables.save()
    return context


def _safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def checkpoint_for(context, table: str, suite):
    """Add or update datasource → asset → batch definition, suite, validation, checkpoint."""
    import great_expectations as gx

    try:
        ds = context.data_sources.get(DATASOURCE)
    except (KeyError, ValueError, LookupError):
        # persist=False: the gate caches the table itself and un-persists it afterwards.
        ds = context.data_sources.add_spark(name=DATASOURCE, persist=False)
    asset_name = table
    if asset_name in ds.get_asset_names():
        asset = ds.get_asset(asset_name)
    else:
        asset = ds.add_dataframe_asset(name=asset_name)
    try:
        batch_def = asset.get_batch_definition(BATCH_DEFINITION)
    except KeyError:
        batch_def = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)

    suite = context.suites.add_or_update(suite)
    vd_name = _safe_name(f"{table}-{suite.name}")
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=vd_name, data=batch_def, suite=suite)
    )
    # No UpdateDataDocsAction: the gate builds the docs of all its tables once
    # (quality.gate.gate_session), not the whole index again after each table.
    checkpoint = gx.Checkpoint(
        name=_safe_name(f"gate-{table}-{suite.name}"),
        validation_definitions=[validation],
        actions=[],
        result_format=RESULT_FORMAT,
    )
    return context.checkpoints.add_or_update(checkpoint)
