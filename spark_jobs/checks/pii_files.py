"""What the personal-data scanner reads in each kind of file: (location, text) pairs.

One function per file kind (`READERS`, by suffix), plus walking a folder (`iter_files`).
Parquet covers Delta tables (every parquet file on disk; `_delta_log` is skipped, its statistics
repeat values of these files). `pii_scan` looks for personal data in the texts.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

SKIPPED_DIRS = frozenset({"_delta_log", "__pycache__", ".git"})
BINARY_SUFFIXES = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".ico",
        ".pdf",
        ".zip",
        ".gz",
        ".bz2",
        ".xz",
        ".zst",
        ".jar",
        ".class",
        ".pyc",
        ".so",
        ".crc",
        ".bin",
        ".db",
        ".sqlite",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".avro",
        ".orc",
    ]
)


def _walk_json(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """(JSON path, text) of every string, and of every integer (a phone stored as a number)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk_json(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk_json(v, f"{where}[{i}]")
    elif isinstance(value, str):
        yield where, value
    elif isinstance(value, int) and not isinstance(value, bool):
        yield where, str(value)
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e19:
        yield where, str(int(value))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK), never failing."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            yield n, decode(raw)


def text_values(path: Path) -> Iterator[tuple[str, str]]:
    for n, line in _lines(path):
        yield f"line {n}", line


def _jsonl_values(path: Path) -> Iterator[tuple[str, str]]:
    for n, line in _lines(path):
        try:
            doc = json.loads(line)
        except ValueError:
            yield f"line {n}", line
            continue
        for where, text in _walk_json(doc, "$"):
            yield f"line {n}, {where}", text


def _json_values(path: Path) -> Iterator[tuple[str, str]]:
    text = decode(path.read_bytes())
    try:
        doc = json.loads(text)
    except ValueError:
        yield from _jsonl_values(path)  # JSON Lines under .json, or broken JSON: line by line
        return
    yield from _walk_json(doc, "$")


def _csv_values(path: Path) -> Iterator[tuple[str, str]]:
    text = decode(path.read_bytes())
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    for n, row in enumerate(reader):
        if n == 0:
            header = row
            for i, cell in enumerate(row):
                yield f"header, column {i + 1}", cell
            continue
        for i, cell in enumerate(row):
            col = header[i] if i < len(header) and header[i] else f"column {i + 1}"
            yield f"row {n} (line {reader.line_num}), column {col}", cell


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value:
                self.pieces.append((f"line {self.getpos()[0]}, <{tag} {name}>", value))

    def handle_data(self, data):
        if data.strip():
            self.pieces.append((f"line {self.getpos()[0]}", data))


def _html_values(path: Path) -> Iterator[tuple[str, str]]:
    parser = _HtmlText()
    parser.feed(decode(path.read_bytes()))
    parser.close()
    yield from parser.pieces


def _xlsx_values(path: Path) -> Iterator[tuple[str, str]]:
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                for c, value in enumerate(row, start=1):
                    text = _cell_text(value)
                    if text:
                        yield f"{ws.title}!{get_column_letter(c)}{r}", text
    finally:
        wb.close()


def _cell_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e19:
        return str(int(value))  # a phone number typed into Excel is a float
    return None


def _has_text(t) -> bool:
    """A column type worth reading: strings, integers, or nested types holding them."""
    import pyarrow as pa

    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_integer(t):
        return True
    if getattr(pa.types, "is_string_view", None) and pa.types.is_string_view(t):
        return True
    if pa.types.is_dictionary(t):
        return _has_text(t.value_type)
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return _has_text(t.value_type)
    if pa.types.is_struct(t):
        return any(_has_text(t.field(i).type) for i in range(t.num_fields))
    if pa.types.is_map(t):
        return _has_text(t.key_type) or _has_text(t.item_type)
    return False


def _parquet_values(path: Path) -> Iterator[tuple[str, str]]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    columns = [f.name for f in pf.schema_arrow if _has_text(f.type)]
    if not columns:
        return
    row = 0
    for batch in pf.iter_batches(batch_size=8192, columns=columns):
        for name in batch.schema.names:
            for i, value in enumerate(batch.column(name).to_pylist()):
                if value is None:
                    continue
                for where, text in _walk_json(value, ""):
                    yield f"column {name}{where}, row {row + i + 1}", text
        row += batch.num_rows


READERS = {
    ".parquet": _parquet_values,
    ".json": _json_values,
    ".jsonl": _jsonl_values,
    ".ndjson": _jsonl_values,
    ".csv": _csv_values,
    ".tsv": _csv_values,
    ".html": _html_values,
    ".htm": _html_values,
    ".xlsx": _xlsx_values,
    ".xlsm": _xlsx_values,
}
MUST_READ = frozenset({".parquet", ".xlsx", ".xlsm"})  # unreadable means unchecked


def is_binary(path: Path) -> bool:
    if path.suffix.lower() in BINARY_SUFFIXES:
        return True
    with path.open("rb") as fh:
        return b"\x00" in fh.read(8192)


def iter_files(root: Path | str) -> Iterator[Path]:
    """Files under `root` (or `root` itself), sorted, skipping `_delta_log` and checksum files."""
    root = Path(root)
    if root.is_file():
        yield root
        return
    if not root.is_dir():
        raise FileNotFoundError(f"no such file or folder: {root}")
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if any(part in SKIPPED_DIRS for part in rel[:-1]) or not path.is_file():
            continue
        if path.name in SKIPPED_DIRS or path.name == "_SUCCESS" or path.suffix == ".crc":
            continue
        yield path
