"""The contract keys that drive the readers (format, encoding, sheet, key, records_key, page),
and the shipped contracts loading unchanged with them."""

from __future__ import annotations

import pytest

from spark_jobs.contracts import ContractError, PageKeys, all_contracts
from tests.synthetic import SCHEMAS
from tests.unit.ingest.helpers import CSV_YAML, JSONL_YAML, PAGES_YAML, XLSX_YAML, contract_from


def test_shipped_contracts_load_unchanged():
    contracts = {c.name: c for c in all_contracts(SCHEMAS)}
    assert {c.format for c in contracts.values()} <= {"csv", "xlsx", "jsonl", "json_pages"}
    assert contracts["supervision_items"].format == "csv"
    actions = contracts["supervision_actions"]
    assert actions.encoding == "gb18030" and actions.headers["行为编号"] == "action_id"
    assert actions.sheet is None and actions.records_key is None and actions.page is None


def test_new_contract_keys_are_loaded(xlsx_contract, jsonl_contract, pages_contract, yaml_dir):
    assert xlsx_contract.format == "xlsx" and xlsx_contract.sheet is None
    assert jsonl_contract.field("uscc").key == "entity.uscc"
    assert jsonl_contract.field("id").header is None  # header optional for jsonl
    assert jsonl_contract.headers == {"统一社会信用代码": "uscc"}
    assert pages_contract.records_key == "data.records"
    assert pages_contract.page == PageKeys("data.page_no", "data.page_size", "data.total")
    named = contract_from(yaml_dir, XLSX_YAML.replace("format: xlsx", "format: xlsx\nsheet: 清单"))
    assert named.sheet == "清单"


@pytest.mark.parametrize(
    "change, message",
    [
        (("format: csv", "format: parquet"), "t_csv: unknown format 'parquet'"),
        (("header: 名称, ", ""), "t_csv.name: a csv field needs `header`"),
        (
            ("header: 名称, ", "key: name, header: 名称, "),
            "t_csv.name: `key` is for jsonl/json_pages",
        ),
        (("format: csv", "format: csv\nsheet: x"), "t_csv: `sheet` applies to format xlsx only"),
        (
            ("format: csv", "format: csv\nrecords_key: a"),
            "t_csv: `records_key` applies to format json_pages only",
        ),
        (
            ("format: csv", "format: csv\nsheets: x"),
            r"^t_csv: unknown keys \['sheets'\] \(known: \['delimiter', ",
        ),
        (("encoding: gb18030", "encoding: gbx"), "t_csv: unknown encoding 'gbx'"),
        (("header: 金额", "header: 名称"), r"t_csv: duplicate field header\(s\) \['名称'\]"),
    ],
)
def test_malformed_csv_contracts_are_refused(yaml_dir, change, message):
    with pytest.raises(ContractError, match=message):
        contract_from(yaml_dir, CSV_YAML.replace(*change))


@pytest.mark.parametrize(
    "text, change, message",
    [
        (
            JSONL_YAML,
            ("{name: id, key: id,", "{name: id,"),
            "t_jsonl.id: a jsonl field needs `key`",
        ),
        (
            JSONL_YAML,
            ("format: jsonl", "format: jsonl\ndelimiter: ';'"),
            "t_jsonl: `delimiter` applies to format csv only",
        ),
        (PAGES_YAML, ("records_key: data.records\n", ""), "json_pages needs `records_key`"),
        (
            PAGES_YAML,
            ("page: {number: data.page_no, size: data.page_size, total: data.total}\n", ""),
            "json_pages needs `page: {number",
        ),
        (PAGES_YAML, (", total: data.total", ""), r"missing \['total'\]"),
    ],
)
def test_malformed_json_contracts_are_refused(yaml_dir, text, change, message):
    assert change[0] in text
    with pytest.raises(ContractError, match=message):
        contract_from(yaml_dir, text.replace(*change))
