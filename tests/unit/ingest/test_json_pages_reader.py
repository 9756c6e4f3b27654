"""The paged JSON dump reader (spark_jobs.ingest.readers.json_pages_reader); bronze ingestion
of dumps is in tests/spark/ingest/test_dumps.py."""

from __future__ import annotations

import json

import pytest

from spark_jobs.ingest.readers import DumpRejected
from spark_jobs.ingest.readers.json_pages_reader import read_json_dump, split_page_name
from tests.unit.ingest.helpers import dump_files, page, rec


def test_split_page_name():
    assert split_page_name("x/2024-06-28/credit_penalties_20240628_p0003.json") == (
        "credit_penalties_20240628",
        3,
    )
    assert split_page_name("credit_penalties_20240628_p3.json") is None
    assert split_page_name("credit_penalties_20240628.json") is None


def test_complete_dump_is_one_table_in_page_order(pages_contract):
    files = dump_files("cp", total=5, size=2)
    table = read_json_dump(pages_contract, "cp", list(reversed(files)))
    assert table.column("penalty_id").to_pylist() == ["CP001", "CP002", "CP003", "CP004", "CP005"]
    assert table.column("_row_number").to_pylist() == [1, 2, 3, 4, 5]
    assert table.column("_source_file").to_pylist() == [
        "d/cp_p0001.json",
        "d/cp_p0001.json",
        "d/cp_p0002.json",
        "d/cp_p0002.json",
        "d/cp_p0003.json",
    ]
    assert table.column("amount").to_pylist() == ["100", "200", "300", "400", "500"]
    assert table.column("uscc").to_pylist()[0] == "911400000000000001"


def test_empty_dump_is_one_page_with_no_records(pages_contract):
    table = read_json_dump(pages_contract, "cp", [("d/cp_p0001.json", page(1, 50, 0, []))])
    assert table.num_rows == 0


def test_record_that_is_not_an_object_is_kept_with_parse_error(pages_contract):
    table = read_json_dump(
        pages_contract, "cp", [("d/cp_p0001.json", page(1, 2, 2, [rec(1), "CP002"]))]
    )
    assert table.column("_parse_error").to_pylist() == [
        None,
        "page 1 record 2: not a JSON object but a string",
    ]


def _replace(files, n, data):
    return [(name, data if i == n - 1 else body) for i, (name, body) in enumerate(files)]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: dump_files("cp", 5, 1, skip={3}), "cp: missing page 3 of 5"),
        (lambda: dump_files("cp", 5, 1, skip={2, 4}), "cp: missing pages 2, 4 of 5"),
        (
            lambda: _replace(dump_files("cp", 4, 2), 2, b'{"data": {"page_no": 2, "total": }}'),
            "cp: invalid JSON in page 2 at line 1 column 34 (cp_p0002.json: Expecting value)",
        ),
        (
            lambda: _replace(dump_files("cp", 4, 2), 2, page(2, 2, 4, [rec(3)])[:40]),
            "cp: invalid JSON in page 2 at line 1 column 36 (cp_p0002.json: Unterminated string "
            "starting at)",
        ),
        (lambda: dump_files("cp", 5, 2, records_total=4), "cp: records add up to 4, total says 5"),
        (
            lambda: _replace(dump_files("cp", 4, 2), 2, page(2, 2, 6, [rec(3), rec(4)])),
            "cp: pages disagree on total: page 1 says 4, page 2 says 6",
        ),
        (
            lambda: _replace(dump_files("cp", 4, 2), 2, page(3, 2, 4, [rec(3), rec(4)])),
            "cp: page file cp_p0002.json holds page 3",
        ),
        (
            lambda: [*dump_files("cp", 4, 2), ("d/cp_p0003.json", page(3, 2, 4, []))],
            "cp: unexpected page 3: total 4 at 2 per page makes 2 pages",
        ),
        (lambda: _replace(dump_files("cp", 4, 2), 1, b""), "cp: page 1 is empty (cp_p0001.json)"),
        (
            lambda: _replace(
                dump_files("cp", 2, 2), 1, b'{"data": {"page_no": 1, "page_size": 2}}'
            ),
            "cp: page 1 (cp_p0001.json): page total at data.total is missing",
        ),
        (
            lambda: _replace(
                dump_files("cp", 2, 2),
                1,
                json.dumps(
                    {"data": {"page_no": 1, "page_size": 2, "total": 2, "records": {}}}
                ).encode(),
            ),
            "cp: page 1 (cp_p0001.json): records at data.records are an object, not a list",
        ),
        (
            lambda: _replace(dump_files("cp", 2, 2), 1, '{"data": "甲"}'.encode("gbk")),
            "cp: page 1 is not valid utf-8 at byte 10 (cp_p0001.json): the bytes are "
            "GBK/GB18030 (not UTF-8), but the contract promises UTF-8",
        ),
    ],
)
def test_incomplete_or_unreadable_dump_is_rejected_whole(pages_contract, make, message):
    with pytest.raises(DumpRejected) as caught:
        read_json_dump(pages_contract, "cp", make())
    assert str(caught.value) == message
