"""The fault table, `tests/synthetic/faults.yaml`: the one list of fault classes.

`classes` says what each class is and what the pipeline must do with it; `row_faults` says
where the generator injects the row-level ones (per source, (class, field) pairs in the order
they are forced). The tests and the fault engine read it from here; nothing copies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

FAULTS_YAML = Path(__file__).resolve().parents[1] / "faults.yaml"


@dataclass(frozen=True)
class FaultTable:
    classes: dict[str, dict]  # class → level, description, outcome, reason, …
    outcomes: dict[str, dict]  # outcome → description
    row_faults: dict[str, list[tuple[str, str]]]  # source → [(class, field)], in forcing order

    def level(self, level: str) -> list[str]:
        return [name for name, spec in self.classes.items() if spec["level"] == level]

    def outcome(self, fault_class: str) -> str:
        return self.classes[fault_class]["outcome"]


def load_fault_table(path: Path = FAULTS_YAML) -> FaultTable:
    """Read and check the table: every placed class is a row-level class, and back."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    table = FaultTable(
        doc["classes"],
        doc["outcomes"],
        {source: [(c, f) for c, f in pairs] for source, pairs in doc["row_faults"].items()},
    )
    placed = {c for pairs in table.row_faults.values() for c, _ in pairs}
    if placed != set(table.level("row")):
        raise ValueError(
            f"{path.name}: row-level classes and row_faults differ: "
            f"{sorted(placed ^ set(table.level('row')))}"
        )
    unknown = {spec["outcome"] for spec in table.classes.values()} - set(table.outcomes)
    if unknown:
        raise ValueError(f"{path.name}: unknown outcomes {sorted(unknown)}")
    return table
