"""dbt's `staging/_sources.yml`, generated from the delivery contracts (`schemas/*.yaml`).

One source `silver` with one table per contract, each column described in the contract's own
words, so the dbt docs of silver never drift from what the contracts define:

    python -m spark_jobs.gold.sources_yml            # rewrite the committed file
    python -m spark_jobs.gold.sources_yml --check    # exit 1 when it is stale (CI, pre-commit)

Contracts come from `Settings.contract_dir` (`LAKEHOUSE_CONTRACT_DIR`, default `schemas/`).
A table's columns are the ones silver writes for the contract: each field, plus the derived
columns `spark_jobs/silver/build.py` (`accepted_rows`) adds: `<code>_name` for a code delivered
as its label, `delivery_date`, bronze's lineage columns, and `<field>_masked` / `<field>_token`
for personal data. Key tests are not generated: a source is declared here before silver builds
its table, so primary keys are tested on the staging model that reads it (stg_<table>.yml).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from spark_jobs.contracts import Contract, Field, all_contracts
from spark_jobs.core.settings import REPO_ROOT, Settings

SOURCES_YML = REPO_ROOT / "dbt_project" / "models" / "staging" / "_sources.yml"
HEADER = """\
# GENERATED from the delivery contracts (schemas/*.yaml) by spark_jobs/gold/sources_yml.py:
# do not edit. After changing a contract, regenerate with
#     .venv/bin/python -m spark_jobs.gold.sources_yml
# (`--check` fails when this file is stale; infra/lint.sh and pre-commit run it).
"""
LINEAGE = {
    "_source_file": "Lineage - landing file the row was parsed from.",
    "_file_sha256": "Lineage - SHA-256 of that landing file.",
    "_row_number": "Lineage - row number of the record in that file.",
    "_batch_id": "Lineage - id of the ingestion batch.",
    "_ingested_at": "Lineage - time the row was ingested into bronze.",
}
DELIVERY_DATE = (
    "Landing partition date of the delivery the row came from "
    "(landing/<source>/<yyyy-mm-dd>/); with the lineage, decides which delivery wins."
)
SILVER_AT = (
    "Lineage - when silver last (re)wrote the row (a new, superseding or released row); "
    "incremental gold marts read only rows newer than their own latest _silver_at."
)


def _text(texts: dict[str, str], default: str = "") -> str:
    """'English (中文)' from a contract's bilingual {en, zh} text."""
    en, zh = (texts.get("en") or "").strip(), (texts.get("zh") or "").strip()
    if en and zh:
        return f"{en.rstrip('.')} ({zh})."
    return (en or zh or default).strip()


def _field_columns(f: Field) -> list[dict[str, Any]]:
    """The silver column(s) of one contract field, described."""
    text = _text(f.description, default=f.name)
    if f.pii != "none":
        text = (
            f"PERSONAL DATA ({f.pii}): {text} Stays in silver; gold and exports carry only "
            f"{f.name}_masked{' and ' + f.name + '_token' if f.pii != 'name' else ''}."
        )
    column: dict[str, Any] = {"name": f.name, "description": text}
    if f.pii != "none":
        column["config"] = {"meta": {"pii": f.pii}}
    out = [column]
    if f.type == "code" and f.delivered_as == "label":
        out.append(
            {
                "name": f"{f.name}_name",
                "description": f"{f.name} as delivered (its Chinese label); {f.name} holds the code.",
            }
        )
    return out


def _pii_columns(f: Field) -> list[dict[str, Any]]:
    """Masked (and for contacts and identifiers, tokenised) forms of a personal-data field."""
    example = "e.g. 张*" if f.pii == "name" else "e.g. 138****5678"
    out = [{"name": f"{f.name}_masked", "description": f"Masked {f.name} ({example})."}]
    if f.pii != "name":
        out.append(
            {
                "name": f"{f.name}_token",
                "description": (
                    f"HMAC-SHA256 (hex) of {f.name} keyed with LAKEHOUSE_MASKING_KEY: "
                    "joinable and countable, not reversible without the key."
                ),
            }
        )
    return out


