"""Readers: one per delivery format, each turning delivered bytes into the same bronze shape.

Every reader returns a pyarrow Table of strings: one column per contract field (the field's
`name`, the value exactly as delivered, never typed), `_row_number` (int64) and `_parse_error`
(null when the row was read cleanly). A row that cannot be read cleanly is kept with its
`_parse_error`, so silver quarantines it and nothing read is dropped. A file that cannot be read
at all raises `FileRejected`, whose message names the file and what is wrong.

| format | module | reader | rows come from | `_row_number` |
|---|---|---|---|---|
| csv | `csv_reader` | `read_csv` | lines under the header row, columns by header | 1 = first record after the header |
| xlsx | `xlsx_reader` | `read_xlsx` | sheet rows under the header row, columns by header | sheet row − header row |
| jsonl | `jsonl_reader` | `read_jsonl` | one JSON object per line, values by `key` | the line number |
| json_pages | `json_pages_reader` | `read_json_dump` | `records_key` of every page of a dump, in page order | running across the pages |

`common` holds what they share (the rejection errors, decoding, the table builder) and
`json_values` how a JSON value becomes a bronze string (jsonl and json_pages).

`read_delivery` dispatches the single-file formats; a paged dump is read as a whole with
`read_json_dump` (its table also carries `_source_file`, the page file of each row).

Truncated files: a CSV that ends inside a quoted field was cut off in transfer and is
rejected (what follows the cut is unknown, so landing the rest would hide a loss); a CSV cut
between fields ends in a short row, kept with `_parse_error` like any short row. A JSON Lines
file cut inside its last line keeps that line as a row with `_parse_error` (each line stands
alone). A cut page of a paged dump is invalid JSON and rejects the dump. A cut xlsx is not a
readable zip and is rejected.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from spark_jobs.contracts import Contract
from spark_jobs.ingest.readers.common import (
    ROW_COLUMNS,
    DumpIncomplete,
    DumpRejected,
    FileRejected,
)
from spark_jobs.ingest.readers.csv_reader import read_csv
from spark_jobs.ingest.readers.json_pages_reader import read_json_dump, split_page_name
from spark_jobs.ingest.readers.jsonl_reader import read_jsonl
from spark_jobs.ingest.readers.xlsx_reader import cell_text, read_xlsx

__all__ = [
    "READERS",
    "ROW_COLUMNS",
    "DumpIncomplete",
    "DumpRejected",
    "FileRejected",
    "cell_text",
    "read_csv",
    "read_delivery",
    "read_json_dump",
    "read_jsonl",
    "read_xlsx",
    "split_page_name",
]

READERS: dict[str, Callable[[Contract, bytes, str], pa.Table]] = {
    "csv": read_csv,
    "xlsx": read_xlsx,
    "jsonl": read_jsonl,
}


def read_delivery(contract: Contract, data: bytes, source_file: str) -> pa.Table:
    """Read one delivered file of a single-file format (csv, xlsx, jsonl)."""
    try:
        reader = READERS[contract.format]
    except KeyError:
        raise ValueError(
            f"{contract.name}: format {contract.format} is read per dump "
            "(read_json_dump), not per file"
        ) from None
    return reader(contract, data, source_file)
