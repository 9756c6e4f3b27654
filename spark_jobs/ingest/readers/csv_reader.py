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
import pyarrow.csv as pacsv

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
    """Decode (contract encoding; GBK deliveries as GB18030) and split by the header row:
    a `plain` file through Arrow's reader, any other row by row."""
    require_content(data, source_file)
    text = decode(contract, data, source_file)
    if plain(text):  # the header is the first line, split at the delimiter
        header = _header(text.split("\n", 1)[0].rstrip("\r").split(contract.delimiter))
        fast = arrow_rows(
            contract, text, len(header), _positions(contract, header, data, source_file)
        )
        if fast is not None:
            return fast
    records = _records(contract, text, source_file)
    while records and not records[0]:
        records.pop(0)  # blank lines before the header
    if not records:
        raise FileRejected(f"{source_file}: empty file")
    header = _header(records[0])
    positions = _positions(contract, header, data, source_file)
    rows = Rows(contract)
    for number, row in enumerate(records[1:], start=1):
        if not row:
            continue  # a blank line is not a row
        if len(row) != len(header):
            rows.add(number, {}, f"row has {len(row)} fields, header has {len(header)}")
        else:
            rows.add(number, {name: row[pos] for name, pos in positions.items()})
    return rows.table()


def _header(cells: list[str]) -> list[str]:
    return [h.strip().lstrip("\ufeff") for h in cells]


def _positions(contract: Contract, header: list[str], data: bytes, source_file: str):
    """Field name -> column position; rejects a header that lacks or repeats a column."""
    missing = [f"{f.header} ({f.name})" for f in contract.fields if f.header not in header]
    if missing:  # a header in another encoding reads as mojibake: say so
        hint = encoding_mismatch(contract.encoding, data)
        raise FileRejected(
            f"{source_file}: header lacks column(s) {', '.join(missing)}"
            + (f"; {hint}" if hint else "")
        )
    duplicate_headers(contract, header, source_file)
    by_header = contract.headers
    return {by_header[h]: i for i, h in enumerate(header) if h in by_header}


def plain(text: str) -> bool:
    """A file Arrow's CSV reader splits exactly as the row-by-row reader does: no quote
    character, no line break but \\n or \\r\\n, no blank line (a blank line keeps its number
    in the row-by-row reader, Arrow would renumber the rows after it)."""
    if '"' in text:
        return False
    body = text
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return False
        body = text.replace("\r\n", "\n")
    body = body.removesuffix("\n")  # one line break ends the last row; a second is a blank line
    return bool(body) and "\n\n" not in f"\n{body}\n"  # none first, last or between


def arrow_rows(
    contract: Contract, text: str, columns: int, positions: dict[str, int]
) -> pa.Table | None:
    """The rows of a `plain` file through Arrow's CSV reader (in C++: a million-row delivery
    in about a second instead of about fifteen, row by row in Python), or None when Arrow
    cannot read it (the row-by-row reader then does). The caller has checked that the text
    is plain. A row whose field count differs from the header's is kept with null values
    and its `_parse_error`, as the row-by-row reader keeps it; in a plain file a row's line
    number (which Arrow reports for such rows when it reads on one thread) is its number."""
    ragged: dict[int, int] = {}  # row number -> its field count

    def invalid(row) -> str:
        if row.number is None:  # not known: let the row-by-row reader read the file
            raise ValueError("row number unknown")
        ragged[row.number - 1] = row.actual_columns  # line 1 is the header
        return "skip"

    names = [f"c{i}" for i in range(columns)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, block_size=1 << 24, use_threads=False
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=contract.delimiter,
                quote_char=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
                invalid_row_handler=invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=[names[i] for i in sorted(set(positions.values()))],
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    n = table.num_rows + len(ragged)
    errors: list[str | None] = []
    take = None
    if ragged:  # each good row's place among all rows; null where a ragged row is
        k, places = 0, list[int | None]()
        for number in range(1, n + 1):
            if number in ragged:
                places.append(None)
                errors.append(f"row has {ragged[number]} fields, header has {columns}")
            else:
                places.append(k)
                errors.append(None)
                k += 1
        take = pa.array(places, pa.int64())
    arrays = {}
    for name in contract.field_names:
        if name not in positions:
            arrays[name] = pa.nulls(n, pa.string())
            continue
        values = table.column(f"c{positions[name]}").combine_chunks()
        arrays[name] = values if take is None else values.take(take)
    return Rows(contract).from_arrays(arrays, pa.array(range(1, n + 1), pa.int64()), errors)


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
