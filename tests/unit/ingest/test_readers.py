"""Readers per delivery format (csv, xlsx, jsonl, json_pages) and the contract keys that drive
them (no Spark: bronze ingestion of dumps is in tests/spark/ingest/test_dumps.py)."""
from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from spark_jobs.ingest import bronze

from spark_jobs.ingest import readers
from spark_jobs.contracts import ContractError, PageKeys, all_contracts, load_contract
from spark_jobs.ingest.readers import DumpRejected, FileRejected
from spark_jobs.core.storage import Storage
from tests.synthetic import SCHEMAS

DAY = date(2024, 6, 28)

CSV_YAML = """
name: t_csv
version: "1"
format: csv
encoding: gb18030
fields:
  - {name: code, header: 编码, type: string}
  - {name: name, header: 名称, type: string}
  - {name: amount, header: 金额, type: string}
"""

XLSX_YAML = """
name: t_xlsx
version: "1"
format: xlsx
fields:
  - {name: code, header: 事项编码, type: string}
  - {name: zip, header: 邮编, type: string}
  - {name: amount, header: 金额, type: string}
  - {name: day, header: 日期, type: date}
"""

JSONL_YAML = """
name: t_jsonl
version: "1"
format: jsonl
fields:
  - {name: id, key: id, type: string}
  - {name: uscc, key: entity.uscc, header: 统一社会信用代码, type: string}
  - {name: amount, key: penalty.amount, type: decimal}
  - {name: officers, key: officers, type: list, separator: ";"}
  - {name: tags, key: tags, type: string}
  - {name: detail, key: detail, type: string}
  - {name: public, key: public, type: string}
"""

PAGES_YAML = """
name: credit_penalties
version: "1"
format: json_pages
records_key: data.records
page: {number: data.page_no, size: data.page_size, total: data.total}
natural_key: [penalty_id]
fields:
  - {name: penalty_id, key: id, type: string, required: true}
  - {name: uscc, key: entity.uscc, type: string}
  - {name: amount, key: amount, type: decimal}
"""


@pytest.fixture(scope="module")
def yaml_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("contracts")


def contract_from(yaml_dir: Path, text: str, name: str = "c"):
    path = yaml_dir / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return load_contract(path)


@pytest.fixture(scope="module")
def csv_contract(yaml_dir):
    return contract_from(yaml_dir, CSV_YAML, "csv")


@pytest.fixture(scope="module")
def xlsx_contract(yaml_dir):
    return contract_from(yaml_dir, XLSX_YAML, "xlsx")


@pytest.fixture(scope="module")
def jsonl_contract(yaml_dir):
    return contract_from(yaml_dir, JSONL_YAML, "jsonl")


@pytest.fixture(scope="module")
def pages_contract(yaml_dir):
    return contract_from(yaml_dir, PAGES_YAML, "pages")


# ----------------------------------------------------------------------------------- contracts

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


@pytest.mark.parametrize("change, message", [
    (("format: csv", "format: parquet"), "t_csv: unknown format 'parquet'"),
    (("header: 名称, ", ""), "t_csv.name: a csv field needs `header`"),
    (("header: 名称, ", "key: name, header: 名称, "), "t_csv.name: `key` is for jsonl/json_pages"),
    (("format: csv", "format: csv\nsheet: x"), "t_csv: `sheet` applies to format xlsx only"),
    (("format: csv", "format: csv\nrecords_key: a"),
     "t_csv: `records_key` applies to format json_pages only"),
    (("format: csv", "format: csv\nsheets: x"), r"^t_csv: unknown keys \['sheets'\] \(known: \['delimiter', "),
    (("encoding: gb18030", "encoding: gbx"), "t_csv: unknown encoding 'gbx'"),
    (("header: 金额", "header: 名称"), r"t_csv: duplicate field header\(s\) \['名称'\]"),
])
def test_malformed_csv_contracts_are_refused(yaml_dir, change, message):
    with pytest.raises(ContractError, match=message):
        contract_from(yaml_dir, CSV_YAML.replace(*change))


