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
import logging
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spark_jobs.checks.free_text import (
    mask_id_number,
    mask_text,
    normalise_digits,
    real_birth_date,
)
from spark_jobs.checks.identifiers import id_check_character
from spark_jobs.checks.known_names import KnownNames, known_names_from_landing
from spark_jobs.checks.masking import mask_name
from spark_jobs.checks.pii_files import (
    MUST_READ,
    READERS,
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


@dataclass(frozen=True)
class Finding:
    """One piece of raw personal data: where it is and a masked excerpt around it."""

    path: str
    location: str
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.path}: {self.location}: {self.kind}: {self.excerpt}"


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
