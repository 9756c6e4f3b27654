"""The CSV reader (spark_jobs.ingest.readers.csv_reader)."""

from __future__ import annotations

import pytest

from spark_jobs.ingest.readers import FileRejected, csv_reader
from spark_jobs.ingest.readers.csv_reader import read_csv
from tests.unit.ingest.helpers import CSV_YAML, contract_from


def test_csv_gbk_by_headers_in_any_order(csv_contract):
    data = "金额,编码,名称\r\n12.50,0001,太原市某某有限公司\r\n,0002,晋中\r\n".encode("gbk")
    table = read_csv(csv_contract, data, "f.csv")
    assert table.column_names == ["code", "name", "amount", "_row_number", "_parse_error"]
    assert table.column("code").to_pylist() == ["0001", "0002"]
    assert table.column("name").to_pylist() == ["太原市某某有限公司", "晋中"]
    assert table.column("amount").to_pylist() == ["12.50", ""]
    assert table.column("_parse_error").to_pylist() == [None, None]


def test_csv_short_and_long_rows_are_kept_with_parse_errors(csv_contract):
    data = "编码,名称,金额\n0001,甲,1\n0002,乙\n0003,丙,3,多\n\n0004,丁,4\n".encode("gbk")
    table = read_csv(csv_contract, data, "f.csv")
    assert table.column("_row_number").to_pylist() == [1, 2, 3, 5]
    assert table.column("_parse_error").to_pylist() == [
        None,
        "row has 2 fields, header has 3",
        "row has 4 fields, header has 3",
        None,
    ]
    assert table.column("code").to_pylist() == ["0001", None, None, "0004"]


def test_csv_header_only_is_zero_rows(csv_contract):
    table = read_csv(csv_contract, "编码,名称,金额\n".encode("gbk"), "f.csv")
    assert table.num_rows == 0


def test_csv_truncated_inside_a_quoted_field_is_rejected(csv_contract):
    data = '编码,名称,金额\n0001,甲,1\n0002,"乙公司（太原'.encode("gbk")
    with pytest.raises(
        FileRejected,
        match=r"^f\.csv: truncated: the file ends inside a quoted "
        r"field \(record 2 after the header\)$",
    ):
        read_csv(csv_contract, data, "f.csv")


def test_csv_cut_between_fields_keeps_the_short_last_row(csv_contract):
    data = "编码,名称,金额\n0001,甲,1\n0002,乙".encode("gbk")  # no final newline, one field short
    table = read_csv(csv_contract, data, "f.csv")
    assert table.column("_parse_error").to_pylist() == [None, "row has 2 fields, header has 3"]


def test_csv_quoted_field_closed_at_end_without_newline_is_whole(csv_contract):
    data = '编码,名称,金额\n0001,"甲,乙",1'.encode("gbk")
    table = read_csv(csv_contract, data, "f.csv")
    assert table.column("name").to_pylist() == ["甲,乙"]
    assert table.column("_parse_error").to_pylist() == [None]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", r"^f\.csv: empty file$"),
        (b" \r\n\r\n", r"^f\.csv: empty file$"),
        (
            "编码,名字,金额\n0001,甲,1\n".encode("gbk"),
            r"^f\.csv: header lacks column\(s\) 名称 \(name\)$",
        ),
        (
            "编码,名称,金额\n".encode("gbk") + b"0001,\xff\xfe,1\n",
            r"^f\.csv: not valid gb18030 at byte 20 \(bytes b'\\xff\\xfe,1'\): the bytes are "
            r"neither UTF-8 nor GBK \(GB18030\): another encoding, or not text, but the "
            r"contract promises GBK \(GB18030\)$",
        ),
        (
            "\ufeff编码,名称,金额\n0001,甲,1\n".encode("utf-8"),
            r"^f\.csv: not valid gb18030 at byte 8 \(bytes b'\\x81,\\xe5\\x90'\): the bytes are "
            r"UTF-8 with a byte-order mark, but the contract promises GBK \(GB18030\)$",
        ),
    ],
)
def test_csv_unreadable_files(csv_contract, data, message):
    with pytest.raises(FileRejected, match=message):
        read_csv(csv_contract, data, "f.csv")


def test_a_utf8_header_that_decodes_as_gbk_is_refused_saying_it_is_utf8(yaml_dir):
    # these UTF-8 bytes happen to be valid GB18030 (mojibake): the header is what shows it
    contract = contract_from(yaml_dir, CSV_YAML.split("  - {name: name")[0])
    with pytest.raises(FileRejected) as caught:
        read_csv(contract, "编码\n0001\n".encode(), "f.csv")
    assert str(caught.value) == (
        "f.csv: header lacks column(s) 编码 (code); the bytes are UTF-8 without a byte-order "
        "mark, but the contract promises GBK (GB18030)"
    )


