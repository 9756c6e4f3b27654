"""JSON Lines: one JSON object per line, values found by each field's `key`.

`_row_number` is the line number; a blank line is not a row. A line that is not valid JSON or
not an object (a file cut inside its last line among them: each line stands alone) is kept with
`_parse_error`; a file in which no line is an object is rejected.
"""

from __future__ import annotations

import json

import pyarrow as pa

from spark_jobs.contracts import Contract
from spark_jobs.ingest.readers.common import FileRejected, Rows, decode, require_content
from spark_jobs.ingest.readers.json_values import kind, loads, record_values


def read_jsonl(contract: Contract, data: bytes, source_file: str) -> pa.Table:
    """JSON Lines: one object per line; an unreadable line is kept with `_parse_error`."""
    require_content(data, source_file)
    text = decode(contract, data, source_file).lstrip("\ufeff")
    rows = Rows(contract)
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue  # a blank line is not a row
        try:
            record = loads(line)
        except json.JSONDecodeError as exc:
            rows.add(number, {}, f"line {number}: invalid JSON at column {exc.colno}: {exc.msg}")
            continue
        if isinstance(record, dict):
            rows.add(number, record_values(contract, record))
        else:
            rows.add(number, {}, f"line {number}: not a JSON object but {kind(record)}")
    if all(e is not None for e in rows.errors):
        raise FileRejected(
            f"{source_file}: no line is a JSON object (first problem: {rows.errors[0]})"
        )
    return rows.table()
