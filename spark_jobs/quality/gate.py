"""Quality gate on silver, run before gold is built: a Great Expectations 1.x Checkpoint.

Where the expectations come from (one place per fact):
- **Derived from the contract** (`schemas/<name>.yaml`, at run time): not-null on every required
  field, unique natural key, `pattern` → regex, `code` fields → value set of the stored codes (and,
  for label-delivered codes, `<field>_name` → set of the labels). A new code or a changed pattern
  is edited in the contract only, and silver validation and this gate follow it.
- **Hand-written in `expectations/<suite>.json`** (a GE suite file): what the contract does not
  say, such as row count, the USCC / division formats (the full checks run in silver), the masked
  and tokenised personal-data columns, lineage columns, cross-column rules. The file's
  `meta.contract` names the contract to derive from; an expectation there with the same type and
  column replaces the derived one.

Personal data: silver holds raw contact names and phone numbers, and identifiers. GE keeps up to
20 failing values per expectation by default, and Data Docs print them. The Checkpoint therefore
runs with `exclude_unexpected_values` and `partial_unexpected_count: 0` for **every** expectation
(results carry counts only; failing rows are looked up in silver by someone entitled to), and
`build_suite` refuses expectation types whose result is a column's value (min, max, distinct
values …) on a personal or identifier column.

The GE project lives in `settings.home / "gx"` (outside git); Data Docs go to
`settings.data_docs_dir`, rendered through the templates in `expectations/data_docs/` so that
the pages load nothing from the internet (GE's own pull Bootstrap/jQuery from CDNs and show an
empty index offline). Datasource, asset, suite, validation definition and checkpoint are
added-or-updated on each run, so re-runs are idempotent; a file lock serialises gate runs that
share one GE project (its `great_expectations.yml` is rewritten on changes). The gate only reads:
a failure deletes nothing.
"""
from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from spark_jobs.contracts import Contract, get_contract
from spark_jobs.core.settings import REPO_ROOT, Settings

log = logging.getLogger(__name__)

EXPECTATIONS_DIR = REPO_ROOT / "expectations"
DOCS_TEMPLATES = EXPECTATIONS_DIR / "data_docs"  # offline page templates (see its README.md)
DATASOURCE = "lakehouse_spark"
BATCH_DEFINITION = "whole_table"
DOCS_SITE = "lakehouse"

# Counts only, never row values: see the module docstring and PITFALLS.md.
RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "exclude_unexpected_values": True,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}

# Expectation types whose result (observed_value) is made of the column's own values.
VALUE_REVEALING = {
    "expect_column_distinct_values_to_be_in_set",
    "expect_column_distinct_values_to_contain_set",
    "expect_column_distinct_values_to_equal_set",
    "expect_column_max_to_be_between",
    "expect_column_min_to_be_between",
    "expect_column_median_to_be_between",
    "expect_column_most_common_value_to_be_in_set",
    "expect_column_quantile_values_to_be_between",
    "expect_column_kl_divergence_to_be_less_than",
}
IDENTIFIER_CHECKS = {"uscc"}  # contract `check`s that mark a column as an identifier


class QualityGateFailed(RuntimeError):
    """Silver broke its expectations: gold must not be built from it."""

    def __init__(self, message: str, result: "GateResult") -> None:
        super().__init__(message)
        self.result = result


@dataclass
class GateResult:
    success: bool
    evaluated: int
    failed: int
    failures: list[tuple[str, str | None, str]]  # (expectation_type, column, observed summary)
    docs_index: Path
    validation_page: Path | None = None
    suite: str = ""
    table: str = ""


# --- the suite ------------------------------------------------------------------------------
def _quiet_great_expectations() -> None:
    """GE logs ~2,500 DEBUG/INFO lines while importing (registry, fluent datasources, API docs
    decorators): keep its warnings and errors only. Must run before GE is first imported."""
    for name in ("great_expectations", "altair", "tzlocal"):
        logging.getLogger(name).setLevel(logging.WARNING)


