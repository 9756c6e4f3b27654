"""What every reader shares: the rejection errors, decoding, and the bronze-shaped table.

A reader collects its rows in `Rows` and returns `Rows.table()`: one string column per contract
field (named by the field's `name`, values exactly as delivered), then `_row_number` (int64) and
`_parse_error` (null when the row was read cleanly).
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from spark_jobs.contracts import Contract

ROW_COLUMNS = ("_row_number", "_parse_error")


class FileRejected(ValueError):
    """A whole file cannot be read; the message names the file and what is wrong."""


class DumpRejected(FileRejected):
    """A paged JSON dump is incomplete or unreadable; the message names the dump and why.
    Every page file of the dump is rejected with this message."""


def require_content(data: bytes, source_file: str) -> None:
    """Reject a file that holds nothing but whitespace."""
    if not data.strip():
        raise FileRejected(f"{source_file}: empty file")


def decode(contract: Contract, data: bytes, source_file: str) -> str:
    """The file's text in the contract's encoding; a byte that does not decode rejects it."""
    try:
        return data.decode(contract.encoding)
    except UnicodeDecodeError as exc:
        raise FileRejected(
            f"{source_file}: not valid {contract.encoding} at byte {exc.start} "
            f"(bytes {data[exc.start : exc.start + 4]!r})"
        ) from None


class Rows:
    """The rows read so far, column by column, in the order they were read."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
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
        arrays["_row_number"] = pa.array(self.row_numbers, pa.int64())
        arrays["_parse_error"] = pa.array(self.errors, pa.string())
        return pa.table(arrays)
