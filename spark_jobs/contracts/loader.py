"""Delivery contracts: one YAML file per source in `schemas/`, loaded into typed objects.

The contract is the single description of a source's delivery format; bronze parsing, silver
validation, masking and the docs all read it, so a source changes in one place.
"""

from __future__ import annotations

import codecs
import hashlib
import zoneinfo
from pathlib import Path
from typing import Any

import yaml

from spark_jobs.contracts.model import (
    BY_HEADER,
    BY_KEY,
    CHECK_KINDS,
    CONTRACT_KEYS,
    DEFAULT_STEPS,
    DEFAULT_TIMEZONE,
    DELIVERY_DATE,
    EXCEL_SERIAL,
    FIELD_TYPES,
    FORMATS,
    NUMBER_TYPES,
    PAGE_KEYS,
    PII_CLASSES,
    STANDARDISE_STEPS,
    TIME_TYPES,
    Contract,
    ContractError,
    Field,
    PageKeys,
)
from spark_jobs.contracts.relations import check_bounds, check_relations

__all__ = [  # re-exported: callers import these from here
    "BY_HEADER",
    "BY_KEY",
    "DELIVERY_DATE",
    "FIELD_TYPES",
    "FORMATS",
    "NUMBER_TYPES",
    "PAGE_KEYS",
    "PII_CLASSES",
    "TIME_TYPES",
    "Contract",
    "ContractError",
    "Field",
    "PageKeys",
    "all_contracts",
    "get_contract",
    "load_contract",
]


def _field(contract: str, fmt: str, raw: dict) -> Field:
    if not isinstance(raw, dict):
        raise ContractError(f"{contract}: a field must be a mapping, got {raw!r}")
    missing = {"name", "type"} - raw.keys()
    if missing:
        raise ContractError(f"{contract}: field {raw!r} lacks {sorted(missing)}")
    where = f"{contract}.{raw['name']}"
    if not _text(raw["name"]) or raw["name"].startswith("_"):
        raise ContractError(
            f"{where}: a field name must not be empty or start with `_` "
            "(bronze's lineage columns do)"
        )
    if raw["type"] not in FIELD_TYPES:
        raise ContractError(f"{where}: unknown type {raw['type']!r}")
    known = set(Field.__dataclass_fields__)
    extra = set(raw) - known
    if extra:
        raise ContractError(f"{where}: unknown keys {sorted(extra)}")
    if fmt in BY_HEADER:
        if not _text(raw.get("header")):
            raise ContractError(
                f"{where}: a {fmt} field needs `header` (the delivered column header)"
            )
        if raw.get("key") is not None:
            raise ContractError(
                f"{where}: `key` is for jsonl/json_pages; a {fmt} column is found by its `header`"
            )
    if fmt in BY_KEY and not _text(raw.get("key")):
        raise ContractError(
            f"{where}: a {fmt} field needs `key` (the record key, dotted for nested values)"
        )
    for name in ("header", "key"):
        if raw.get(name) is not None and not _text(raw.get(name)):
            raise ContractError(f"{where}: `{name}` must be a non-empty string, got {raw[name]!r}")
    pii = raw.get("pii", "none")
    if pii not in PII_CLASSES:
        raise ContractError(f"{where}: unknown pii class {pii!r}")
    if raw["type"] == "code" and not raw.get("codes"):
        raise ContractError(f"{where}: a code field needs `codes`")
    values = dict(raw)
    values.setdefault("header", None)
    values["codes"] = {str(k): str(v) for k, v in (raw.get("codes") or {}).items()}
    values["formats"] = _formats(where, raw)
    values["timezone"] = _timezone(where, raw)
    values["standardise"] = _steps(where, raw)
    values["pii"] = pii
    if raw.get("check") is not None and raw["check"] not in CHECK_KINDS:
        raise ContractError(
            f"{where}: unknown check {raw['check']!r} (one of {sorted(CHECK_KINDS)})"
        )
    values["starts_with"] = _field_list(where, "starts_with", raw.get("starts_with"))
    values["positive_when"] = _code_condition(where, "positive_when", raw.get("positive_when"))
    values["required_when"] = _code_condition(where, "required_when", raw.get("required_when"))
    if values["required_when"] and raw.get("required"):
        raise ContractError(f"{where}: `required_when` and `required: true` exclude each other")
    values["references"] = _references(where, raw.get("references"))
    return Field(**values)


def _field_list(where: str, key: str, value) -> tuple[str, ...]:
    """A list of field names (checked against the contract later, in `_check_relations`)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(_text(x) for x in value):
        raise ContractError(f"{where}: `{key}` must be a list of field names, got {value!r}")
    return tuple(value)


def _code_condition(where: str, key: str, value) -> dict[str, tuple[str, ...]] | None:
    """`positive_when` / `required_when` / `references.where`: `{code_field: [codes]}` (a
    single code may stand for its list); the fields and codes are checked against the
    contract later (`relations.py`)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise ContractError(
            f"{where}: `{key}` must map a code field to its codes, "
            f"e.g. {{punish_type: ['02']}}, got {value!r}"
        )
    out = {}
    for name, codes in value.items():
        codes = codes if isinstance(codes, list) else [codes]
        if not codes:
            raise ContractError(f"{where}: `{key}.{name}` lists no code")
        out[str(name)] = tuple(str(c) for c in codes)
    return out