_quiet_great_expectations()


def suite_file(suite: str, expectations_dir: Path = EXPECTATIONS_DIR) -> Path:
    return Path(expectations_dir) / f"{suite}.json"


def contract_expectations(contract: Contract) -> list[dict]:
    """The expectations the contract implies, as GE configuration dicts."""
    why = f"contract {contract.name} {contract.version}"
    out: list[dict] = []

    def add(kind: str, meta: str, **kwargs) -> None:
        out.append({"type": kind, "kwargs": kwargs, "meta": {"why": meta, "source": why}})

    for f in contract.fields:
        if f.required:
            add("expect_column_values_to_not_be_null", "required field", column=f.name)
    if len(contract.natural_key) == 1:
        add("expect_column_values_to_be_unique", "natural key: one row per key",
            column=contract.natural_key[0])
    elif contract.natural_key:
        add("expect_compound_columns_to_be_unique", "natural key: one row per key",
            column_list=list(contract.natural_key))
    for f in contract.fields:
        if f.pattern and f.type == "string":
            add("expect_column_values_to_match_regex", "contract pattern",
                column=f.name, regex=f.pattern)
        if f.type == "code":
            add("expect_column_values_to_be_in_set", "contract code list (stored as the code)",
                column=f.name, value_set=sorted(f.codes))
            if f.delivered_as == "label":
                add("expect_column_values_to_be_in_set", "contract code labels",
                    column=f"{f.name}_name", value_set=sorted(f.codes.values()))
    return out


def sensitive_columns(contract: Contract) -> set[str]:
    """Personal-data columns (and their masked/tokenised forms) and identifier columns."""
    cols = set()
    for f in contract.fields:
        if f.pii != "none":
            cols |= {f.name, f"{f.name}_masked", f"{f.name}_token"}
        if f.check in IDENTIFIER_CHECKS:
            cols.add(f.name)
    return cols


def _key(config: dict) -> tuple:
    kw = config.get("kwargs", {})
    cols = kw.get("column") or kw.get("column_list") or (kw.get("column_A"), kw.get("column_B"))
    return config["type"], json.dumps(cols)


def load_suite_config(suite: str, contract_dir: Path,
                      expectations_dir: Path = EXPECTATIONS_DIR) -> dict:
    """The hand-written JSON merged with the contract-derived expectations (a plain dict)."""
    path = suite_file(suite, expectations_dir)
    if not path.exists():
        raise FileNotFoundError(f"no expectation suite {suite!r} at {path}")
    raw = json.loads(path.read_text(encoding="utf-8"))
    if raw.get("name") != suite:
        raise ValueError(f"{path}: name is {raw.get('name')!r}, expected {suite!r}")
    hand = raw.get("expectations", [])
    contract_name = raw.get("meta", {}).get("contract")
    contract = get_contract(contract_name, contract_dir) if contract_name else None
    derived = contract_expectations(contract) if contract else []
    overridden = {_key(c) for c in hand}
    merged = [c for c in derived if _key(c) not in overridden] + hand
    seen: set[tuple] = set()
    for c in merged:
        k = _key(c) + (json.dumps(c.get("kwargs", {}), sort_keys=True),)
        if k in seen:
            raise ValueError(f"{path}: duplicate expectation {c['type']} {c.get('kwargs')}")
        seen.add(k)
    if contract:
        sensitive = sensitive_columns(contract)
        for c in merged:
            if c["type"] in VALUE_REVEALING and c.get("kwargs", {}).get("column") in sensitive:
                raise ValueError(
                    f"{path}: {c['type']} on {c['kwargs']['column']} would write the values of a "
                    "personal-data or identifier column into results and Data Docs")
    return {**raw, "expectations": merged}


