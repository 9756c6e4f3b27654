"""Which sources exist and in which order silver builds them, read off the contracts."""

from __future__ import annotations

import pytest

from spark_jobs.contracts import (
    ContractError,
    all_contracts,
    build_order,
    find_contract,
    source_contracts,
)
from tests.synthetic import SCHEMAS

SOURCE = "supervision_items"


def test_a_broken_contract_keeps_its_dag_and_does_not_hide_the_others(tmp_path):
    """One bad YAML file makes all_contracts() raise; the DAG file still gets every other source,
    and the broken one (it has `fields`) as a source whose runs fail with the contract error."""
    good = (SCHEMAS / f"{SOURCE}.yaml").read_text(encoding="utf-8")
    (tmp_path / f"{SOURCE}.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text(
        "name: broken\nversion: '1'\nformat: parquet\nfields: [{name: a, type: string}]\n", "utf-8"
    )
    (tmp_path / "reference_list.yaml").write_text("version: '1'\nclasses: {}\n", "utf-8")
    found = {
        source: (contract is not None, error)
        for source, contract, error in source_contracts(tmp_path)
    }
    assert set(found) == {SOURCE, "broken"}  # the file without `fields` is not a contract
    assert found[SOURCE] == (True, None)
    assert found["broken"][0] is False and "unknown format 'parquet'" in found["broken"][1]
    assert find_contract(SOURCE, tmp_path).name == SOURCE
    with pytest.raises(ValueError, match="unknown format 'parquet'"):
        find_contract("broken", tmp_path)


def test_build_order_puts_every_contract_after_the_tables_it_references():
    contracts = all_contracts(SCHEMAS)
    order = [c.name for c in build_order(list(reversed(contracts)))]
    assert sorted(order) == sorted(c.name for c in contracts)
    for c in contracts:
        for f in c.fields:
            ref = f.references and f.references["table"]
            if ref and ref != c.name and ref in order:
                assert order.index(ref) < order.index(c.name), (c.name, f.name, ref)
    names = [c.name for c in build_order([all_contracts(SCHEMAS)[0]])]
    assert names == [all_contracts(SCHEMAS)[0].name]


def test_build_order_refuses_a_cycle(tmp_path):
    for name, other in (("a", "b"), ("b", "a")):
        (tmp_path / f"{name}.yaml").write_text(
            f"name: {name}\nversion: '1'\nformat: csv\nnatural_key: [k]\nfields:\n"
            f"  - {{name: k, header: K, type: string, references: {{table: {other}, field: k}}}}\n",
            "utf-8",
        )
    with pytest.raises(ContractError, match="cycle"):
        build_order(all_contracts(tmp_path))
