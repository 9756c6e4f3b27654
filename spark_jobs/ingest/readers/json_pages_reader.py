"""Paged JSON dumps: the `records_key` of every page of a dump, read as one table.

A dump is the set of files `<dump>_p<NNNN>.json`; each page document says its page number, page
size and the dump's total (where: the contract's `page` keys). The dump is read whole or not at
all: it is complete when every page parses, all pages agree on total and size, pages
1..ceil(total / size) are all there (no more), and the records add up to total; otherwise
`DumpRejected` names the dump and every problem found (a page cut off in transfer is invalid
JSON, so it rejects the dump). `_row_number` runs across the pages in page order, and the
table also carries `_source_file`, the page file of each row.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyarrow as pa

from spark_jobs.contracts import PAGE_KEYS, Contract
from spark_jobs.ingest.readers.common import DumpIncomplete, DumpRejected, Rows
from spark_jobs.ingest.readers.json_values import (
    MISSING,
    kind,
    loads,
    lookup,
    record_values,
    to_json,
)
from spark_jobs.ingest.readers.sniff import describe_bytes, encoding_mismatch

PAGE_FILE = re.compile(r"^(?P<dump>.+)_p(?P<page>[0-9]{4,})\.json$")


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


class _PageProblem(ValueError):
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
        raise _PageProblem(
            f"page {number} is not valid {contract.encoding} at byte {exc.start} ({name}): "
            f"{encoding_mismatch(contract.encoding, data) or describe_bytes(data)}"
        ) from None
    try:
        document = loads(text)
    except json.JSONDecodeError as exc:
        raise _PageProblem(
            f"invalid JSON in page {number} at line {exc.lineno} column {exc.colno} "
            f"({name}: {exc.msg})"
        ) from None
    values: dict[str, int] = {}
    for attr in PAGE_KEYS:
        path = getattr(contract.page, attr)
        raw = lookup(document, path)
        whole = _whole_number(raw)
        if whole is None:
            what = "missing" if raw is MISSING else f"not a whole number: {to_json(raw)}"
            raise _PageProblem(f"page {number} ({name}): page {attr} at {path} is {what}")
        values[attr] = whole
    if values["number"] != number:
        raise _PageProblem(f"page file {name} holds page {values['number']}")
    if values["size"] < 1 or values["total"] < 0:
        raise _PageProblem(
            f"page {number} ({name}): impossible page size {values['size']} "
            f"or total {values['total']}"
        )
    records = lookup(document, contract.records_key or "")
    if records is MISSING:
        raise _PageProblem(f"page {number} ({name}): no records at {contract.records_key}")
    if records is None:
        records = []
    if not isinstance(records, list):
        raise _PageProblem(
            f"page {number} ({name}): records at {contract.records_key} are "
            f"{kind(records)}, not a list"
        )
    return Page(source_file, number, values["size"], values["total"], records)


def _numbers(numbers: Iterable[int]) -> str:
    numbers = sorted(numbers)
    return f"page{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


def read_json_dump(contract: Contract, dump: str, pages: Sequence[tuple[str, bytes]]) -> pa.Table:
    """A complete paged dump → one table (rows in page order, `_source_file` per row).

    `pages` are (source_file, bytes) of every file named `<dump>_p<NNNN>.json`. The dump is
    complete when every page parses, all pages agree on total and size, pages 1..ceil(total /
    size) are all there (no more), and the records add up to total; otherwise `DumpRejected`
    names the dump and every problem found (`DumpIncomplete` when absent pages are the only
    one: the rest may still arrive)."""
    problems: list[str] = []
    missing: list[int] = []
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
            problems.append(
                f"pages disagree on {attr}: "
                + ", ".join(f"page {n} says {v}" for n, v in sorted(said.items()))
            )
    if parsed and agreed:
        total, size = parsed[0].total, parsed[0].size
        expected = max(1, math.ceil(total / size))
        missing = [n for n in range(1, expected + 1) if n not in present]
        extra = [n for n in present if n > expected]
        if missing:
            problems.append(f"missing {_numbers(missing)} of {expected}")
        if extra:
            problems.append(
                f"unexpected {_numbers(extra)}: total {total} at {size} per page "
                f"makes {expected} page{'s' if expected > 1 else ''}"
            )
        if not problems:
            count = sum(len(p.records) for p in parsed)
            if count != total:
                problems.append(f"records add up to {count}, total says {total}")
    elif not pages:
        problems.append("no page files")
    if missing and len(problems) == 1:
        raise DumpIncomplete(f"{dump}: {problems[0]}", missing)
    if problems:
        raise DumpRejected(f"{dump}: {'; '.join(problems)}")

    rows = Rows(contract)
    files = []
    for page in sorted(parsed, key=lambda p: p.number):
        for index, record in enumerate(page.records, start=1):
            files.append(page.source_file)
            if isinstance(record, dict):
                rows.add(len(rows) + 1, record_values(contract, record))
            else:
                rows.add(
                    len(rows) + 1,
                    {},
                    f"page {page.number} record {index}: not a JSON object but {kind(record)}",
                )
    return rows.table().append_column("_source_file", pa.array(files, pa.string()))