def build_suite(suite: str, contract_dir: Path, expectations_dir: Path = EXPECTATIONS_DIR):
    """A GE ExpectationSuite (not yet saved). Invalid expectations raise instead of being dropped
    (GE's own constructor only logs them)."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    config = load_suite_config(suite, contract_dir, expectations_dir)
    expectations = [ExpectationConfiguration(**copy.deepcopy(c)).to_domain_obj()
                    for c in config["expectations"]]
    return gx.ExpectationSuite(name=suite, expectations=expectations,
                               meta=config.get("meta", {}), notes=config.get("notes"))


# --- the GE project -------------------------------------------------------------------------
def gx_root(settings: Settings) -> Path:
    return settings.home / "gx"


@contextlib.contextmanager
def _project_lock(settings: Settings):
    settings.home.mkdir(parents=True, exist_ok=True)
    with open(settings.home / ".gx.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def get_gx_context(settings: Settings):
    """The file-backed GE project under settings.home, with one Data Docs site: data_docs_dir."""
    _quiet_great_expectations()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(settings.home))
    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(Path(settings.data_docs_dir).resolve())},
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "view": {"module_name": __name__, "class_name": "OfflineIndexPageView"},
        },
        "site_section_builders": {
            "expectations": {"view": {"module_name": __name__, "class_name": "OfflinePageView"}},
            "validations": {
                "renderer": {"module_name": __name__, "class_name": "ValidationPageRenderer"},
                "view": {"module_name": __name__, "class_name": "OfflinePageView"},
            },
        },
    }
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
    if (bars.get("globally") if isinstance(bars, dict) else getattr(bars, "globally", None)) \
            is not False:
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        changed = True
    if context.config.analytics_enabled is not False:
        context.config.analytics_enabled = False
        changed = True
    if changed:
        context.variables.save()
    return context


def _offline_classes() -> dict[str, type]:
    """Data Docs view/renderer classes, built on first use so that importing this module does
    not import Great Expectations (GE instantiates them by module and class name)."""
    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
    from jinja2 import ChoiceLoader, FileSystemLoader

    def offline(view) -> None:  # our templates first, GE's for everything else
        view.env.loader = ChoiceLoader([FileSystemLoader(str(DOCS_TEMPLATES)), view.env.loader])

    class OfflinePageView(DefaultJinjaPageView):
        """Validation and suite pages without CDN scripts, remote logo or newsletter footer."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            offline(self)

    class OfflineIndexPageView(DefaultJinjaIndexPageView):
        """The index with its tables written into the HTML (GE draws them with jQuery)."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            offline(self)

    class ValidationPageRenderer(ValidationResultsPageRenderer):
        """Names the table on the page: fluent Spark batches keep the asset name out of
        batch_spec, where GE's page renderer looks for it ("Data asset: None")."""

        def render(self, validation_results, suite_parameters=None):
            spec = validation_results.meta.get("batch_spec")
            asset = getattr(validation_results, "asset_name", None)
            if asset and isinstance(spec, dict) and not spec.get("data_asset_name"):
                validation_results.meta["batch_spec"] = {**spec, "data_asset_name": asset}
            return super().render(validation_results, suite_parameters)

    return {c.__name__: c for c in (OfflinePageView, OfflineIndexPageView, ValidationPageRenderer)}


_LAZY: dict[str, type] = {}


