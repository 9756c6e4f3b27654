"""What a refused file's bytes look like (readers/sniff.py): exact tests, no guessing."""

from __future__ import annotations

import codecs

import pytest

from spark_jobs.ingest.readers.sniff import describe_bytes, encoding_mismatch

TEXT = "编码,名称\n0001,甲\n"


@pytest.mark.parametrize(
    ("data", "looks"),
    [
        (b"code,name\n", "plain ASCII"),
        (TEXT.encode("utf-8"), "UTF-8 without a byte-order mark"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "UTF-8 with a byte-order mark"),
        (TEXT.encode("gbk"), "GBK/GB18030 (not UTF-8)"),
        (TEXT.encode("utf-16"), "UTF-16 (little-endian) with a byte-order mark"),
        (TEXT.encode("utf-16-be"), "UTF-16 without a byte-order mark (every other byte is NUL)"),
        (TEXT.encode("utf-32"), "UTF-32 (little-endian) with a byte-order mark"),
        (b"PK\x03\x04\x14\x00", "a ZIP archive (an XLSX workbook?), not text"),
        (
            b"abc" + b"\xff\xfe\xfd" * 3,
            "neither UTF-8 nor GBK (GB18030): another encoding, or not text",
        ),
    ],
)
def test_the_bytes_are_described_by_what_they_are(data, looks):
    assert describe_bytes(data) == looks


@pytest.mark.parametrize(
    ("encoding", "data", "message"),
    [
        ("gb18030", TEXT.encode("gbk"), None),
        ("gbk", b"ascii only\n", None),
        ("utf-8", TEXT.encode("utf-8"), None),
        ("utf-8-sig", codecs.BOM_UTF8 + TEXT.encode("utf-8"), None),
        (
            "gb18030",
            codecs.BOM_UTF8 + TEXT.encode("utf-8"),
            "the bytes are UTF-8 with a byte-order mark, but the contract promises GBK (GB18030)",
        ),
        (
            "utf-8",
            codecs.BOM_UTF8 + TEXT.encode("utf-8"),
            "the bytes are UTF-8 with a byte-order mark, but the contract promises UTF-8",
        ),
        (
            "utf-8-sig",
            TEXT.encode("gbk"),
            "the bytes are GBK/GB18030 (not UTF-8), but the contract promises UTF-8 "
            "(a byte-order mark allowed)",
        ),
        ("big5", TEXT.encode("gbk"), None),  # an encoding we do not describe: no claim
    ],
)
def test_a_mismatch_names_what_was_sent_and_what_was_promised(encoding, data, message):
    assert encoding_mismatch(encoding, data) == message
