"""Dispatch by the contract's format (spark_jobs.ingest.readers.read_delivery), as bronze
calls it."""

from __future__ import annotations

import pytest

from spark_jobs.ingest import bronze, readers


def test_read_delivery_dispatches_single_file_formats(csv_contract, jsonl_contract, pages_contract):
    assert readers.read_delivery(jsonl_contract, b'{"id": 1}\n', "f").num_rows == 1
    assert (
        bronze.parse_delivery(csv_contract, "编码,名称,金额\n1,2,3\n".encode("gbk"), "f").num_rows
        == 1
    )
    with pytest.raises(ValueError, match="read per dump"):
        readers.read_delivery(pages_contract, b"{}", "f")
