"""Readers: one per delivery format, each turning delivered bytes into the same bronze shape.

Every reader returns a pyarrow Table of strings: one column per contract field (the field's
`name`, the value exactly as delivered, never typed), `_row_number` (int64) and `_parse_error`
(null when the row was read cleanly). A row that cannot be read cleanly is kept with its
`_parse_error`, so silver quarantines it and nothing read is dropped. A file that cannot be read
at all raises `FileRejected`, whose message names the file and what is wrong.

| format | reader | rows come from | `_row_number` |
|---|---|---|---|
| csv | `read_csv` | lines under the header row, columns by header | 1 = first record after the header |
| xlsx | `read_xlsx` | sheet rows under the header row, columns by header | sheet row − header row |
| jsonl | `read_jsonl` | one JSON object per line, values by `key` | the line number |
| json_pages | `read_json_dump` | `records_key` of every page of a dump, in page order | running across the pages |

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

import csv
import io
import json
import math
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Sequence

import pyarrow as pa

from spark_jobs.contracts import PAGE_KEYS, Contract

ROW_COLUMNS = ("_row_number", "_parse_error")
PAGE_FILE = re.compile(r"^(?P<dump>.+)_p(?P<page>[0-9]{4,})\.json$")
XLSX_HEADER_SEARCH = 10  # rows (title rows above the header) searched for the header row


class FileRejected(ValueError):
    """A whole file cannot be read; the message names the file and what is wrong."""


class DumpRejected(FileRejected):
    """A paged JSON dump is incomplete or unreadable; the message names the dump and why.
    Every page file of the dump is rejected with this message."""


def _table(contract: Contract, columns: dict[str, list], row_numbers: list[int],
           errors: list[str | None]) -> pa.Table:
    arrays = {name: pa.array(columns[name], pa.string()) for name in contract.field_names}
    arrays["_row_number"] = pa.array(row_numbers, pa.int64())
    arrays["_parse_error"] = pa.array(errors, pa.string())
    return pa.table(arrays)


def _decode(contract: Contract, data: bytes, source_file: str) -> str:
    try:
        return data.decode(contract.encoding)
    except UnicodeDecodeError as exc:
        raise FileRejected(
            f"{source_file}: not valid {contract.encoding} at byte {exc.start} "
            f"(bytes {data[exc.start:exc.start + 4]!r})") from None


# ---------------------------------------------------------------------------------------- csv

# A line appended after the text: it comes back as its own record unless the file ends inside
# a quoted field, which swallows it. Noncharacters, so no delivery contains it.
_END = "\ufdd0end-of-delivery\ufdd1"


def read_csv(contract: Contract, data: bytes, source_file: str) -> pa.Table:
    """Decode (contract encoding; GBK deliveries as GB18030) and split by the header row."""
    if not data.strip():
        raise FileRejected(f"{source_file}: empty file")
    text = _decode(contract, data, source_file)
    newline = "" if text.endswith(("\n", "\r")) else "\n"
    reader = csv.reader(io.StringIO(text + newline + _END + "\n", newline=""),
                        delimiter=contract.delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise FileRejected(f"{source_file}: line {reader.line_num}: {exc}") from None
    if records[-1] != [_END]:
        raise FileRejected(
            f"{source_file}: truncated: the file ends inside a quoted field "
            f"(record {len(records) - 1} after the header)")
    records.pop()
    while records and not records[0]:
        records.pop(0)  # blank lines before the header
    if not records:
        raise FileRejected(f"{source_file}: empty file")
    header = [h.strip().lstrip("\ufeff") for h in records[0]]
    by_header = contract.headers
    missing = [f"{f.header} ({f.name})" for f in contract.fields if f.header not in header]
    if missing:
        raise FileRejected(f"{source_file}: header lacks column(s) {', '.join(missing)}")
    positions = {by_header[h]: i for i, h in enumerate(header) if h in by_header}
    columns: dict[str, list] = {name: [] for name in contract.field_names}
    row_numbers, errors = [], []
    for number, row in enumerate(records[1:], start=1):
        if not row:
            continue  # a blank line is not a row
        row_numbers.append(number)
        if len(row) != len(header):
            errors.append(f"row has {len(row)} fields, header has {len(header)}")
            for name in columns:
                columns[name].append(None)
            continue
        errors.append(None)
        for name, pos in positions.items():
            columns[name].append(row[pos])
    return _table(contract, columns, row_numbers, errors)


# --------------------------------------------------------------------------------------- xlsx

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

    if not data.strip():
        raise FileRejected(f"{source_file}: empty file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors
        raise FileRejected(f"{source_file}: not a readable xlsx workbook "
                           f"({type(exc).__name__}: {exc})") from None
    try:
        if contract.sheet is not None:
            if contract.sheet not in book.sheetnames:
                raise FileRejected(f"{source_file}: no sheet {contract.sheet!r} "
                                   f"(sheets: {', '.join(book.sheetnames)})")
            sheet = book[contract.sheet]
        elif book.worksheets:
            sheet = book.worksheets[0]
        else:
            raise FileRejected(f"{source_file}: the workbook has no worksheet")
        try:
            return _read_sheet(contract, sheet, source_file)
        except FileRejected:
            raise
        except Exception as exc:
            raise FileRejected(f"{source_file}: sheet {sheet.title!r} cannot be read "
                               f"({type(exc).__name__}: {exc})") from None
    finally:
        book.close()


def _read_sheet(contract: Contract, sheet, source_file: str) -> pa.Table:
    sheet.reset_dimensions()  # some writers record wrong dimensions; read every row
    rows = ((n, [cell_text(c.value, c.number_format) for c in row])
            for n, row in enumerate(sheet.iter_rows(), start=1))  # missing rows come as ()
    rows = ((n, values) for n, values in rows if any(v not in (None, "") for v in values))
    # the header row: the first non-empty row, or a row below title rows that has every header
    wanted = set(contract.headers)
    looked: list[tuple[int, list]] = []
    header_row = None
    for n, values in rows:
        looked.append((n, values))
        if wanted <= {(v or "").strip() for v in values}:
            header_row = (n, values)
            break
        if len(looked) == XLSX_HEADER_SEARCH:
            break
    if not looked:
        raise FileRejected(f"{source_file}: empty file (sheet {sheet.title!r} has no rows)")
    if header_row is None:
        first = {(v or "").strip() for v in looked[0][1]}
        missing = [f"{f.header} ({f.name})" for f in contract.fields if f.header not in first]
        raise FileRejected(f"{source_file}: header lacks column(s) {', '.join(missing)}")
    header_at, header_values = header_row
    header = [(v or "").strip() for v in header_values]
    width = max(i for i, h in enumerate(header) if h) + 1
    positions = {contract.headers[h]: i for i, h in enumerate(header) if h in contract.headers}
    columns: dict[str, list] = {name: [] for name in contract.field_names}
    row_numbers, errors = [], []
    for n, values in rows:
        row_numbers.append(n - header_at)
        beyond = [i for i, v in enumerate(values) if i >= width and v not in (None, "")]
        errors.append(
            f"row has a value in column {_column_letter(beyond[0])}, beyond the header's "
            f"{width} columns" if beyond else None)
        for name, pos in positions.items():
            columns[name].append(values[pos] if pos < len(values) else None)
    return _table(contract, columns, row_numbers, errors)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# -------------------------------------------------------------------------------------- JSON

class _Number(str):
    """A JSON number kept exactly as written (`1.50` stays `1.50`, a 20-digit id stays whole)."""


_MISSING = object()


def loads(text: str):
    """json.loads, but numbers stay as written (as `_Number` strings)."""
    return json.loads(text, parse_int=_Number, parse_float=_Number, parse_constant=_Number)


def lookup(document, path: str):
    """The value at a dotted path (`data.records`, `items.0.code`), or `_MISSING`."""
    current = document
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return _MISSING
    return current


def to_json(value) -> str:
    """Compact JSON with numbers as written and Chinese kept readable."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{to_json(v)}"
                              for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def value_text(value, separator: str | None = None) -> str | None:
    """A JSON value as bronze's string: strings as they are, numbers as written, true/false,
    null as null, lists joined by the field's separator (else JSON), objects as JSON."""
    if value is None or value is _MISSING:
        return None
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and separator is not None:
        return separator.join("" if v is None else (value_text(v) if not isinstance(
            v, (list, dict)) else to_json(v)) for v in value)
    return to_json(value)


