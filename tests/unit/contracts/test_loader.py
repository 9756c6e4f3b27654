"""The contract loader's `not_after` key: where it may point, and what it refuses (no Spark)."""

from __future__ import annotations

import pytest
import yaml

from spark_jobs.contracts import ContractError, get_contract, load_contract
from spark_jobs.contracts.loader import DELIVERY_DATE
from spark_jobs.core.settings import REPO_ROOT


def _contract(tmp_path, **action_date_keys):
    """A small csv contract whose `action_date` gets `action_date_keys`."""
    fields = [
        {"name": "action_id", "header": "编号", "type": "string"},
        {"name": "action_date", "header": "日期", "type": "date", **action_date_keys},
        {"name": "submitted_date", "header": "报送", "type": "date"},
        {"name": "note", "header": "备注", "type": "string"},
    ]
    path = tmp_path / "actions.yaml"
    doc = {"name": "actions", "version": "1", "format": "csv", "fields": fields}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_not_after_delivery_date_is_loaded(tmp_path):
    contract = load_contract(_contract(tmp_path, not_after="delivery_date"))
    assert contract.field("action_date").not_after == DELIVERY_DATE == "delivery_date"
    assert contract.field("submitted_date").not_after is None


def test_not_after_another_date_field_is_loaded(tmp_path):
    contract = load_contract(_contract(tmp_path, not_after="submitted_date"))
    assert contract.field("action_date").not_after == "submitted_date"


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("delivered_on", "no such field"),
        ("note", "a field, but not a date"),
        ("action_date", "the field itself"),
        (["delivery_date"], "not a name"),
    ],
)
def test_an_unknown_not_after_target_is_refused_naming_contract_and_field(tmp_path, target, why):
    with pytest.raises(ContractError, match=r"^actions\.action_date: `not_after") as err:
        load_contract(_contract(tmp_path, not_after=target))
    assert "delivery_date" in str(err.value) and "submitted_date" in str(err.value), why


def test_not_after_on_a_field_that_is_not_a_date_is_refused(tmp_path):
    path = _contract(tmp_path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["fields"][3]["not_after"] = "delivery_date"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContractError, match=r"^actions\.note: `not_after` applies to date"):
        load_contract(path)


def test_supervision_actions_dates_its_actions_no_later_than_their_delivery():
    """The rule silver used to hard-code for `action_date` now lives in the contract."""
    actions = get_contract("supervision_actions", REPO_ROOT / "schemas")
    assert actions.field("action_date").not_after == DELIVERY_DATE
    assert actions.field("submitted_date").not_before == "action_date"
    assert [f.name for f in actions.fields if f.not_after] == ["action_date"]
