"""Which contracts make silver persist the validated rows before the reference joins
(`rules.reads_rows_again`; no Spark): those whose references read the rows a second time."""

from __future__ import annotations

from spark_jobs.contracts import load_contract
from spark_jobs.core.settings import REPO_ROOT
from spark_jobs.silver.rules import reads_rows_again
from tests.unit.contracts.helpers import load_fields

KEY = {"name": "id", "type": "string"}


def test_a_reference_to_another_table_reads_the_rows_once(tmp_path):
    ref = {"name": "item", "type": "string", "references": {"table": "items", "field": "code"}}
    assert not reads_rows_again(load_fields(tmp_path, KEY, ref))


def test_a_reference_to_its_own_table_reads_them_again(tmp_path):
    ref = {"name": "parent", "type": "string", "references": {"table": "c", "field": "id"}}
    assert reads_rows_again(load_fields(tmp_path, KEY, ref))


def test_a_reference_on_a_list_field_reads_them_again(tmp_path):
    ref = {
        "name": "officers",
        "type": "list",
        "separator": ";",
        "references": {"table": "officers", "field": "licence", "severity": "warning"},
    }
    assert reads_rows_again(load_fields(tmp_path, KEY, ref))


def test_of_the_delivery_contracts_only_the_actions_read_them_again():
    contracts = [load_contract(p) for p in sorted((REPO_ROOT / "schemas").glob("*.yaml"))]
    assert len(contracts) == 18
    assert [c.name for c in contracts if reads_rows_again(c)] == ["supervision_actions"]
