"""A scanner for raw personal data in what leaves silver (gold, exports, logs, GE results,
Data Docs, reports): check-digit aware, so it reports real ID and mobile numbers, not any digits.

What it reports (`kind`):

| kind | when |
|---|---|
| `id_number` | 17 digits + check character (`X`/`x` allowed) whose GB 11643 check character is right and whose birth date is a real date from 1900 to today |
| `id_number_15` | a legacy 15-digit number whose area code is in the GB/T 2260 table and whose `19YYMMDD` birth date is real (it has no check character) |
| `mobile` | 11 digits `1[3-9]…` (or `86` + those, or written `138-1234-5678` / `138 1234 5678`) |
| `landline` | only with `landlines=True`: `0xx(x)-xxxxxxx(x)` or `(0xxx)xxxxxxx` |
| `name` | a name from the given list of known raw names (a scanner cannot know a name otherwise) |
| `unreadable` | a file of a scanned kind (parquet, xlsx) that could not be read: it was not checked |

A number counts only as a whole run: not preceded or followed by a digit or an ASCII letter, so
a longer number (an order number, a 20-digit registration number) and hex digests or tokens
(HMAC tokens, SHA-256 of files) are not reported. A known name counts when it is a whole value,
or inside text when what comes before it is not a Han character or is a cue (联系人, 我叫 …)
and it is followed by a non-Han character, a function word or a word that follows names
(反映, 电话 …): so a name that is also part of an entity's trade name (金华 in 太原市金华商贸)
is not reported, while `来电人文桂反映` is.

What it reads: Delta / parquet (every string and integer column, nested ones too, of every
parquet file on disk: old versions of a Delta table that are not vacuumed are still data on
disk; `_delta_log` is skipped, its statistics repeat values of these files), JSON, JSON Lines,
CSV (UTF-8 or GBK), HTML (text, attribute values and scripts), XLSX (openpyxl) and any other
text file line by line (logs); binary files are skipped. A finding carries the path, where in
the file (column and row, line, JSON path or cell), the kind and an excerpt in which every
personal value found is masked: the raw value is never printed.

Command line: `python -m spark_jobs.checks.pii_scan <folder or file>... [--names-from <landing
folder>]... [--landlines]`; exit status 1 when anything is found, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spark_jobs.checks.free_text import (
    cue_before,
    is_han,
    mask_id_number,
    mask_text,
    name_ends_at,
    normalise_digits,
    real_birth_date,
)
from spark_jobs.checks.identifiers import id_check_character
from spark_jobs.checks.masking import mask_name
from spark_jobs.checks.pii_files import (
    MUST_READ,
    READERS,
    decode,
    is_binary,
    iter_files,
    text_values,
)

__all__ = [
    "Finding",
    "KnownNames",
    "find_in_text",
    "iter_files",
    "known_names_from_landing",
    "main",
    "scan_file",
    "scan_paths",
    "scan_text",
]

log = logging.getLogger(__name__)

EXCERPT_CONTEXT = 20  # characters shown on each side of a finding

# ASCII letters count as part of a run too: hex digests and tokens are not phone numbers.
_RUN = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[Xx]|[0-9]+)(?![0-9A-Za-z])")
_SPLIT_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]([- ])[0-9]{4}\1[0-9]{4}(?![0-9A-Za-z])")
_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z])(?:0[0-9]{2,3}-|\(0[0-9]{2,3}\)|（0[0-9]{2,3}）)[0-9]{7,8}(?![0-9A-Za-z])"
)
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_NAME_SHAPE = re.compile(f"[{_HAN}]{{2,4}}|[{_HAN}]{{1,10}}(?:·[{_HAN}]{{1,10}})+")
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff·]{2,}")


@dataclass(frozen=True)
class Finding:
    """One piece of raw personal data: where it is and a masked excerpt around it."""

    path: str
    location: str
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.path}: {self.location}: {self.kind}: {self.excerpt}"


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
        """Spans of known names in `text` that stand as names (see the module docstring)."""
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


def _id18(run: str) -> bool:
    upper = run.upper()
    return (
        upper[:17].isdigit()
        and id_check_character(upper[:17]) == upper[17]
        and real_birth_date(upper[6:14])
    )


def _id15(run: str) -> bool:
    # identifiers' GB/T 2260 table, retired codes kept (a legacy number has its area at issue)
    from spark_jobs.checks.identifiers import _division_table

    return run.isdigit() and real_birth_date("19" + run[6:12]) and run[:6] in _division_table()


def _mobile_run(run: str) -> bool:
    """11 digits 1[3-9]…, or the same after the country code 86."""
    if run.isdigit() and len(run) == 13 and run.startswith("86"):
        run = run[2:]
    return run.isdigit() and len(run) == 11 and run[0] == "1" and run[1] in "3456789"


def find_in_text(
    text: str, names: KnownNames | None = None, *, landlines: bool = False
) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each piece of raw personal data in `text`."""
    norm = normalise_digits(text)
    hits: list[tuple[str, int, int]] = []
    for m in _RUN.finditer(norm):
        run = m.group()
        if len(run) == 18 and _id18(run):
            hits.append(("id_number", m.start(), m.end()))
        elif len(run) == 15 and _id15(run):
            hits.append(("id_number_15", m.start(), m.end()))
        elif _mobile_run(run):
            hits.append(("mobile", m.start(), m.end()))
    hits += [("mobile", m.start(), m.end()) for m in _SPLIT_MOBILE.finditer(norm)]
    if landlines:
        hits += [("landline", m.start(), m.end()) for m in _LANDLINE.finditer(norm)]
    if names:
        hits += [("name", s, e) for s, e in names.find(text)]
    return sorted(hits, key=lambda h: (h[1], h[2]))