REFERENCE_KEYS = {"table", "field", "severity", "where"}


def _references(where: str, value) -> dict | None:
    """`references: {table, field, severity, where}`: table and field named, severity
    `error` (default) or `warning`, `where` a code condition on the referenced rows."""
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or not _text(value.get("table"))
        or not _text(value.get("field"))
    ):
        raise ContractError(
            f"{where}: `references` must name a `table` and a `field`, got {value!r}"
        )
    extra = sorted(set(value) - REFERENCE_KEYS)
    if extra:
        raise ContractError(
            f"{where}: `references` has unknown keys {extra} (known: {sorted(REFERENCE_KEYS)})"
        )
    severity = value.get("severity", "error")
    if severity not in ("error", "warning"):
        raise ContractError(
            f"{where}: `references.severity` is `error` or `warning`, not {severity!r}"
        )
    out = {"table": value["table"], "field": value["field"], "severity": severity}
    condition = _code_condition(where, "references.where", value.get("where"))
    if condition:
        out["where"] = condition
    return out


def _formats(where: str, raw: dict) -> tuple[str, ...]:
    """`formats`: a list of Spark datetime patterns (or `excel_serial`) on a date/timestamp."""
    formats = raw.get("formats")
    if formats is None:
        return ()
    if raw["type"] not in TIME_TYPES:
        raise ContractError(f"{where}: `formats` applies to date and timestamp fields only")
    if not isinstance(formats, list) or not all(_text(x) for x in formats):
        raise ContractError(
            f"{where}: `formats` must be a list of Spark datetime patterns "
            f"(e.g. ['yyyy-MM-dd', 'yyyy/M/d', {EXCEL_SERIAL}]), got {formats!r}"
        )
    if len(set(formats)) != len(formats):
        raise ContractError(f"{where}: `formats` lists a pattern twice: {formats!r}")
    return tuple(formats)


def _timezone(where: str, raw: dict) -> str | None:
    """`timezone` of a timestamp field (default DEFAULT_TIMEZONE), an IANA zone name."""
    tz = raw.get("timezone")
    if raw["type"] != "timestamp":
        if tz is not None:
            raise ContractError(f"{where}: `timezone` applies to timestamp fields only")
        return None
    if tz is None:
        return DEFAULT_TIMEZONE
    try:
        zoneinfo.ZoneInfo(str(tz))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ContractError(
            f"{where}: unknown timezone {tz!r} (an IANA zone name such as {DEFAULT_TIMEZONE!r})"
        ) from None
    return str(tz)


def _steps(where: str, raw: dict) -> tuple[str, ...]:
    """The field's standardisation steps: its `standardise` list, else the defaults of its
    `check`; returned in the order they run (STANDARDISE_STEPS)."""
    steps = raw.get("standardise")
    if steps is None:
        return DEFAULT_STEPS.get(raw.get("check") or "", ())
    if not isinstance(steps, list) or not all(isinstance(x, str) for x in steps):
        raise ContractError(
            f"{where}: `standardise` must be a list of steps {list(STANDARDISE_STEPS)}, "
            f"got {steps!r}"
        )
    unknown = [x for x in steps if x not in STANDARDISE_STEPS]
    if unknown:
        raise ContractError(
            f"{where}: unknown standardise step(s) {unknown} (known: {list(STANDARDISE_STEPS)})"
        )
    if len(set(steps)) != len(steps):
        raise ContractError(f"{where}: `standardise` lists a step twice: {steps!r}")
    if "legacy_id" in steps and raw.get("check") != "id_number":
        raise ContractError(
            f"{where}: standardise step `legacy_id` (15 → 18 digits, GB 11643) needs "
            "`check: id_number`"
        )
    if "amount" in steps and raw["type"] != "decimal":
        raise ContractError(
            f"{where}: standardise step `amount` applies to decimal fields, not {raw['type']}"
        )
    return tuple(x for x in STANDARDISE_STEPS if x in steps)


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _format_keys(name: str, fmt: str, raw: dict) -> dict:
    """The format-specific top-level keys, checked against the format."""
    out: dict[str, Any] = {"sheet": None, "records_key": None, "page": None}
    wrong = {"sheet": "xlsx", "records_key": "json_pages", "page": "json_pages", "delimiter": "csv"}
    for key, owner in wrong.items():
        if raw.get(key) is not None and fmt != owner:
            raise ContractError(f"{name}: `{key}` applies to format {owner} only, not {fmt}")
    if fmt != "xlsx":  # text formats (json_pages: the encoding of the page documents)
        encoding = raw.get("encoding", "utf-8")
        try:
            codecs.lookup(str(encoding))
        except LookupError:
            raise ContractError(f"{name}: unknown encoding {encoding!r}") from None
    if fmt == "csv" and len(str(raw.get("delimiter", ","))) != 1:
        raise ContractError(
            f"{name}: delimiter must be one character, got {raw.get('delimiter')!r}"
        )
    if fmt == "csv" and raw.get("header", True) is not True:
        raise ContractError(
            f"{name}: `header: {raw.get('header')!r}` is not supported: "
            "bronze finds csv columns by their header row"
        )
    if fmt == "xlsx" and raw.get("sheet") is not None:
        if not _text(raw["sheet"]):
            raise ContractError(f"{name}: `sheet` must be a sheet name, got {raw['sheet']!r}")
        out["sheet"] = raw["sheet"]
    if fmt == "json_pages":
        if not _text(raw.get("records_key")):
            raise ContractError(
                f"{name}: format json_pages needs `records_key` (dotted path "
                "to the list of records in a page, e.g. data.records)"
            )
        out["records_key"] = raw["records_key"]
        page = raw.get("page")
        if not isinstance(page, dict):
            raise ContractError(
                f"{name}: format json_pages needs `page: {{number: …, size: …, "
                f"total: …}}` (dotted paths in a page), got {page!r}"
            )
        missing = [k for k in PAGE_KEYS if not _text(page.get(k))]
        extra = sorted(set(page) - set(PAGE_KEYS))
        if missing or extra:
            raise ContractError(
                f"{name}: `page` needs exactly {list(PAGE_KEYS)} as dotted "
                f"paths; missing {missing}, unknown {extra}"
            )
        out["page"] = PageKeys(**{k: page[k] for k in PAGE_KEYS})
    return out


