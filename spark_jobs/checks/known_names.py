"""Raw names a scanner looks for (`KnownNames`): a scanner cannot tell a name from other Han
text, so it is given the names delivered, read from the landing files' fields that the
contracts class `pii: name` (`known_names_from_landing`). Used by `pii_scan`."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spark_jobs.checks.free_text import cue_before, is_han, name_ends_at
from spark_jobs.checks.pii_files import decode, iter_files

log = logging.getLogger(__name__)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_NAME_SHAPE = re.compile(f"[{_HAN}]{{2,4}}|[{_HAN}]{{1,10}}(?:·[{_HAN}]{{1,10}})+")
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff·]{2,}")


class KnownNames:
    """Raw names to look for, indexed by their first two characters (fast on long lists).

    Only what is shaped like a Chinese name is kept: 2 to 4 Han characters, or Han parts joined
    by `·` (买买提·艾力); a shifted row's sentence in a name column is not a name.
    """

    def __init__(self, names: Iterable[Any] = ()):
        self.names: set[str] = set()
        self._by_prefix: dict[str, list[str]] = {}
        for name in names:
            self.add(name)

    def add(self, name: Any) -> None:
        if not isinstance(name, str):
            return
        cleaned = "".join(name.split())
        if cleaned in self.names or not _NAME_SHAPE.fullmatch(cleaned):
            return
        self.names.add(cleaned)
        bucket = self._by_prefix.setdefault(cleaned[:2], [])
        bucket.append(cleaned)
        bucket.sort(key=len, reverse=True)

    def __len__(self) -> int:
        return len(self.names)

    def __bool__(self) -> bool:
        return bool(self.names)

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans of known names in `text` that stand as names (see `spark_jobs.checks.pii_scan`'s docstring)."""
        if not self.names:
            return []
        stripped = text.strip()
        if stripped in self.names:
            start = text.index(stripped)
            return [(start, start + len(stripped))]
        spans = []
        for run in _HAN_RUN.finditer(text):
            i, stop = run.start(), run.end() - 1
            while i < stop:
                hit = None
                for name in self._by_prefix.get(text[i : i + 2], ()):
                    if text.startswith(name, i) and self._stands_alone(text, i, i + len(name)):
                        hit = name
                        break
                if hit:
                    spans.append((i, i + len(hit)))
                    i += len(hit)
                else:
                    i += 1
        return spans

    @staticmethod
    def _stands_alone(text: str, start: int, end: int) -> bool:
        before_ok = (
            start == 0 or not is_han(text[start - 1]) or text[start - 1] in "、和及与"
        ) or cue_before(text, start)
        return before_ok and name_ends_at(text, end)


def _dotted(doc: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(doc, dict):
            return None
        doc = doc.get(part)
    return doc


def _landing_names(path: Path, contract, fields) -> Iterator[Any]:
    fmt = contract.format
    if fmt == "csv":
        data = path.read_bytes()
        try:
            text = data.decode(contract.encoding or "utf-8")
        except (UnicodeDecodeError, LookupError):
            text = decode(data)
        rows = csv.reader(
            io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=contract.delimiter or ","
        )
        header = [h.strip() for h in next(rows, [])]
        at = [header.index(f.header) for f in fields if f.header in header]
        for row in rows:
            if len(row) == len(header):  # a shifted row's "name" column holds something else
                yield from (row[i] for i in at)
    elif fmt == "xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            ws = wb[contract.sheet] if contract.sheet in wb.sheetnames else wb.worksheets[0]
            wanted = {f.header for f in fields}
            cols: list[int] = []
            for row in ws.iter_rows(values_only=True):
                if not cols:
                    cells = [str(v).strip() if v is not None else "" for v in row]
                    cols = [i for i, v in enumerate(cells) if v in wanted]
                    continue
                yield from (row[i] for i in cols if i < len(row))
        finally:
            wb.close()
    elif fmt == "jsonl":
        for line in decode(path.read_bytes()).splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            for f in fields:
                yield _dotted(record, f.key or f.name)
    elif fmt == "json_pages":
        records = _dotted(json.loads(decode(path.read_bytes())), contract.records_key or "")
        for record in records if isinstance(records, list) else []:
            for f in fields:
                yield _dotted(record, f.key or f.name)


def known_names_from_landing(
    roots: Iterable[Path | str], contract_dir: Path | str | None = None
) -> KnownNames:
    """The raw names delivered in landing files: values of the fields each source's contract
    classes `pii: name` (caller, complainant, contact, legal representative, officer …).

    A file's source is the folder on its path named like a contract's `landing_dir`; files of
    no known source, and files that cannot be read, give no names.
    """
    from spark_jobs.contracts import source_contracts

    if contract_dir is None:
        from spark_jobs.core.settings import Settings

        contract_dir = Settings.from_env().contract_dir
    by_dir = {}
    for _, contract, _ in source_contracts(contract_dir):
        fields = [f for f in contract.fields if f.pii == "name"] if contract else []
        if contract and fields:
            by_dir[contract.landing_dir] = (contract, fields)
    names = KnownNames()
    for root in roots:
        for path in iter_files(root):
            source = next((p for p in reversed(path.parent.parts) if p in by_dir), None)
            if source is None:
                continue
            contract, fields = by_dir[source]
            try:
                for name in _landing_names(path, contract, fields):
                    names.add(name)
            except Exception as exc:
                log.debug("no names read from %s: %s", path, exc)
    return names
