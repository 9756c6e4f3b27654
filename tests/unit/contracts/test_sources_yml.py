"""dbt's staging/_sources.yml is generated from the contracts, and a stale copy is caught."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import yaml

from spark_jobs.contracts import all_contracts
from spark_jobs.core.settings import REPO_ROOT
from spark_jobs.gold import sources_yml

SCHEMAS = REPO_ROOT / "schemas"


def test_the_committed_sources_file_is_fresh():
    expected = sources_yml.render(all_contracts(SCHEMAS))
    assert sources_yml.SOURCES_YML.read_text(encoding="utf-8") == expected, (
        "dbt_project/models/staging/_sources.yml is stale: "
        "run .venv/bin/python -m spark_jobs.gold.sources_yml"
    )
    assert sources_yml.main(["--check", "--contract-dir", str(SCHEMAS)]) == 0


def test_one_source_with_a_described_table_per_contract():
    doc = yaml.safe_load(sources_yml.SOURCES_YML.read_text(encoding="utf-8"))
    [source] = doc["sources"]
    assert (source["name"], source["schema"]) == ("silver", "silver")
    contracts = {c.name: c for c in all_contracts(SCHEMAS)}
    tables = {t["name"]: t for t in source["tables"]}
    assert set(tables) == set(contracts)
    for name, table in tables.items():
        contract = contracts[name]
        assert table["description"] and table["config"]["meta"]["contract_version"]
        columns = {c["name"]: c for c in table["columns"]}
        assert all(c["description"] for c in columns.values()), name
        for f in contract.fields:  # each field, described in the contract's words
            assert f.description.get("en", f.name).rstrip(".") in (columns[f.name]["description"])
        assert {"delivery_date", "_source_file", "_row_number"} <= set(columns)
    actions = {c["name"]: c for c in tables["supervision_actions"]["columns"]}
    assert actions["contact_phone"]["config"]["meta"]["pii"] == "contact"
    assert actions["contact_phone"]["description"].startswith("PERSONAL DATA")
    assert {"contact_phone_masked", "contact_phone_token", "action_type_name"} <= set(actions)
    assert tables["supervision_actions"]["config"]["meta"]["repository"] == 4


def _check(contract_dir, output=None) -> subprocess.CompletedProcess:
    """`python -m spark_jobs.gold.sources_yml --check` with LAKEHOUSE_CONTRACT_DIR set."""
    env = os.environ | {"LAKEHOUSE_CONTRACT_DIR": str(contract_dir)}
    args = [sys.executable, "-m", "spark_jobs.gold.sources_yml", "--check"]
    if output is not None:
        args += ["--output", str(output)]
    return subprocess.run(args, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def test_a_changed_contract_makes_the_check_fail(tmp_path):
    contracts = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, contracts)
    assert _check(contracts).returncode == 0
    path = contracts / "supervision_items.yaml"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("en: 14-digit supervision item code", "en: 14-digit item code")
    assert changed != text
    path.write_text(changed, encoding="utf-8")

    proc = _check(contracts)
    assert proc.returncode == 1
    assert "dbt_project/models/staging/_sources.yml is stale" in proc.stderr
    assert "python -m spark_jobs.gold.sources_yml" in proc.stderr
    assert "14-digit item code" in proc.stderr  # the diff shows what changed

    # Regenerating (into a copy here) makes it fresh again.
    output = tmp_path / "_sources.yml"
    assert sources_yml.main(["--contract-dir", str(contracts), "--output", str(output)]) == 0
    assert "14-digit item code" in output.read_text(encoding="utf-8")
    assert _check(contracts, output).returncode == 0
    assert sources_yml.main(["--check", "--output", str(tmp_path / "missing.yml")]) == 1
