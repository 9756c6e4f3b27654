"""What every delivered file does with a row: apply its fault, write it, label it."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tests.synthetic.run import Run


class Writer:
    """One delivered file of a source; subclasses write one format (`_emit`, `close`)."""

    def __init__(self, run: Run, source: str, rel: str):
        self.run, self.source, self.rel = run, source, rel
        self.contract = run.contract(source)
        self.faults = run.faults
        self.count = 0  # rows written
        self.files = ExitStack()  # what the writer has open, closed by `close`

    def landing_path(self, rel: str) -> Path:
        """`landing/<rel>`, its folder made."""
        path = self.run.landing / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def open_landing(self, rel: str, encoding: str) -> TextIO:
        """`landing/<rel>` open for writing text: held open across rows (streaming), closed
        with the writer's other files by `close`."""
        path = self.landing_path(rel)
        return self.files.enter_context(open(path, "w", encoding=encoding, newline=""))

    def label_file(self, number: int) -> str:
        """The file a label of row `number` names (a paged dump settles it at close)."""
        return self.rel

    def emit(self, row: dict, eligible: bool = True) -> tuple[str, str] | None:
        """Decide a fault for `row`, write it; return the fault (None for a clean row).
        `eligible=False` keeps the row clean (its file already carries a file-level fault)."""
        fault = self.faults.decide(self.source, row, eligible)
        self.write(row, fault)
        return fault

    def write(self, row: dict, fault: tuple[str, str] | None = None) -> int:
        """Write `row` with `fault` (class, field) applied and labelled; return its number."""
        if fault is None:
            return self._emit(row)
        cls, field = fault
        if cls == "duplicate_key_different_content":  # the label is on the superseded row
            number = self.write_faulty(row, field, cls)
            self._emit(self.faults.corrected(self.source, row))
            return number
        if cls == "malformed_row":
            number = self._emit_malformed(row)
            self.faults.label(self.label_file(number), number, "_row", cls)
            return number
        bad = dict(row)
        self.faults.mutate(self.source, self.contract, cls, field, bad)
        return self.write_faulty(bad, field, cls)

    def write_faulty(self, row: dict, field: str, cls: str) -> int:
        """Write a row whose `field` already carries a fault of class `cls`, and label it."""
        number = self._emit(row)
        self.faults.label(self.label_file(number), number, field, cls)
        return number

    def _emit(self, row: dict) -> int:
        raise NotImplementedError

    def _emit_malformed(self, row: dict) -> int:
        raise ValueError(f"{self.source}: no malformed rows for this format")

    def close(self) -> None:
        self.files.close()
