"""CSV: lines under the header row, columns found by header (any order, extra columns ignored).

`_row_number` 1 is the first record after the header; a blank line is not a row. A row whose
field count differs from the header's is kept with `_parse_error` and null values. A file that
ends inside a quoted field was cut off in transfer and is rejected (what follows the cut is
unknown, so landing the rest would hide a loss); a file cut between fields ends in a short row,
kept with `_parse_error` like any short row.
"""

from __future__ import annotations

import csv
import io

import pyarrow as pa

from spark_jobs.contracts import Contract
from spark_jobs.ingest.readers.common import (
    MAX_FIELD_CHARS,
    FileRejected,
    Rows,
    decode,
    duplicate_headers,
    require_content,
)
from spark_jobs.ingest.readers.sniff import encoding_mismatch

# The csv module stops the whole file at its field limit (131072 by default); lift it so that
# an overlong value costs only its row (Rows.add flags values over MAX_FIELD_CHARS).
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30, MAX_FIELD_CHARS))

# A line appended after the text: it comes back as its own record unless the file ends inside
# a quoted field, which swallows it. Noncharacters, so no delivery contains it.
_END = "\ufdd0end-of-delivery\ufdd1"


def read_csv(contract: Contract, data: bytes, source_file: str) -> pa.Table:
    """Decode (contract encoding; GBK deliveries as GB18030) and split by the header row."""
    require_content(data, source_file)
    records = _records(contract, decode(contract, data, source_file), source_file)
    while records and not records[0]:
        records.pop(0)  # blank lines before the header
    if not records:
        raise FileRejected(f"{source_file}: empty file")
    header = [h.strip().lstrip("\ufeff") for h in records[0]]
    missing = [f"{f.header} ({f.name})" for f in contract.fields if f.header not in header]
    if missing:  # a header in another encoding reads as mojibake: say so
        hint = encoding_mismatch(contract.encoding, data)
        raise FileRejected(
            f"{source_file}: header lacks column(s) {', '.join(missing)}"
            + (f"; {hint}" if hint else "")
        )
    duplicate_headers(contract, header, source_file)
    by_header = contract.headers
    positions = {by_header[h]: i for i, h in enumerate(header) if h in by_header}
    rows = Rows(contract)
    for number, row in enumerate(records[1:], start=1):
        if not row:
            continue  # a blank line is not a row
        if len(row) != len(header):
            rows.add(number, {}, f"row has {len(row)} fields, header has {len(header)}")
        else:
            rows.add(number, {name: row[pos] for name, pos in positions.items()})
    return rows.table()


def _records(contract: Contract, text: str, source_file: str) -> list[list[str]]:
    """Every record of the text, header included; rejects a file cut inside a quoted field."""
    newline = "" if text.endswith(("\n", "\r")) else "\n"
    reader = csv.reader(
        io.StringIO(text + newline + _END + "\n", newline=""), delimiter=contract.delimiter
    )
    try:
        records = list(reader)
    except csv.Error as exc:
        raise FileRejected(f"{source_file}: line {reader.line_num}: {exc}") from None
    if records[-1] != [_END]:
        raise FileRejected(
            f"{source_file}: truncated: the file ends inside a quoted field "
            f"(record {len(records) - 1} after the header)"
        )
    records.pop()
    return records
