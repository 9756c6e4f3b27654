"""Delivery contracts: one YAML file per source in `schemas/`, loaded into typed objects.

The contract is the single description of a source's delivery format; bronze parsing, silver
validation, masking and the docs all read it, so a source changes in one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .settings import REPO_ROOT

FIELD_TYPES = {"string", "code", "date", "list", "integer", "decimal"}
PII_CLASSES = {"none", "identifier", "contact", "name"}


class ContractError(ValueError):
    """A contract file is itself malformed."""


@dataclass(frozen=True)
class Field:
    name: str
    header: str
    type: str
    required: bool = False
    pattern: str | None = None
    max_length: int | None = None
    check: str | None = None
    codes: dict[str, str] = field(default_factory=dict)
    delivered_as: str = "label"  # for codes: is the delivered value the label or the code?
    formats: tuple[str, ...] = ()
    separator: str | None = None
    min_items: int | None = None
    item_pattern: str | None = None
    not_before: str | None = None
    pii: str = "none"
    references: dict[str, str] | None = None
    description: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Contract:
    name: str
    version: str
    format: str
    encoding: str
    delimiter: str
    landing_dir: str
    natural_key: tuple[str, ...]
    fields: tuple[Field, ...]
    title: dict[str, str]
    description: dict[str, str]
    order_by: tuple[str, ...] = ()
    repository: int | None = None

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def headers(self) -> dict[str, str]:
        """Delivered header → field name."""
        return {f.header: f.name for f in self.fields}

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def pii_fields(self) -> list[Field]:
        return [f for f in self.fields if f.pii != "none"]


def _field(contract: str, raw: dict) -> Field:
    missing = {"name", "header", "type"} - raw.keys()
    if missing:
        raise ContractError(f"{contract}: field {raw!r} lacks {sorted(missing)}")
    if raw["type"] not in FIELD_TYPES:
        raise ContractError(f"{contract}.{raw['name']}: unknown type {raw['type']!r}")
    pii = raw.get("pii", "none")
    if pii not in PII_CLASSES:
        raise ContractError(f"{contract}.{raw['name']}: unknown pii class {pii!r}")
    if raw["type"] == "code" and not raw.get("codes"):
        raise ContractError(f"{contract}.{raw['name']}: a code field needs `codes`")
    known = set(Field.__dataclass_fields__)
    extra = set(raw) - known
    if extra:
        raise ContractError(f"{contract}.{raw['name']}: unknown keys {sorted(extra)}")
    values = dict(raw)
    values["codes"] = {str(k): str(v) for k, v in (raw.get("codes") or {}).items()}
    values["formats"] = tuple(raw.get("formats") or ())
    values["pii"] = pii
    return Field(**values)


def load_contract(path: Path) -> Contract:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    name = raw.get("name") or Path(path).stem
    fields = tuple(_field(name, f) for f in raw.get("fields", []))
    if not fields:
        raise ContractError(f"{path}: no fields")
    names = [f.name for f in fields]
    for key in raw.get("natural_key", []):
        if key not in names:
            raise ContractError(f"{name}: natural key {key!r} is not a field")
    return Contract(
        name=name,
        version=str(raw["version"]),
        format=raw.get("format", "csv"),
        encoding=raw.get("encoding", "utf-8"),
        delimiter=raw.get("delimiter", ","),
        landing_dir=raw.get("landing_dir", name),
        natural_key=tuple(raw.get("natural_key", [])),
        fields=fields,
        title=raw.get("title", {}),
        description=raw.get("description", {}),
        order_by=tuple(raw.get("order_by") or ()),
        repository=raw.get("repository"),
    )


@lru_cache(maxsize=None)
def get_contract(name: str, contract_dir: str = str(REPO_ROOT / "schemas")) -> Contract:
    return load_contract(Path(contract_dir) / f"{name}.yaml")


def all_contracts(contract_dir: Path = REPO_ROOT / "schemas") -> list[Contract]:
    return [load_contract(p) for p in sorted(Path(contract_dir).glob("*.yaml"))]
