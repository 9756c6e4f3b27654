"""Expectation suites for the quality gate, and what their results may show.

Where the expectations come from (one place per fact):
- **Derived from the contract** (`schemas/<name>.yaml`, at run time): not-null on every required
  field, unique natural key, `pattern` → regex, `code` fields → value set of the stored codes (and,
  for label-delivered codes, `<field>_name` → set of the labels). A new code or a changed pattern
  is edited in the contract only, and silver validation and this gate follow it.
- A source without a hand-written file gets the contract-derived suite alone (every silver
  table has a suite, named after its source).
- **Hand-written in `expectations/<suite>.json`** (a GE suite file): what the contract does not
  say, such as row count, the USCC / division formats (the full checks run in silver), the masked
  and tokenised personal-data columns, lineage columns, cross-column rules. The file's
  `meta.contract` names the contract to derive from; an expectation there with the same type and
  column replaces the derived one.

Personal data: silver holds raw contact names and phone numbers, and identifiers. GE keeps up to
20 failing values per expectation by default, and Data Docs print them. The checkpoint therefore
runs with `RESULT_FORMAT` (`exclude_unexpected_values`, `partial_unexpected_count: 0`) for
**every** expectation (results carry counts only; failing rows are looked up in silver by someone
entitled to), and `load_suite_config` refuses expectation types whose result is a column's value
(min, max, distinct values …) on a personal or identifier column.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from spark_jobs.contracts import Contract, get_contract
from spark_jobs.core.settings import REPO_ROOT

EXPECTATIONS_DIR = REPO_ROOT / "expectations"

# Counts only, never row values: see the module docstring and docs/pitfalls.md.
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
        add(
            "expect_column_values_to_be_unique",
            "natural key: one row per key",
            column=contract.natural_key[0],
        )
    elif contract.natural_key:
        add(
            "expect_compound_columns_to_be_unique",
            "natural key: one row per key",
            column_list=list(contract.natural_key),
        )
    for f in contract.fields:
        if f.pattern and f.type == "string":
            add(
                "expect_column_values_to_match_regex",
                "contract pattern",
                column=f.name,
                regex=f.pattern,
            )
        if f.type == "code":
            add(
                "expect_column_values_to_be_in_set",
                "contract code list (stored as the code)",
                column=f.name,
                value_set=sorted(f.codes),
            )
            if f.delivered_as == "label":
                add(
                    "expect_column_values_to_be_in_set",
                    "contract code labels",
                    column=f"{f.name}_name",
                    value_set=sorted(f.codes.values()),
                )
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


def load_suite_config(
    suite: str, contract_dir: Path, expectations_dir: Path = EXPECTATIONS_DIR
) -> dict:
    """The hand-written JSON merged with the contract-derived expectations (a plain dict)."""
    path = suite_file(suite, expectations_dir)
    if path.exists():
        raw = json.loads(path.read_text(encoding="utf-8"))
    elif (Path(contract_dir) / f"{suite}.yaml").is_file():  # a source nobody extended by hand
        raw = {"name": suite, "meta": {"contract": suite, "generated_from": "contract"}}
    else:
        raise FileNotFoundError(f"no expectation suite {suite!r} at {path} and no contract")
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
        k = (*_key(c), json.dumps(c.get("kwargs", {}), sort_keys=True))
        if k in seen:
            raise ValueError(f"{path}: duplicate expectation {c['type']} {c.get('kwargs')}")
        seen.add(k)
    if contract:
        sensitive = sensitive_columns(contract)
        for c in merged:
            if c["type"] in VALUE_REVEALING and c.get("kwargs", {}).get("column") in sensitive:
                raise ValueError(
                    f"{path}: {c['type']} on {c['kwargs']['column']} would write the values of a "
                    "personal-data or identifier column into results and Data Docs"
                )
    return {**raw, "expectations": merged}


def build_suite(suite: str, contract_dir: Path, expectations_dir: Path = EXPECTATIONS_DIR):
    """A GE ExpectationSuite (not yet saved). Invalid expectations raise instead of being dropped
    (GE's own constructor only logs them)."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    config = load_suite_config(suite, contract_dir, expectations_dir)
    expectations = [
        ExpectationConfiguration(**copy.deepcopy(c)).to_domain_obj() for c in config["expectations"]
    ]
    return gx.ExpectationSuite(
        name=suite,
        expectations=expectations,
        meta=config.get("meta", {}),
        notes=config.get("notes"),
    )