def test_csv_utf8_bom_header(yaml_dir):
    contract = contract_from(yaml_dir, CSV_YAML.replace("gb18030", "utf-8-sig"))
    table = read_csv(contract, "\ufeff名称,编码,金额\n甲,0001,1\n".encode("utf-8"), "f.csv")
    assert table.column("code").to_pylist() == ["0001"]


def test_csv_overlong_value_and_nul_cost_only_their_row(csv_contract):
    """Python's csv would stop the whole file at a 131072-character field; the row is flagged
    instead and the value not kept. A NUL character is kept but flagged with its position."""
    from spark_jobs.ingest.readers.common import MAX_FIELD_CHARS

    long = "长" * (MAX_FIELD_CHARS + 1)
    data = f"编码,名称,金额\n0001,{long},1\n0002,乙\x00丙,2\n0003,丁,3\n".encode("gbk")
    table = read_csv(csv_contract, data, "f.csv")
    assert table.column("code").to_pylist() == ["0001", "0002", "0003"]
    assert table.column("name").to_pylist() == [None, "乙\x00丙", "丁"]
    assert table.column("_parse_error").to_pylist() == [
        f"field 名称 (name) is {MAX_FIELD_CHARS + 1} characters long, over {MAX_FIELD_CHARS}: "
        "not kept",
        "field 名称 (name) holds a NUL character at position 2",
        None,
    ]


def test_csv_value_problems_add_to_a_short_row_error(csv_contract):
    data = "编码,名称,金额\n0\x001,甲\n".encode("gbk")
    assert read_csv(csv_contract, data, "f.csv").column("_parse_error").to_pylist() == [
        "row has 2 fields, header has 3"  # the short row's values are not read at all
    ]


def test_csv_a_contract_column_twice_in_the_header_is_rejected(csv_contract):
    with pytest.raises(FileRejected) as err:
        read_csv(csv_contract, "编码,名称,金额,名称\n1,甲,2,乙\n".encode("gbk"), "f.csv")
    assert str(err.value) == (
        "f.csv: header has column 名称 (name) 2 times (columns 2, 4): which one holds the "
        "values is unknown"
    )
    # a repeated column the contract does not read is ignored
    table = read_csv(csv_contract, "编码,名称,金额,备注,备注\n1,甲,2,x,y\n".encode("gbk"), "f.csv")
    assert table.column("name").to_pylist() == ["甲"]


PLAIN = [
    "金额,编码,名称\r\n12.50,0001,太原市某某有限公司\r\n,0002,晋中\r\n",
    "编码,名称,金额\n0001,甲,1\n0002,乙,2",  # no line break at the end
    "编码 , 名称,金额,备注,备注\n 0001 ,甲 ,1,x,y\n0002,\t乙\u3000,２,,\n",  # spaces kept, extras
    "编码,名称,金额\n",  # the header alone
    "编码,名称,金额\n0001," + "长" * 131_073 + ",1\n0002,乙\x00丙,2\n0003,丁,3\n",
    "编码,名称,金额\n0001,=HYPERLINK(x),1\n0002,'x;y',2\n",
]
NOT_PLAIN = [
    '编码,名称,金额\n0001,"甲,乙",1\n',  # a quoted field
    "编码,名称,金额\n0001,甲,1\n\n0002,乙,2\n",  # a blank line keeps its number
    "\n编码,名称,金额\n0001,甲,1\n",
    "编码,名称,金额\n0001,甲,1\n\n",  # a blank line at the end is not a row
    "编码,名称,金额\r\n0001,甲,1\r\n\r\n",
    "编码,名称,金额\r0001,甲,1\r",  # old Mac line breaks
]
RAGGED = [  # plain, with rows whose field count differs from the header's
    "编码,名称,金额\n0001,甲,1\n0002,乙\n0003,丙,3,多\n0004,丁,4\n ",
    "编码,名称,金额\n0001,乙\x00\n0002,甲,1",
]


def _row_by_row(contract, data, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(csv_reader, "plain", lambda text: False)
        return read_csv(contract, data, "f.csv")


@pytest.mark.parametrize("text", PLAIN + NOT_PLAIN + RAGGED)
def test_csv_arrow_reader_gives_what_the_row_by_row_reader_gives(csv_contract, text, monkeypatch):
    data = text.encode("gb18030")
    assert read_csv(csv_contract, data, "f.csv").equals(
        _row_by_row(csv_contract, data, monkeypatch)
    )
    # which reader read it: Arrow for plain files
    header = text.lstrip("\n").replace("\r\n", "\n").split("\n", 1)[0].split(",")
    positions = {csv_contract.headers[h.strip()]: i for i, h in enumerate(header)
                 if h.strip() in csv_contract.headers}  # fmt: skip
    assert csv_reader.plain(text) == (text not in NOT_PLAIN)
    if text not in NOT_PLAIN:
        assert csv_reader.arrow_rows(csv_contract, text, len(header), positions) is not None
