"""What every reader shares: the rejection errors, decoding, and the bronze-shaped table.

A reader collects its rows in `Rows` and returns `Rows.table()`: one string column per contract
field (named by the field's `name`, values exactly as delivered), then `_row_number` (int64) and
`_parse_error` (null when the row was read cleanly).

Two value faults no contract rule can see are caught here, for every format, row by row (the
row is kept with `_parse_error` naming the field; the file's other rows land):
- a NUL character (U+0000): C-based tools cut the value there, so it is not kept as delivered
  data without a flag;
- a value longer than MAX_FIELD_CHARS: not kept (null), so one runaway field (a missing closing
  quote, a pasted document) does not reject the file or fill bronze.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from spark_jobs.contracts import Contract
from spark_jobs.ingest.readers.sniff import describe_bytes, encoding_mismatch

ROW_COLUMNS = ("_row_number", "_parse_error")
# The longest value kept, in characters: far above any contract field (the longest, free-text
# case descriptions, stay within a few thousand) and Python csv's own default field limit.
MAX_FIELD_CHARS = 131_072
NUL = "\x00"


def duplicate_headers(contract: Contract, header: list[str], source_file: str) -> None:
    """Reject a header that names a contract column twice: which copy holds the values is
    unknown, so neither is read. Repeated columns the contract does not read are ignored."""
    for h in contract.headers:
        at = [i + 1 for i, name in enumerate(header) if name == h]
        if len(at) > 1:
            raise FileRejected(
                f"{source_file}: header has column {h} ({contract.headers[h]}) {len(at)} times "
                f"(columns {', '.join(map(str, at))}): which one holds the values is unknown"
            )


class FileRejected(ValueError):
    """A whole file cannot be read; the message names the file and what is wrong."""


class DumpRejected(FileRejected):
    """A paged JSON dump is incomplete or unreadable; the message names the dump and why.
    Every page file of the dump is rejected with this message."""


class DumpIncomplete(DumpRejected):
    """A paged dump whose pages are all readable and agree, but some are not here yet: the
    rest may come with a later delivery (a credit dump sent in parts), so bronze holds the
    pages as `waiting` instead of rejecting them. `missing` are the absent page numbers."""

    def __init__(self, message: str, missing: list[int]):
        super().__init__(message)
        self.missing = missing


def require_content(data: bytes, source_file: str) -> None:
    """Reject a file that holds nothing but whitespace."""
    if not data.strip():
        raise FileRejected(f"{source_file}: empty file")


def decode(contract: Contract, data: bytes, source_file: str) -> str:
    """The file's text in the contract's encoding; a byte that does not decode rejects it,
    saying what the bytes look like (a department fixes its export settings from that)."""
    try:
        return data.decode(contract.encoding)
    except UnicodeDecodeError as exc:
        raise FileRejected(
            f"{source_file}: not valid {contract.encoding} at byte {exc.start} "
            f"(bytes {data[exc.start : exc.start + 4]!r}): "
            f"{encoding_mismatch(contract.encoding, data) or describe_bytes(data)}"
        ) from None


class Rows:
    """The rows read so far, column by column, in the order they were read."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.header_of = {name: header for header, name in contract.headers.items()}
        self.columns: dict[str, list[str | None]] = {name: [] for name in contract.field_names}
        self.row_numbers: list[int] = []
        self.errors: list[str | None] = []

    def __len__(self) -> int:
        return len(self.row_numbers)

    def add(
        self, row_number: int, values: Mapping[str, str | None], error: str | None = None
    ) -> None:
        """One row: a value per field `name` (a field not in `values` is null)."""
        self.row_numbers.append(row_number)
        self.errors.append(error)
        for name, column in self.columns.items():
            column.append(values.get(name))

    def table(self) -> pa.Table:
        arrays = {name: pa.array(values, pa.string()) for name, values in self.columns.items()}
        return self.from_arrays(arrays, pa.array(self.row_numbers, pa.int64()), self.errors)

    def from_arrays(
        self, arrays: dict[str, pa.Array], row_numbers: pa.Array, errors: list[str | None]
    ) -> pa.Table:
        """The bronze-shaped table of string columns read by any means (a row per index),
        their values flagged; `errors`: each row's parse error, or [] for none."""
        problems: dict[int, list[str]] = {}
        arrays = {name: self._flag_values(name, arrays[name], problems) for name in self.columns}
        if problems and not errors:
            errors = [None] * len(row_numbers)
        errors = list(errors)
        for i, found in problems.items():
            before = errors[i]
            errors[i] = "; ".join(([before] if before else []) + found)
        arrays["_row_number"] = row_numbers
        arrays["_parse_error"] = (
            pa.array(errors, pa.string()) if errors else pa.nulls(len(row_numbers), pa.string())
        )
        return pa.table(arrays)

    def _flag_values(self, name: str, array: pa.Array, problems: dict[int, list[str]]):
        """The column with overlong values nulled; each flagged row's problems in `problems`.
        Vectorised (Arrow compute), so clean files pay two kernel calls per column."""
        label = f"field {self.header_of.get(name, name)} ({name})"
        lengths = pc.utf8_length(array)
        too_long = pc.fill_null(pc.greater(lengths, MAX_FIELD_CHARS), False)
        has_nul = pc.fill_null(pc.match_substring(array, NUL), False)
        if pc.any(too_long).as_py():
            for i in pc.indices_nonzero(too_long).to_pylist():
                problems.setdefault(i, []).append(
                    f"{label} is {lengths[i].as_py()} characters long, over {MAX_FIELD_CHARS}: "
                    "not kept"
                )
            array = pc.if_else(too_long, pa.scalar(None, pa.string()), array)
        if pc.any(has_nul).as_py():
            for i in pc.indices_nonzero(has_nul).to_pylist():
                if not too_long[i].as_py():
                    at = array[i].as_py().index(NUL) + 1
                    problems.setdefault(i, []).append(
                        f"{label} holds a NUL character at position {at}"
                    )
        return array
