"""File-level faults made after a file is written: a re-delivery under another name, an empty
file, a transfer cut off inside the last row. Each labels the file (a cut also its last row).

The other file-level classes are made while their file is written: columns_reordered (entities),
header_renamed (approvals), wrong_encoding (knowledge) and the page faults of a paged dump
(`writers.PagedDumpWriter.page_fault`).
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.synthetic.run import Run
    from tests.synthetic.writers import Writer


def redeliver(run: Run, rel: str, suffix: str = "_resend") -> str:
    """redelivered_file: the same bytes again under another name."""
    stem, dot, ext = rel.rpartition(".")
    copy = f"{stem}{suffix}{dot}{ext}"
    shutil.copyfile(run.landing / rel, run.landing / copy)
    run.faults.label(copy, "", "", "redelivered_file")
    return copy


def deliver_empty(run: Run, rel: str) -> None:
    """empty_file: a zero-byte file."""
    path = run.landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    run.faults.label(rel, "", "", "empty_file")


def truncate_csv(run: Run, writer: Writer) -> None:
    """truncated_file: a CSV cut after the third field of its last row."""
    path = run.landing / writer.rel
    data = path.read_bytes().rstrip(b"\r\n")
    start = data.rfind(b"\r\n") + 2
    last = data[start:]
    cut = [i for i, b in enumerate(last) if b == ord(",")][2]
    path.write_bytes(data[:start] + last[:cut])
    _relabel_last_row(run, writer)


def truncate_jsonl(run: Run, writer: Writer) -> None:
    """truncated_file: a JSON Lines file cut in the middle of its last line."""
    path = run.landing / writer.rel
    text = path.read_text(encoding="utf-8").rstrip("\n")
    start = text.rfind("\n") + 1
    path.write_text(text[:start] + text[start : start + (len(text) - start) // 2], encoding="utf-8")
    _relabel_last_row(run, writer)


def _relabel_last_row(run: Run, writer: Writer) -> None:
    """The cut row is the file's last: it carries the truncation, whatever it had before."""
    run.faults.unlabel(writer.rel, writer.count)
    run.faults.label(writer.rel, writer.count, "_row", "truncated_file")