@pytest.mark.parametrize("text, change, message", [
    (JSONL_YAML, ("{name: id, key: id,", "{name: id,"), "t_jsonl.id: a jsonl field needs `key`"),
    (JSONL_YAML, ("format: jsonl", "format: jsonl\ndelimiter: ';'"),
     "t_jsonl: `delimiter` applies to format csv only"),
    (PAGES_YAML, ("records_key: data.records\n", ""), "json_pages needs `records_key`"),
    (PAGES_YAML, ("page: {number: data.page_no, size: data.page_size, total: data.total}\n", ""),
     "json_pages needs `page: {number"),
    (PAGES_YAML, (", total: data.total", ""), r"missing \['total'\]"),
])
def test_malformed_json_contracts_are_refused(yaml_dir, text, change, message):
    assert change[0] in text
    with pytest.raises(ContractError, match=message):
        contract_from(yaml_dir, text.replace(*change))


# ----------------------------------------------------------------------------------------- csv

def test_csv_gbk_by_headers_in_any_order(csv_contract):
    data = "金额,编码,名称\r\n12.50,0001,太原市某某有限公司\r\n,0002,晋中\r\n".encode("gbk")
    table = readers.read_csv(csv_contract, data, "f.csv")
    assert table.column_names == ["code", "name", "amount", "_row_number", "_parse_error"]
    assert table.column("code").to_pylist() == ["0001", "0002"]
    assert table.column("name").to_pylist() == ["太原市某某有限公司", "晋中"]
    assert table.column("amount").to_pylist() == ["12.50", ""]
    assert table.column("_parse_error").to_pylist() == [None, None]


def test_csv_short_and_long_rows_are_kept_with_parse_errors(csv_contract):
    data = "编码,名称,金额\n0001,甲,1\n0002,乙\n0003,丙,3,多\n\n0004,丁,4\n".encode("gbk")
    table = readers.read_csv(csv_contract, data, "f.csv")
    assert table.column("_row_number").to_pylist() == [1, 2, 3, 5]
    assert table.column("_parse_error").to_pylist() == [
        None, "row has 2 fields, header has 3", "row has 4 fields, header has 3", None]
    assert table.column("code").to_pylist() == ["0001", None, None, "0004"]


def test_csv_header_only_is_zero_rows(csv_contract):
    table = readers.read_csv(csv_contract, "编码,名称,金额\n".encode("gbk"), "f.csv")
    assert table.num_rows == 0


def test_csv_truncated_inside_a_quoted_field_is_rejected(csv_contract):
    data = '编码,名称,金额\n0001,甲,1\n0002,"乙公司（太原'.encode("gbk")
    with pytest.raises(FileRejected, match=r"^f\.csv: truncated: the file ends inside a quoted "
                                           r"field \(record 2 after the header\)$"):
        readers.read_csv(csv_contract, data, "f.csv")


def test_csv_cut_between_fields_keeps_the_short_last_row(csv_contract):
    data = "编码,名称,金额\n0001,甲,1\n0002,乙".encode("gbk")  # no final newline, one field short
    table = readers.read_csv(csv_contract, data, "f.csv")
    assert table.column("_parse_error").to_pylist() == [None, "row has 2 fields, header has 3"]


def test_csv_quoted_field_closed_at_end_without_newline_is_whole(csv_contract):
    data = '编码,名称,金额\n0001,"甲,乙",1'.encode("gbk")
    table = readers.read_csv(csv_contract, data, "f.csv")
    assert table.column("name").to_pylist() == ["甲,乙"]
    assert table.column("_parse_error").to_pylist() == [None]


@pytest.mark.parametrize("data, message", [
    (b"", r"^f\.csv: empty file$"),
    (b" \r\n\r\n", r"^f\.csv: empty file$"),
    ("编码,名字,金额\n0001,甲,1\n".encode("gbk"), r"^f\.csv: header lacks column\(s\) 名称 \(name\)$"),
    ("编码,名称,金额\n".encode("gbk") + b"0001,\xff\xfe,1\n",
     r"^f\.csv: not valid gb18030 at byte 20 \(bytes b'\\xff\\xfe,1'\)$"),
])
def test_csv_unreadable_files(csv_contract, data, message):
    with pytest.raises(FileRejected, match=message):
        readers.read_csv(csv_contract, data, "f.csv")


def test_csv_utf8_bom_header(yaml_dir):
    contract = contract_from(yaml_dir, CSV_YAML.replace("gb18030", "utf-8-sig"))
    table = readers.read_csv(contract, "\ufeff名称,编码,金额\n甲,0001,1\n".encode("utf-8"), "f.csv")
    assert table.column("code").to_pylist() == ["0001"]


