"""`ground_truth.csv`: one row per injected fault, `file,row_number,field,fault_class`
(columns described at the top of `faults.yaml`), the answer the pipeline's tests check against."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from tests.synthetic.faults.engine import Label

FILE_NAME = "ground_truth.csv"
HEADER = ("file", "row_number", "field", "fault_class")


def sorted_labels(labels: Iterable[Label]) -> list[Label]:
    """By file, then row (file-level labels first), then field."""
    return sorted(labels, key=lambda r: (r[0], -1 if r[1] == "" else r[1], r[2]))


def write_ground_truth(out: Path, labels: Iterable[Label]) -> Path:
    """Write `labels` in the order given (UTF-8, LF lines) to `<out>/ground_truth.csv`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(labels)
    path = Path(out) / FILE_NAME
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def read_ground_truth(out: Path) -> list[dict[str, str]]:
    with open(Path(out) / FILE_NAME, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