def __getattr__(name: str):
    if name in ("OfflinePageView", "OfflineIndexPageView", "ValidationPageRenderer"):
        if not _LAZY:
            _LAZY.update(_offline_classes())
        return _LAZY[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def _checkpoint(context, table: str, suite):
    """Add or update datasource → asset → batch definition, suite, validation, checkpoint."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

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
        gx.ValidationDefinition(name=vd_name, data=batch_def, suite=suite))
    checkpoint = gx.Checkpoint(
        name=_safe_name(f"gate-{table}-{suite.name}"),
        validation_definitions=[validation],
        actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[DOCS_SITE])],
        result_format=RESULT_FORMAT,
    )
    return context.checkpoints.add_or_update(checkpoint)


# --- running the gate -------------------------------------------------------------------------
def _observed(result) -> str:
    """A short summary of what was found, from counts only (never row values)."""
    if result.exception_info and result.exception_info.get("raised_exception"):
        message = str(result.exception_info.get("exception_message") or "").splitlines()
        return "error: " + (message[0][:200] if message else "expectation raised")
    r = result.result or {}
    if r.get("unexpected_count") is not None:
        pct = r.get("unexpected_percent")
        pct_text = f" ({pct:.2f}% of non-null)" if pct is not None else ""
        return f"{r['unexpected_count']} of {r.get('element_count')} rows unexpected{pct_text}"
    observed = r.get("observed_value")
    if isinstance(observed, (int, float)) and not isinstance(observed, bool):
        return f"observed {observed}"
    return "failed"


def run_quality_gate(spark, settings: Settings, table: str, suite: str,
                     run_name: str | None = None) -> GateResult:
    """Validate `spark.table(table)` against `suite`; build Data Docs; return the outcome.

    `run_name` labels the run in Data Docs (default: the Airflow run id when run by Airflow,
    else "ad-hoc").
    """
    _quiet_great_expectations()
    from great_expectations.core.run_identifier import RunIdentifier

    run_name = run_name or os.environ.get("AIRFLOW_CTX_DAG_RUN_ID") or "ad-hoc"
    expectation_suite = build_suite(suite, settings.contract_dir)
    df = spark.table(table)
    with _project_lock(settings):
        context = get_gx_context(settings)
        checkpoint = _checkpoint(context, table, expectation_suite)
        df = df.persist()
        try:
            outcome = checkpoint.run(batch_parameters={"dataframe": df},
                                     run_id=RunIdentifier(run_name=run_name))
        finally:
            df.unpersist()

    evaluated, failures, page = 0, [], None
    for key, validation in outcome.run_results.items():
        for r in validation.results:
            evaluated += 1
            if not r.success:
                kw = r.expectation_config.kwargs
                column = kw.get("column") or (
                    ",".join(kw["column_list"]) if kw.get("column_list") else None) or (
                    f"{kw['column_A']},{kw['column_B']}" if kw.get("column_A") else None)
                failures.append((r.expectation_config.type, column, _observed(r)))
        page = _validation_page(settings, key)
    docs_index = Path(settings.data_docs_dir) / "index.html"
    result = GateResult(
        success=bool(outcome.success), evaluated=evaluated, failed=len(failures),
        failures=failures, docs_index=docs_index, validation_page=page, suite=suite, table=table,
    )
    log.info("quality gate %s on %s: %s, %d/%d expectations failed; Data Docs %s", suite, table,
             "passed" if result.success else "FAILED", result.failed, result.evaluated, docs_index)
    return result


def _validation_page(settings: Settings, key) -> Path | None:
    """The Data Docs page of one validation result (GE's site layout: validations/<key>.html)."""
    parts = key.to_tuple()
    page = Path(settings.data_docs_dir, "validations", *parts[:-1], f"{parts[-1]}.html")
    return page if page.exists() else None


def enforce_quality_gate(spark, settings: Settings, table: str, suite: str,
                         run_name: str | None = None) -> GateResult:
    """Run the gate; raise QualityGateFailed (naming table, failures and Data Docs) if it fails."""
    result = run_quality_gate(spark, settings, table, suite, run_name)
    if not result.success:
        lines = "\n".join(f"  - {kind} on {column or '(table)'}: {observed}"
                          for kind, column, observed in result.failures)
        raise QualityGateFailed(
            f"quality gate failed for {table} (suite {suite}): {result.failed} of "
            f"{result.evaluated} expectations failed\n{lines}\n"
            f"Data Docs: {result.validation_page or result.docs_index}", result)
    return result