def silver_columns(contract: Contract) -> list[dict[str, Any]]:
    """The columns silver writes for `contract`, in silver's order, each with a description."""
    columns = [c for f in contract.fields for c in _field_columns(f)]
    columns.append({"name": "delivery_date", "description": DELIVERY_DATE})
    columns += [{"name": n, "description": d} for n, d in LINEAGE.items()]
    columns += [c for f in contract.pii_fields for c in _pii_columns(f)]
    columns.append({"name": "_silver_at", "description": SILVER_AT})
    return columns


def source_table(contract: Contract) -> dict[str, Any]:
    title = _text(contract.title, default=contract.name).rstrip(".")
    where = f", repository {contract.repository}" if contract.repository else ""
    about = (contract.description.get("en") or "").strip()
    key = ", ".join(contract.natural_key) or "(no natural key)"
    description = f"{title}{where}. {about} One row per {key}.".replace("  ", " ")
    meta: dict[str, Any] = {
        "contract": f"schemas/{contract.name}.yaml",
        "contract_version": contract.version,
    }
    if contract.repository is not None:
        meta["repository"] = contract.repository
    meta["natural_key"] = list(contract.natural_key)
    meta["format"] = contract.format
    return {
        "name": contract.name,
        "description": description,
        "config": {"meta": meta},
        "columns": silver_columns(contract),
    }


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key, as the hand-written dbt YAML files do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def render(contracts: Iterable[Contract]) -> str:
    """The text of `_sources.yml` for `contracts` (deterministic: sorted by name)."""
    doc = {
        "version": 2,
        "sources": [
            {
                "name": "silver",
                "schema": "silver",
                "description": (
                    "Validated, typed, deduplicated tables written by the Spark silver job "
                    "(spark_jobs/silver/) at <lake_root>/silver/<table> and registered by name "
                    "as silver.<table> when the session starts; one table per delivery "
                    "contract in schemas/ (docs/layers.md). A table is declared here before "
                    "silver builds it; only staging models select from it."
                ),
                # `dbt source freshness` (run by the pipeline's report): silver stamps every
                # row it (re)writes with `_silver_at`; a table no delivery has touched for
                # two days warns, for a week errs (a source that stopped delivering).
                "config": {
                    "freshness": {
                        "warn_after": {"count": 2, "period": "day"},
                        "error_after": {"count": 7, "period": "day"},
                    },
                    "loaded_at_field": "_silver_at",
                },
                "tables": [source_table(c) for c in sorted(contracts, key=lambda c: c.name)],
            }
        ],
    }
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=96, indent=2)
    return HEADER + body


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m spark_jobs.gold.sources_yml",
        description="Generate dbt_project/models/staging/_sources.yml from schemas/*.yaml.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the file differs from what the contracts give",
    )
    parser.add_argument(
        "--contract-dir",
        type=Path,
        default=None,
        help="contracts folder (default: Settings.contract_dir, i.e. LAKEHOUSE_CONTRACT_DIR or schemas/)",
    )
    parser.add_argument("--output", type=Path, default=SOURCES_YML, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    contract_dir = args.contract_dir or Settings.from_env().contract_dir
    expected = render(all_contracts(contract_dir))
    path: Path = args.output
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if args.check:
        if current == expected:
            return 0
        diff = difflib.unified_diff(
            (current or "").splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=f"{_shown(path)} (committed)",
            tofile=f"{_shown(path)} (from {_shown(Path(contract_dir))})",
            n=1,
        )
        lines = list(diff)
        shown = "".join(lines[:40]) + (
            f"... ({len(lines) - 40} more diff lines)\n" if len(lines) > 40 else ""
        )
        state = "is missing" if current is None else "is stale"
        print(
            f"{_shown(path)} {state}: it does not match the contracts in {_shown(Path(contract_dir))}.\n"
            f"Regenerate it with: .venv/bin/python -m spark_jobs.gold.sources_yml\n{shown}",
            file=sys.stderr,
        )
        return 1
    if current != expected:
        path.write_text(expected, encoding="utf-8")
        print(f"wrote {_shown(path)}")
    else:
        print(f"{_shown(path)} is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
