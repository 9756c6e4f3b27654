"""XLSX: rows of the contract's sheet (default: the first) under the header row.

Cells become the text a person sees in Excel (`cell_text`): codes stay digits, a zero-padded
number format keeps its zeros, dates are yyyy-MM-dd. The header row is the first non-empty row,
or a row below title rows that has every header; `_row_number` is the sheet row minus the header
row. A value to the right of the header's last column is kept with `_parse_error`. A file that
is not a readable zip (a cut-off xlsx among them) is rejected.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa

from spark_jobs.contracts import Contract
from spark_jobs.ingest.readers.common import FileRejected, Rows, duplicate_headers, require_content

XLSX_HEADER_SEARCH = 10  # rows (title rows above the header) searched for the header row


def cell_text(value, number_format: str | None = "General") -> str | None:
    """A cell as the text a person sees: codes stay digits (no 1.4E+13, no `.0`), a zero-padded
    number format keeps its zeros, dates are yyyy-MM-dd (with HH:mm:ss if they have a time)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        return _number_text(value, number_format or "General")
    return str(value)


def _number_text(value: int | float, number_format: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    fmt = number_format.split(";")[0]
    exact = Decimal(value) if isinstance(value, int) else Decimal(f"{value:.15g}")
    zeros = re.fullmatch(r"(0+)(?:\.(0+))?", fmt)
    if zeros:  # "000000" (codes keep their leading zeros) or "0.00"
        places = len(zeros.group(2) or "")
        rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        sign, text = ("-", f"{-rounded:f}") if rounded < 0 else ("", f"{rounded:f}")
        whole, _, frac = text.partition(".")
        return sign + whole.zfill(len(zeros.group(1))) + (f".{frac}" if frac else "")
    if exact == exact.to_integral_value():
        return str(int(exact))
    return f"{exact.normalize():f}"  # no exponent: 0.000015, not 1.5e-05


def read_xlsx(contract: Contract, data: bytes, source_file: str) -> pa.Table:
    """Read the contract's sheet (default: the first) with openpyxl in read-only mode."""
    import openpyxl

    require_content(data, source_file)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors
        raise FileRejected(
            f"{source_file}: not a readable xlsx workbook ({type(exc).__name__}: {exc})"
        ) from None
    try:
        sheet = _sheet(contract, book, source_file)
        try:
            return _read_sheet(contract, sheet, source_file)
        except FileRejected:
            raise
        except Exception as exc:
            raise FileRejected(
                f"{source_file}: sheet {sheet.title!r} cannot be read ({type(exc).__name__}: {exc})"
            ) from None
    finally:
        book.close()


def _sheet(contract: Contract, book, source_file: str):
    if contract.sheet is not None:
        if contract.sheet not in book.sheetnames:
            raise FileRejected(
                f"{source_file}: no sheet {contract.sheet!r} (sheets: {', '.join(book.sheetnames)})"
            )
        return book[contract.sheet]
    if book.worksheets:
        return book.worksheets[0]
    raise FileRejected(f"{source_file}: the workbook has no worksheet")


def _read_sheet(contract: Contract, sheet, source_file: str) -> pa.Table:
    sheet.reset_dimensions()  # some writers record wrong dimensions; read every row
    rows = _non_empty_rows(sheet)
    header_at, header_values = _header_row(contract, sheet, rows, source_file)
    header = [(v or "").strip() for v in header_values]
    width = max(i for i, h in enumerate(header) if h) + 1
    duplicate_headers(contract, header, source_file)
    positions = {contract.headers[h]: i for i, h in enumerate(header) if h in contract.headers}
    out = Rows(contract)
    for n, values in rows:  # the rows after the header row
        beyond = [i for i, v in enumerate(values) if i >= width and v not in (None, "")]
        error = (
            f"row has a value in column {_column_letter(beyond[0])}, beyond the header's "
            f"{width} columns"
            if beyond
            else None
        )
        cells = {
            name: values[pos] if pos < len(values) else None for name, pos in positions.items()
        }
        out.add(n - header_at, cells, error)
    return out.table()


def _non_empty_rows(sheet) -> Iterator[tuple[int, list[str | None]]]:
    """(sheet row number, cell texts) of every row with a value; missing rows come as ()."""
    for n, row in enumerate(sheet.iter_rows(), start=1):
        values = [cell_text(c.value, c.number_format) for c in row]
        if any(v not in (None, "") for v in values):
            yield n, values


def _header_row(
    contract: Contract, sheet, rows: Iterable[tuple[int, list]], source_file: str
) -> tuple[int, list]:
    """The header row: the first non-empty row, or a row below title rows that has every
    header (searched in the first XLSX_HEADER_SEARCH non-empty rows). Consumes `rows` up to it."""
    wanted = set(contract.headers)
    looked: list[tuple[int, list]] = []
    for n, values in rows:
        looked.append((n, values))
        if wanted <= {(v or "").strip() for v in values}:
            return n, values
        if len(looked) == XLSX_HEADER_SEARCH:
            break
    if not looked:
        raise FileRejected(f"{source_file}: empty file (sheet {sheet.title!r} has no rows)")
    first = {(v or "").strip() for v in looked[0][1]}
    missing = [f"{f.header} ({f.name})" for f in contract.fields if f.header not in first]
    raise FileRejected(f"{source_file}: header lacks column(s) {', '.join(missing)}")


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
