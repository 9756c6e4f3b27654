"""The JSON Lines reader (spark_jobs.ingest.readers.jsonl_reader)."""

from __future__ import annotations

import pytest

from spark_jobs.ingest.readers import FileRejected
from spark_jobs.ingest.readers.jsonl_reader import read_jsonl


def test_jsonl_values_by_key_as_strings(jsonl_contract):
    lines = [
        '{"id": "P1", "entity": {"uscc": "91140100MA0XXXXX1A"}, "penalty": {"amount": 1500.50},'
        ' "officers": ["1431000001", "1431000002"], "tags": ["a", 1], "detail": {"k": "值"},'
        ' "public": true}',
        '{"id": 12345678901234567890, "penalty": {"amount": 1e3}, "officers": [], "tags": null}',
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    table = read_jsonl(jsonl_contract, data, "f.jsonl")
    assert table.to_pylist() == [
        {
            "id": "P1",
            "uscc": "91140100MA0XXXXX1A",
            "amount": "1500.50",
            "officers": "1431000001;1431000002",
            "tags": '["a",1]',
            "detail": '{"k":"值"}',
            "public": "true",
            "_row_number": 1,
            "_parse_error": None,
        },
        {
            "id": "12345678901234567890",
            "uscc": None,
            "amount": "1e3",
            "officers": "",
            "tags": None,
            "detail": None,
            "public": None,
            "_row_number": 2,
            "_parse_error": None,
        },
    ]


def test_jsonl_invalid_and_truncated_lines_are_kept_with_parse_errors(jsonl_contract):
    data = (
        b'{"id": "P1"}\n'
        b'{"id": "P2", "entity": }\n'
        b"\n"
        b'["not", "an", "object"]\n'
        b'{"id": "P5", "entity": {"us'
    )  # cut off in the last line
    table = read_jsonl(jsonl_contract, data, "f.jsonl")
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
    assert read_jsonl(jsonl_contract, data, "f.jsonl").column("id").to_pylist() == ["P1", "P2"]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", r"^f\.jsonl: empty file$"),
        (b"\n  \n", r"^f\.jsonl: empty file$"),
        (
            '{"id": "甲"}\n'.encode("gbk"),
            r"^f\.jsonl: not valid utf-8 at byte 8 \(bytes b'\\xbc\\xd7\"}'\): the bytes are "
            r"GBK/GB18030 \(not UTF-8\), but the contract promises UTF-8$",
        ),
        (
            b'{\n  "id": "P1"\n}\n',
            r"^f\.jsonl: no line is a JSON object \(first problem: line 1: invalid JSON at column 2",
        ),
    ],
)
def test_jsonl_unreadable_files(jsonl_contract, data, message):
    with pytest.raises(FileRejected, match=message):
        read_jsonl(jsonl_contract, data, "f.jsonl")