def load_contract(path: Path) -> Contract:
    """The contract in the YAML file `path`, checked.

    Parsing is kept per file name and content (a SHA-256 of the bytes), so a task that asks for
    the contracts of all sources again and again (the export checks every data set against
    them) parses each once: YAML parsing was 4.8 s of a tiny day. A changed file is a new key,
    so an edit is always seen; a contract that fails its checks is never kept.
    """
    data = Path(path).read_bytes()
    key = (Path(path).name, hashlib.sha256(data).hexdigest())
    contract = _PARSED.get(key)
    if contract is None:
        contract = _parse_contract(Path(path), data.decode("utf-8"))
        _PARSED[key] = contract
    return contract


# (file name, content digest) → Contract (frozen, so sharing one object is safe)
_PARSED: dict[tuple[str, str], Contract] = {}


def _parse_contract(path: Path, text: str) -> Contract:
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise ContractError(f"{path}: not a YAML mapping")
    name = raw.get("name") or Path(path).stem
    extra = set(raw) - CONTRACT_KEYS
    if extra:
        raise ContractError(
            f"{name}: unknown keys {sorted(extra)} (known: {sorted(CONTRACT_KEYS)})"
        )
    if "version" not in raw:
        raise ContractError(f"{name}: no `version`")
    fmt = raw.get("format", "csv")
    if fmt not in FORMATS:
        raise ContractError(f"{name}: unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    format_keys = _format_keys(name, fmt, raw)
    if not isinstance(raw.get("fields") or [], list):
        raise ContractError(f"{name}: `fields` must be a list")
    fields = tuple(_field(name, fmt, f) for f in raw.get("fields") or [])
    if not fields:
        raise ContractError(f"{path}: no fields")
    for attr in ("name", "header", "key"):
        values = [getattr(f, attr) for f in fields if getattr(f, attr) is not None]
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            raise ContractError(f"{name}: duplicate field {attr}(s) {dupes}")
    check_bounds(name, fields)
    check_relations(name, fields)
    names = [f.name for f in fields]
    for key in raw.get("natural_key", []):
        if key not in names:
            raise ContractError(f"{name}: natural key {key!r} is not a field")
    return Contract(
        name=name,
        version=str(raw["version"]),
        format=fmt,
        encoding=raw.get("encoding", "utf-8"),
        delimiter=raw.get("delimiter", ","),
        landing_dir=str(raw.get("landing_dir") or name),
        natural_key=tuple(raw.get("natural_key", [])),
        fields=fields,
        title=raw.get("title", {}),
        description=raw.get("description", {}),
        order_by=tuple(raw.get("order_by") or ()),
        repository=raw.get("repository"),
        **format_keys,
    )


def get_contract(name: str, contract_dir: Path | str) -> Contract:
    """The contract `<contract_dir>/<name>.yaml` (callers pass `Settings.contract_dir`)."""
    return load_contract(Path(contract_dir) / f"{name}.yaml")


def all_contracts(contract_dir: Path | str) -> list[Contract]:
    """Every contract in `contract_dir`, sorted by file name."""
    return [load_contract(p) for p in sorted(Path(contract_dir).glob("*.yaml"))]
