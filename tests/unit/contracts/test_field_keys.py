"""The loader's standardisation and time keys: `standardise`, `timestamp` with `timezone`,
`formats` (with `excel_serial`) and the bounds between dates and timestamps (no Spark)."""

from __future__ import annotations

import pytest

from spark_jobs.contracts import ContractError, get_contract
from spark_jobs.contracts.loader import DEFAULT_TIMEZONE, EXCEL_SERIAL
from spark_jobs.core.settings import REPO_ROOT
from tests.unit.contracts.helpers import load_fields

_load = load_fields


def test_identifier_checks_bring_their_standardisation(tmp_path):
    c = _load(
        tmp_path,
        {"name": "uscc", "type": "string", "check": "uscc"},
        {"name": "id_number", "type": "string", "check": "id_number"},
        {"name": "division", "type": "string", "check": "division_code"},
        {"name": "note", "type": "string"},
    )
    assert c.field("uscc").standardise == ("strip_label", "upper_check")
    assert c.field("id_number").standardise == ("strip_label", "upper_check", "legacy_id")
    assert c.field("division").standardise == c.field("note").standardise == ()


def test_declared_steps_replace_the_defaults_and_run_in_a_fixed_order(tmp_path):
    c = _load(
        tmp_path,
        {"name": "a", "type": "string", "check": "uscc", "standardise": []},
        {"name": "b", "type": "string", "check": "id_number", "standardise": ["legacy_id"]},
        {"name": "c", "type": "string", "pattern": "^[0-9]{6}$", "standardise": ["strip_label"]},
        {"name": "d", "type": "decimal", "standardise": ["amount"]},
        {
            "name": "e",
            "type": "string",
            "check": "id_number",
            "standardise": ["legacy_id", "upper_check", "strip_label"],
        },
    )
    assert c.field("a").standardise == ()
    assert c.field("b").standardise == ("legacy_id",)
    assert c.field("c").standardise == ("strip_label",)
    assert c.field("d").standardise == ("amount",)
    assert c.field("e").standardise == ("strip_label", "upper_check", "legacy_id")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ({"type": "string", "standardise": ["strip_labels"]}, "unknown standardise step"),
        ({"type": "string", "standardise": "strip_label"}, "must be a list of steps"),
        ({"type": "string", "standardise": ["strip_label", "strip_label"]}, "lists a step twice"),
        ({"type": "string", "check": "uscc", "standardise": ["legacy_id"]}, "needs `check: id"),
        ({"type": "integer", "standardise": ["amount"]}, "applies to decimal fields"),
        ({"type": "date", "timezone": "Asia/Shanghai"}, "applies to timestamp fields only"),
        ({"type": "timestamp", "timezone": "Beijing"}, "unknown timezone 'Beijing'"),
        ({"type": "string", "formats": ["yyyy-MM-dd"]}, "applies to date and timestamp"),
        ({"type": "date", "formats": "yyyy-MM-dd"}, "must be a list of Spark datetime patterns"),
        ({"type": "date", "formats": ["yyyy-MM-dd", ""]}, "must be a list of Spark datetime"),
        ({"type": "date", "formats": ["yyyyMMdd", "yyyyMMdd"]}, "lists a pattern twice"),
    ],
)
def test_malformed_keys_are_refused_naming_contract_and_field(tmp_path, field, message):
    with pytest.raises(ContractError, match=r"^c\.x: ") as err:
        _load(tmp_path, {"name": "x", **field})
    assert message in str(err.value)


def test_a_timestamp_has_a_timezone_and_may_list_excel_serials(tmp_path):
    c = _load(
        tmp_path,
        {"name": "at", "type": "timestamp"},
        {"name": "utc", "type": "timestamp", "timezone": "UTC", "formats": ["yyyy-MM-dd HH:mm"]},
        {"name": "day", "type": "date", "formats": ["yyyy-MM-dd", "yyyy年M月d日", EXCEL_SERIAL]},
    )
    assert c.field("at").timezone == DEFAULT_TIMEZONE == "Asia/Shanghai"
    assert c.field("at").formats == ()
    assert (c.field("utc").timezone, c.field("utc").formats) == ("UTC", ("yyyy-MM-dd HH:mm",))
    assert c.field("day").formats == ("yyyy-MM-dd", "yyyy年M月d日", "excel_serial")
    assert c.field("day").timezone is None


def test_bounds_between_dates_and_timestamps(tmp_path):
    c = _load(
        tmp_path,
        {"name": "received_at", "type": "timestamp", "not_after": "delivery_date"},
        {"name": "closed_at", "type": "timestamp", "not_before": "received_at"},
        {"name": "decided", "type": "date", "not_before": "received_at", "not_after": "closed_at"},
    )
    assert c.field("received_at").not_after == "delivery_date"
    assert c.field("decided").not_after == "closed_at"


@pytest.mark.parametrize(
    ("bound", "message"),
    [
        ({"not_before": "nothing"}, "`not_before: 'nothing'` must be another date or timestamp"),
        ({"not_before": "note"}, "`not_before: 'note'` must be another date or timestamp"),
        ({"not_before": "delivery_date"}, "`not_before: 'delivery_date'` must be another"),
        ({"not_before": "when"}, "`not_before: 'when'` must be another"),
    ],
)
def test_not_before_must_name_another_date_or_timestamp(tmp_path, bound, message):
    with pytest.raises(ContractError, match=r"^c\.when: ") as err:
        _load(
            tmp_path,
            {"name": "when", "type": "timestamp", **bound},
            {"name": "note", "type": "string"},
        )
    assert message in str(err.value)


def test_not_before_on_a_string_is_refused(tmp_path):
    with pytest.raises(ContractError, match=r"^c\.note: `not_before` applies to date and"):
        _load(
            tmp_path,
            {"name": "when", "type": "date"},
            {"name": "note", "type": "string", "not_before": "when"},
        )


def test_the_hotline_and_complaint_times_are_timestamps():
    schemas = REPO_ROOT / "schemas"
    expected = {
        "hotline_12345": ("received_at", "dispatched_at", "closed_at"),
        "complaints_12315": ("received_at",),
        "national_dispatched_complaints": ("dispatched_at",),
    }
    for name, fields in expected.items():
        contract = get_contract(name, schemas)
        stamps = tuple(f.name for f in contract.fields if f.type == "timestamp")
        assert stamps == fields, name
        assert all(contract.field(f).timezone == "Asia/Shanghai" for f in fields)
    penalties = get_contract("credit_penalties", schemas)
    amounts = [f.name for f in penalties.fields if "amount" in f.standardise]
    assert amounts == ["fine", "confiscated"]
