"""The loader's keys that read a field against its row: `positive_when`, `not_above`,
`starts_with`, and `check: department_code` (no Spark; the rules themselves are the silver
scenarios amounts_against_the_row, composed_codes, department_codes)."""

from __future__ import annotations

import pytest

from spark_jobs.contracts import ContractError
from tests.unit.contracts.helpers import load_fields

PUNISH = {"name": "punish_type", "type": "code", "codes": {"01": "警告", "02": "罚款"}}


_load = load_fields


def test_row_keys_are_loaded(tmp_path):
    c = _load(
        tmp_path,
        PUNISH,
        {"name": "fine", "type": "decimal", "positive_when": {"punish_type": "02"}},
        {"name": "paid", "type": "decimal", "not_above": "fine"},
        {"name": "agency", "type": "string"},
        {"name": "code", "type": "string", "starts_with": ["agency", "punish_type"]},
        {"name": "dept", "type": "string", "check": "department_code"},
    )
    assert c.field("fine").positive_when == {"punish_type": ("02",)}  # one code, as a list
    assert c.field("paid").not_above == "fine"
    assert c.field("code").starts_with == ("agency", "punish_type")
    assert c.field("dept").check == "department_code"


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            {"name": "x", "type": "string", "positive_when": {"punish_type": "02"}},
            "c.x: `not_above` and `positive_when` apply to integer and decimal fields, not string",
        ),
        (
            {"name": "x", "type": "decimal", "positive_when": {"agency": "02"}},
            "c.x: `positive_when` names 'agency', not a code field",
        ),
        (
            {"name": "x", "type": "decimal", "positive_when": {"punish_type": ["02", "09"]}},
            "c.x: `positive_when.punish_type` lists codes ['09'] that are not in its code list",
        ),
        (
            {"name": "x", "type": "decimal", "not_above": "agency"},
            "c.x: `not_above: 'agency'` must be another number field ['fine']",
        ),
        (
            {"name": "x", "type": "decimal", "not_above": "x"},
            "c.x: `not_above: 'x'` must be another number field",
        ),
        (
            {"name": "x", "type": "date", "starts_with": ["agency"]},
            "c.x: `starts_with` applies to string fields, not date",
        ),
        (
            {"name": "x", "type": "string", "starts_with": ["phone"]},
            "c.x: `starts_with` names 'phone': it must be another field of the contract, not a "
            "list and not personal data",
        ),
        (
            {"name": "x", "type": "string", "starts_with": "agency"},
            "c.x: `starts_with` must be a list of field names, got 'agency'",
        ),
        (
            {"name": "x", "type": "string", "check": "department"},
            "c.x: unknown check 'department' (one of ['department_code', 'division_code', "
            "'id_number', 'uscc'])",
        ),
    ],
)
def test_a_row_key_that_does_not_fit_is_refused_naming_the_field(tmp_path, field, message):
    with pytest.raises(ContractError) as err:
        _load(
            tmp_path,
            PUNISH,
            {"name": "fine", "type": "decimal"},
            {"name": "agency", "type": "string"},
            {"name": "phone", "type": "string", "pii": "contact"},
            field,
        )
    assert message in str(err.value)


def test_the_inspection_keys_are_loaded(tmp_path):
    """`required_when` and a reference to the contract itself with a `where` (the national
    检查行为编号: a penalty names an inspection of the same contract)."""
    kinds = {"name": "kind", "type": "code", "codes": {"i": "检查", "p": "处罚"}}
    c = _load(
        tmp_path,
        {"name": "id", "type": "string"},
        kinds,
        {
            "name": "inspection",
            "type": "string",
            "required_when": {"kind": "p"},
            "references": {"table": "c", "field": "id", "where": {"kind": ["i"]}},
        },
    )
    f = c.field("inspection")
    assert f.required_when == {"kind": ("p",)}
    assert f.references == {
        "table": "c",
        "field": "id",
        "severity": "error",
        "where": {"kind": ("i",)},
    }


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            {"name": "x", "type": "string", "required_when": {"agency": "02"}},
            "c.x: `required_when` names 'agency', not a code field",
        ),
        (
            {"name": "x", "type": "string", "required": True, "required_when": {"punish_type": "02"}},
            "c.x: `required_when` and `required: true` exclude each other",
        ),
        (
            {"name": "x", "type": "string", "references": {"table": "c", "field": "agency", "where": {"punish_type": ["09"]}}},
            "c.x: `references.where.punish_type` lists codes ['09'] that are not in its code list",
        ),
        (
            {"name": "x", "type": "string", "references": {"table": "c", "field": "x"}},
            "c.x: `references` to c itself names 'x': it must be another field of the contract",
        ),
        (
            {"name": "x", "type": "string", "references": {"table": "other"}},
            "c.x: `references` must name a `table` and a `field`",
        ),
        (
            {"name": "x", "type": "string", "references": {"table": "t", "field": "f", "on": "y"}},
            "c.x: `references` has unknown keys ['on'] (known: ['field', 'severity', 'table', 'where'])",
        ),
        (
            {"name": "x", "type": "string", "references": {"table": "t", "field": "f", "severity": "info"}},
            "c.x: `references.severity` is `error` or `warning`, not 'info'",
        ),
    ],
)  # fmt: skip
def test_an_inspection_key_that_does_not_fit_is_refused(tmp_path, field, message):
    with pytest.raises(ContractError) as err:
        _load(tmp_path, PUNISH, {"name": "agency", "type": "string"}, field)
    assert message in str(err.value)