def _record_values(contract: Contract, record: dict) -> dict[str, str | None]:
    return {f.name: value_text(lookup(record, f.key), f.separator) for f in contract.fields}


def _kind(value) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, _Number):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "null" if value is None else "true/false"


def read_jsonl(contract: Contract, data: bytes, source_file: str) -> pa.Table:
    """JSON Lines: one object per line; an unreadable line is kept with `_parse_error`."""
    if not data.strip():
        raise FileRejected(f"{source_file}: empty file")
    text = _decode(contract, data, source_file).lstrip("\ufeff")
    columns: dict[str, list] = {name: [] for name in contract.field_names}
    row_numbers, errors = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue  # a blank line is not a row
        row_numbers.append(number)
        try:
            record = loads(line)
        except json.JSONDecodeError as exc:
            record, error = None, (f"line {number}: invalid JSON at column {exc.colno}: "
                                   f"{exc.msg}")
        else:
            error = None if isinstance(record, dict) else (
                f"line {number}: not a JSON object but {_kind(record)}")
        errors.append(error)
        values = _record_values(contract, record) if error is None else {}
        for name in columns:
            columns[name].append(values.get(name))
    if all(e is not None for e in errors):
        raise FileRejected(f"{source_file}: no line is a JSON object "
                           f"(first problem: {errors[0]})")
    return _table(contract, columns, row_numbers, errors)