def _mask_hit(kind: str, raw: str) -> str:
    if kind == "name":
        return mask_name(raw) or ""
    if kind.startswith("id_number"):
        return mask_id_number(raw) or ""
    digits = [i for i, c in enumerate(raw) if c.isdigit()]
    keep = set(digits[:3] + digits[-4:]) if len(digits) >= 8 else set()
    return "".join(c if (i in keep or not c.isdigit()) else "*" for i, c in enumerate(raw))


def _excerpt(text: str, hits: list[tuple[str, int, int]], hit: tuple[str, int, int]) -> str:
    """The text around `hit`, with everything personal in it masked (masks keep the length)."""
    found_names = [text[s:e] for k, s, e in hits if k == "name"]
    masked = mask_text(text, found_names) or ""
    if len(masked) != len(text):  # cannot happen (masks keep the length), but never leak
        masked = "*" * len(text)
    chars = list(masked)
    for kind, s, e in hits:
        chars[s:e] = _mask_hit(kind, text[s:e])
    masked = "".join(chars)
    _, s, e = hit
    lo, hi = max(0, s - EXCERPT_CONTEXT), min(len(masked), e + EXCERPT_CONTEXT)
    body = " ".join(masked[lo:hi].split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(masked) else "")


def scan_text(
    text: str,
    path: str,
    location: str,
    names: KnownNames | None = None,
    *,
    landlines: bool = False,
) -> list[Finding]:
    """Findings in one value or line of text."""
    if not text:
        return []
    hits = find_in_text(text, names, landlines=landlines)
    return [Finding(path, location, h[0], _excerpt(text, hits, h)) for h in hits]


def scan_file(
    path: Path | str, names: KnownNames | None = None, *, landlines: bool = False
) -> list[Finding] | None:
    """Findings in one file, or None when it is binary and was skipped."""
    path = Path(path)
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        if is_binary(path):
            return None
        reader = text_values
    findings: list[Finding] = []
    try:
        for location, text in reader(path):
            findings += scan_text(text, str(path), location, names, landlines=landlines)
    except Exception as exc:
        if suffix not in MUST_READ:  # a text-like file that breaks its format: read its lines
            findings = []
            for location, text in text_values(path):
                findings += scan_text(text, str(path), location, names, landlines=landlines)
            return findings
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        findings.append(Finding(str(path), "file", "unreadable", reason))
    return findings


def scan_paths(
    paths: Iterable[Path | str],
    names: KnownNames | Iterable[str] | None = None,
    *,
    landlines: bool = False,
) -> list[Finding]:
    """Findings in every file under `paths` (folders are walked, `_delta_log` skipped)."""
    known = names if isinstance(names, KnownNames) or names is None else KnownNames(names)
    findings: list[Finding] = []
    for root in paths:
        for path in iter_files(root):
            findings += scan_file(path, known, landlines=landlines) or []
    return findings


# --- known names from the landing zone ----------------------------------------------------------


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


# --- command line -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m spark_jobs.checks.pii_scan",
        description="Find raw ID numbers, mobile numbers and known names in files and tables.",
    )
    parser.add_argument("paths", nargs="+", help="folders (walked) or files to scan")
    parser.add_argument(
        "--names-from",
        action="append",
        default=[],
        metavar="LANDING",
        help="landing folder whose name fields (pii: name in the contracts) are the raw names",
    )
    parser.add_argument("--contracts", help="contract folder (default: the settings' one)")
    parser.add_argument("--landlines", action="store_true", help="report landlines too")
    args = parser.parse_args(argv)

    try:
        names = (
            known_names_from_landing(args.names_from, args.contracts) if args.names_from else None
        )
        files = skipped = 0
        findings: list[Finding] = []
        for root in args.paths:
            for path in iter_files(root):
                found = scan_file(path, names, landlines=args.landlines)
                if found is None:
                    skipped += 1
                    continue
                files += 1
                findings += found
                for f in found:
                    print(f)
    except FileNotFoundError as exc:
        print(f"pii_scan: {exc}", file=sys.stderr)
        return 2
    with_findings = len({f.path for f in findings})
    print(
        f"pii_scan: {len(findings)} finding(s) in {with_findings} of {files} file(s) scanned"
        f" ({skipped} binary skipped; {len(names) if names else 0} known names)",
        file=sys.stderr,
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
