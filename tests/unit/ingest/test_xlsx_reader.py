"""The XLSX reader (spark_jobs.ingest.readers.xlsx_reader) and its cell text."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from spark_jobs.ingest.readers import FileRejected
from spark_jobs.ingest.readers.xlsx_reader import cell_text, read_xlsx
from tests.unit.ingest.helpers import XLSX_YAML, contract_from


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
    data = _xlsx(
        [
            ["某某局监管事项清单"],  # a title row above the header
            [],
            ["日期", "事项编码", "邮编", "金额"],
            [datetime(2024, 6, 1), 14000000000001, 30001, 0.1 + 0.2],
            [datetime(2024, 6, 2, 9, 30), "00140000000001", "030001", 1500.0],
            [None, None, None, None],
            [],
        ],
        formats={"C4": "000000"},
    )
    table = read_xlsx(xlsx_contract, data, "f.xlsx")
    assert table.to_pylist() == [
        {
            "code": "14000000000001",
            "zip": "030001",
            "amount": "0.3",
            "day": "2024-06-01",
            "_row_number": 1,
            "_parse_error": None,
        },
        {
            "code": "00140000000001",
            "zip": "030001",
            "amount": "1500",
            "day": "2024-06-02 09:30:00",
            "_row_number": 2,
            "_parse_error": None,
        },
    ]


def test_xlsx_value_beyond_the_header_is_flagged(xlsx_contract):
    data = _xlsx([["事项编码", "邮编", "金额", "日期"], ["1", "2", "3", "2024-06-01", "多余"]])
    table = read_xlsx(xlsx_contract, data, "f.xlsx")
    assert table.column("code").to_pylist() == ["1"]
    assert table.column("_parse_error").to_pylist() == [
        "row has a value in column E, beyond the header's 4 columns"
    ]


@pytest.mark.parametrize(
    "value, fmt, text",
    [
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
    ],
)
def test_cell_text(value, fmt, text):
    assert cell_text(value, fmt) == text


def test_xlsx_named_sheet(xlsx_contract, yaml_dir):
    named = contract_from(yaml_dir, XLSX_YAML.replace("format: xlsx", "format: xlsx\nsheet: 清单"))
    data = _xlsx([["说明"]], title="说明", extra_sheet="清单")
    with pytest.raises(FileRejected, match=r"^f\.xlsx: header lacks column\(s\) 事项编码 \(code\)"):
        read_xlsx(named, data, "f.xlsx")  # reads 清单, whose only row is "x"
    with pytest.raises(FileRejected, match=r"^f\.xlsx: no sheet '清单' \(sheets: Sheet\)$"):
        read_xlsx(named, _xlsx([["事项编码"]]), "f.xlsx")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", r"^f\.xlsx: empty file$"),
        (b"not a workbook at all", r"^f\.xlsx: not a readable xlsx workbook \(BadZipFile"),
        ("编码,名称\n1,2\n".encode("gbk"), r"^f\.xlsx: not a readable xlsx workbook"),
        (_xlsx([["事项编码"]])[:300], r"^f\.xlsx: not a readable xlsx workbook"),  # truncated
        (_xlsx([]), r"^f\.xlsx: empty file \(sheet 'Sheet' has no rows\)$"),
        (
            _xlsx([["事项编码", "邮政编码", "金额", "日期"], ["1", "2", "3", "4"]]),
            r"^f\.xlsx: header lacks column\(s\) 邮编 \(zip\)$",
        ),
    ],
)
def test_xlsx_unreadable_files(xlsx_contract, data, message):
    with pytest.raises(FileRejected, match=message):
        read_xlsx(xlsx_contract, data, "f.xlsx")


def test_xlsx_a_contract_column_twice_in_the_header_is_rejected(xlsx_contract):
    header = [f.header for f in xlsx_contract.fields]
    data = _xlsx([[*header, header[0]], ["1"] * (len(header) + 1)])
    with pytest.raises(FileRejected, match=rf"f.xlsx: header has column {header[0]} \("):
        read_xlsx(xlsx_contract, data, "f.xlsx")