# ---------------------------------------------------------------------------------------- xlsx

def _xlsx(rows, formats=None, title="Sheet", extra_sheet=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cell, fmt in (formats or {}).items():
        sheet[cell].number_format = fmt
    if extra_sheet:
        book.create_sheet(extra_sheet).append(["x"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_cells_are_strings_as_shown(xlsx_contract):
    data = _xlsx([
        ["某某局监管事项清单"],  # a title row above the header
        [],
        ["日期", "事项编码", "邮编", "金额"],
        [datetime(2024, 6, 1), 14000000000001, 30001, 0.1 + 0.2],
        [datetime(2024, 6, 2, 9, 30), "00140000000001", "030001", 1500.0],
        [None, None, None, None],
        [],
    ], formats={"C4": "000000"})
    table = readers.read_xlsx(xlsx_contract, data, "f.xlsx")
    assert table.to_pylist() == [
        {"code": "14000000000001", "zip": "030001", "amount": "0.3", "day": "2024-06-01",
         "_row_number": 1, "_parse_error": None},
        {"code": "00140000000001", "zip": "030001", "amount": "1500",
         "day": "2024-06-02 09:30:00", "_row_number": 2, "_parse_error": None},
    ]


def test_xlsx_value_beyond_the_header_is_flagged(xlsx_contract):
    data = _xlsx([["事项编码", "邮编", "金额", "日期"], ["1", "2", "3", "2024-06-01", "多余"]])
    table = readers.read_xlsx(xlsx_contract, data, "f.xlsx")
    assert table.column("code").to_pylist() == ["1"]
    assert table.column("_parse_error").to_pylist() == [
        "row has a value in column E, beyond the header's 4 columns"]


@pytest.mark.parametrize("value, fmt, text", [
    (14000000000001, "General", "14000000000001"),
    (1.4e13, "General", "14000000000000"),
    (7.0, "General", "7"),
    (30001, "000000", "030001"),
    (2.675, "0.00", "2.68"),
    (1.5e-05, "General", "0.000015"),
    (True, "General", "TRUE"),
    (datetime(2024, 1, 31), "yyyy/m/d", "2024-01-31"),
    (date(2024, 1, 31), "General", "2024-01-31"),
    ("  保留空格 ", "@", "  保留空格 "),
    (None, "General", None),
])
def test_cell_text(value, fmt, text):
    assert readers.cell_text(value, fmt) == text


def test_xlsx_named_sheet(xlsx_contract, yaml_dir):
    named = contract_from(yaml_dir, XLSX_YAML.replace("format: xlsx", "format: xlsx\nsheet: 清单"))
    data = _xlsx([["说明"]], title="说明", extra_sheet="清单")
    with pytest.raises(FileRejected, match=r"^f\.xlsx: header lacks column\(s\) 事项编码 \(code\)"):
        readers.read_xlsx(named, data, "f.xlsx")  # reads 清单, whose only row is "x"
    with pytest.raises(FileRejected, match=r"^f\.xlsx: no sheet '清单' \(sheets: Sheet\)$"):
        readers.read_xlsx(named, _xlsx([["事项编码"]]), "f.xlsx")


@pytest.mark.parametrize("data, message", [
    (b"", r"^f\.xlsx: empty file$"),
    (b"not a workbook at all", r"^f\.xlsx: not a readable xlsx workbook \(BadZipFile"),
    ("编码,名称\n1,2\n".encode("gbk"), r"^f\.xlsx: not a readable xlsx workbook"),
    (_xlsx([["事项编码"]])[:300], r"^f\.xlsx: not a readable xlsx workbook"),  # truncated
    (_xlsx([]), r"^f\.xlsx: empty file \(sheet 'Sheet' has no rows\)$"),
    (_xlsx([["事项编码", "邮政编码", "金额", "日期"], ["1", "2", "3", "4"]]),
     r"^f\.xlsx: header lacks column\(s\) 邮编 \(zip\)$"),
])
def test_xlsx_unreadable_files(xlsx_contract, data, message):
    with pytest.raises(FileRejected, match=message):
        readers.read_xlsx(xlsx_contract, data, "f.xlsx")


# --------------------------------------------------------------------------------------- jsonl

def test_jsonl_values_by_key_as_strings(jsonl_contract):
    lines = [
        '{"id": "P1", "entity": {"uscc": "91140100MA0XXXXX1A"}, "penalty": {"amount": 1500.50},'
        ' "officers": ["1431000001", "1431000002"], "tags": ["a", 1], "detail": {"k": "值"},'
        ' "public": true}',
        '{"id": 12345678901234567890, "penalty": {"amount": 1e3}, "officers": [], "tags": null}',
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    table = readers.read_jsonl(jsonl_contract, data, "f.jsonl")
    assert table.to_pylist() == [
        {"id": "P1", "uscc": "91140100MA0XXXXX1A", "amount": "1500.50",
         "officers": "1431000001;1431000002", "tags": '["a",1]', "detail": '{"k":"值"}',
         "public": "true", "_row_number": 1, "_parse_error": None},
        {"id": "12345678901234567890", "uscc": None, "amount": "1e3", "officers": "",
         "tags": None, "detail": None, "public": None, "_row_number": 2, "_parse_error": None},
    ]


def test_jsonl_invalid_and_truncated_lines_are_kept_with_parse_errors(jsonl_contract):
    data = ('{"id": "P1"}\n'
            '{"id": "P2", "entity": }\n'
            '\n'
            '["not", "an", "object"]\n'
            '{"id": "P5", "entity": {"us').encode("utf-8")  # cut off in the last line
    table = readers.read_jsonl(jsonl_contract, data, "f.jsonl")
    assert table.column("_row_number").to_pylist() == [1, 2, 4, 5]
    assert table.column("id").to_pylist() == ["P1", None, None, None]
    assert table.column("_parse_error").to_pylist() == [
        None,
        "line 2: invalid JSON at column 24: Expecting value",
        "line 4: not a JSON object but an array",
        "line 5: invalid JSON at column 25: Unterminated string starting at",
    ]


def test_jsonl_bom_and_crlf(jsonl_contract):
    data = '\ufeff{"id": "P1"}\r\n{"id": "P2"}\r\n'.encode("utf-8")
    assert readers.read_jsonl(jsonl_contract, data, "f.jsonl").column("id").to_pylist() == [
        "P1", "P2"]


@pytest.mark.parametrize("data, message", [
    (b"", r"^f\.jsonl: empty file$"),
    (b"\n  \n", r"^f\.jsonl: empty file$"),
    ('{"id": "甲"}\n'.encode("gbk"), r"^f\.jsonl: not valid utf-8 at byte 8 \(bytes b'\\xbc\\xd7\"}'\)$"),
    (b'{\n  "id": "P1"\n}\n',
     r"^f\.jsonl: no line is a JSON object \(first problem: line 1: invalid JSON at column 2"),
])
def test_jsonl_unreadable_files(jsonl_contract, data, message):
    with pytest.raises(FileRejected, match=message):
        readers.read_jsonl(jsonl_contract, data, "f.jsonl")


# ---------------------------------------------------------------------------------- json_pages

def page(number: int, size: int, total: int, records: list) -> bytes:
    doc = {"code": 0, "data": {"page_no": number, "page_size": size, "total": total,
                               "records": records}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def rec(i: int) -> dict:
    return {"id": f"CP{i:03d}", "entity": {"uscc": f"9114{i:014d}"}, "amount": 100 * i}


def dump_files(dump: str, total: int, size: int, skip=(), records_total=None) -> list:
    records = [rec(i) for i in range(1, (records_total or total) + 1)]
    pages = max(1, -(-total // size))
    return [(f"d/{dump}_p{n:04d}.json", page(n, size, total, records[(n - 1) * size:n * size]))
            for n in range(1, pages + 1) if n not in skip]


def test_split_page_name():
    assert readers.split_page_name("x/2024-06-28/credit_penalties_20240628_p0003.json") == (
        "credit_penalties_20240628", 3)
    assert readers.split_page_name("credit_penalties_20240628_p3.json") is None
    assert readers.split_page_name("credit_penalties_20240628.json") is None


def test_complete_dump_is_one_table_in_page_order(pages_contract):
    files = dump_files("cp", total=5, size=2)
    table = readers.read_json_dump(pages_contract, "cp", list(reversed(files)))
    assert table.column("penalty_id").to_pylist() == ["CP001", "CP002", "CP003", "CP004", "CP005"]
    assert table.column("_row_number").to_pylist() == [1, 2, 3, 4, 5]
    assert table.column("_source_file").to_pylist() == [
        "d/cp_p0001.json", "d/cp_p0001.json", "d/cp_p0002.json", "d/cp_p0002.json",
        "d/cp_p0003.json"]
    assert table.column("amount").to_pylist() == ["100", "200", "300", "400", "500"]
    assert table.column("uscc").to_pylist()[0] == "911400000000000001"


def test_empty_dump_is_one_page_with_no_records(pages_contract):
    table = readers.read_json_dump(pages_contract, "cp", [("d/cp_p0001.json", page(1, 50, 0, []))])
    assert table.num_rows == 0


def test_record_that_is_not_an_object_is_kept_with_parse_error(pages_contract):
    table = readers.read_json_dump(
        pages_contract, "cp", [("d/cp_p0001.json", page(1, 2, 2, [rec(1), "CP002"]))])
    assert table.column("_parse_error").to_pylist() == [
        None, "page 1 record 2: not a JSON object but a string"]


def _replace(files, n, data):
    return [(name, data if i == n - 1 else body) for i, (name, body) in enumerate(files)]


@pytest.mark.parametrize("make, message", [
    (lambda: dump_files("cp", 5, 1, skip={3}), "cp: missing page 3 of 5"),
    (lambda: dump_files("cp", 5, 1, skip={2, 4}), "cp: missing pages 2, 4 of 5"),
    (lambda: _replace(dump_files("cp", 4, 2), 2, b'{"data": {"page_no": 2, "total": }}'),
     "cp: invalid JSON in page 2 at line 1 column 34 (cp_p0002.json: Expecting value)"),
    (lambda: _replace(dump_files("cp", 4, 2), 2, page(2, 2, 4, [rec(3)])[:40]),
     "cp: invalid JSON in page 2 at line 1 column 36 (cp_p0002.json: Unterminated string "
     "starting at)"),
    (lambda: dump_files("cp", 5, 2, records_total=4),
     "cp: records add up to 4, total says 5"),
    (lambda: _replace(dump_files("cp", 4, 2), 2, page(2, 2, 6, [rec(3), rec(4)])),
     "cp: pages disagree on total: page 1 says 4, page 2 says 6"),
    (lambda: _replace(dump_files("cp", 4, 2), 2, page(3, 2, 4, [rec(3), rec(4)])),
     "cp: page file cp_p0002.json holds page 3"),
    (lambda: dump_files("cp", 4, 2) + [("d/cp_p0003.json", page(3, 2, 4, []))],
     "cp: unexpected page 3: total 4 at 2 per page makes 2 pages"),
    (lambda: _replace(dump_files("cp", 4, 2), 1, b""), "cp: page 1 is empty (cp_p0001.json)"),
    (lambda: _replace(dump_files("cp", 2, 2), 1, b'{"data": {"page_no": 1, "page_size": 2}}'),
     "cp: page 1 (cp_p0001.json): page total at data.total is missing"),
    (lambda: _replace(dump_files("cp", 2, 2), 1, json.dumps(
        {"data": {"page_no": 1, "page_size": 2, "total": 2, "records": {}}}).encode()),
     "cp: page 1 (cp_p0001.json): records at data.records are an object, not a list"),
    (lambda: _replace(dump_files("cp", 2, 2), 1, '{"data": "甲"}'.encode("gbk")),
     "cp: page 1 is not valid utf-8 at byte 10 (cp_p0001.json)"),
])
def test_incomplete_or_unreadable_dump_is_rejected_whole(pages_contract, make, message):
    with pytest.raises(DumpRejected) as caught:
        readers.read_json_dump(pages_contract, "cp", make())
    assert str(caught.value) == message


def test_read_delivery_dispatches_single_file_formats(csv_contract, jsonl_contract,
                                                      pages_contract):
    assert readers.read_delivery(jsonl_contract, b'{"id": 1}\n', "f").num_rows == 1
    assert bronze.parse_delivery(csv_contract, "编码,名称,金额\n1,2,3\n".encode("gbk"), "f").num_rows == 1
    with pytest.raises(ValueError, match="read per dump"):
        readers.read_delivery(pages_contract, b"{}", "f")