# --------------------------------------------------------------------------------- json_pages

def split_page_name(source_file: str) -> tuple[str, int] | None:
    """`…/credit_penalties_20240628_p0003.json` → ("credit_penalties_20240628", 3)."""
    match = PAGE_FILE.match(source_file.rsplit("/", 1)[-1])
    if match is None:
        return None
    return match.group("dump"), int(match.group("page"))


@dataclass
class Page:
    source_file: str
    number: int
    size: int
    total: int
    records: list


class _PageProblem(Exception):
    pass


def _whole_number(value) -> int | None:
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):
        return int(value)
    return None


def read_json_page(contract: Contract, data: bytes, source_file: str, number: int) -> Page:
    """One page document; raises _PageProblem with the page's problem."""
    name = source_file.rsplit("/", 1)[-1]
    if not data.strip():
        raise _PageProblem(f"page {number} is empty ({name})")
    try:
        text = data.decode(contract.encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise _PageProblem(f"page {number} is not valid {contract.encoding} at byte "
                           f"{exc.start} ({name})") from None
    try:
        document = loads(text)
    except json.JSONDecodeError as exc:
        raise _PageProblem(f"invalid JSON in page {number} at line {exc.lineno} column "
                           f"{exc.colno} ({name}: {exc.msg})") from None
    values = {}
    for attr in PAGE_KEYS:
        path = getattr(contract.page, attr)
        raw = lookup(document, path)
        values[attr] = _whole_number(raw)
        if values[attr] is None:
            what = "missing" if raw is _MISSING else f"not a whole number: {to_json(raw)}"
            raise _PageProblem(f"page {number} ({name}): page {attr} at {path} is {what}")
    if values["number"] != number:
        raise _PageProblem(f"page file {name} holds page {values['number']}")
    if values["size"] < 1 or values["total"] < 0:
        raise _PageProblem(f"page {number} ({name}): impossible page size {values['size']} "
                           f"or total {values['total']}")
    records = lookup(document, contract.records_key)
    if records is _MISSING:
        raise _PageProblem(f"page {number} ({name}): no records at {contract.records_key}")
    if records is None:
        records = []
    if not isinstance(records, list):
        raise _PageProblem(f"page {number} ({name}): records at {contract.records_key} are "
                           f"{_kind(records)}, not a list")
    return Page(source_file, number, values["size"], values["total"], records)


def _numbers(numbers: Iterable[int]) -> str:
    numbers = sorted(numbers)
    return f"page{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


def read_json_dump(contract: Contract, dump: str,
                   pages: Sequence[tuple[str, bytes]]) -> pa.Table:
    """A complete paged dump → one table (rows in page order, `_source_file` per row).

    `pages` are (source_file, bytes) of every file named `<dump>_p<NNNN>.json`. The dump is
    complete when every page parses, all pages agree on total and size, pages 1..ceil(total /
    size) are all there (no more), and the records add up to total; otherwise `DumpRejected`
    names the dump and every problem found."""
    problems: list[str] = []
    parsed: list[Page] = []
    present: dict[int, str] = {}
    for source_file, data in pages:
        split = split_page_name(source_file)
        if split is None or split[0] != dump:
            problems.append(f"{source_file.rsplit('/', 1)[-1]} is not a page file of this dump")
            continue
        present[split[1]] = source_file
        try:
            parsed.append(read_json_page(contract, data, source_file, split[1]))
        except _PageProblem as exc:
            problems.append(str(exc))
    agreed = True
    for attr in ("total", "size"):
        said = {p.number: getattr(p, attr) for p in parsed}
        if len(set(said.values())) > 1:
            agreed = False
            problems.append(f"pages disagree on {attr}: " + ", ".join(
                f"page {n} says {v}" for n, v in sorted(said.items())))
    if parsed and agreed:
        total, size = parsed[0].total, parsed[0].size
        expected = max(1, math.ceil(total / size))
        missing = [n for n in range(1, expected + 1) if n not in present]
        extra = [n for n in present if n > expected]
        if missing:
            problems.append(f"missing {_numbers(missing)} of {expected}")
        if extra:
            problems.append(f"unexpected {_numbers(extra)}: total {total} at {size} per page "
                            f"makes {expected} page{'s' if expected > 1 else ''}")
        if not problems:
            count = sum(len(p.records) for p in parsed)
            if count != total:
                problems.append(f"records add up to {count}, total says {total}")
    elif not pages:
        problems.append("no page files")
    if problems:
        raise DumpRejected(f"{dump}: {'; '.join(problems)}")

    columns: dict[str, list] = {name: [] for name in contract.field_names}
    row_numbers, errors, files = [], [], []
    for page in sorted(parsed, key=lambda p: p.number):
        for index, record in enumerate(page.records, start=1):
            row_numbers.append(len(row_numbers) + 1)
            files.append(page.source_file)
            if isinstance(record, dict):
                errors.append(None)
                values = _record_values(contract, record)
            else:
                errors.append(f"page {page.number} record {index}: not a JSON object but "
                              f"{_kind(record)}")
                values = {}
            for name in columns:
                columns[name].append(values.get(name))
    table = _table(contract, columns, row_numbers, errors)
    return table.append_column("_source_file", pa.array(files, pa.string()))


# ---------------------------------------------------------------------------------- dispatch

READERS = {"csv": read_csv, "xlsx": read_xlsx, "jsonl": read_jsonl}


def read_delivery(contract: Contract, data: bytes, source_file: str) -> pa.Table:
    """Read one delivered file of a single-file format (csv, xlsx, jsonl)."""
    try:
        reader = READERS[contract.format]
    except KeyError:
        raise ValueError(f"{contract.name}: format {contract.format} is read per dump "
                         "(read_json_dump), not per file") from None
    return reader(contract, data, source_file)
