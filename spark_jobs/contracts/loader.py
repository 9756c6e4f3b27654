"""Delivery contracts: one YAML file per source in `schemas/`, loaded into typed objects.

The contract is the single description of a source's delivery format; bronze parsing, silver
validation, masking and the docs all read it, so a source changes in one place.
"""

from __future__ import annotations

import codecs
import hashlib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FIELD_TYPES = {"string", "code", "date", "timestamp", "list", "integer", "decimal"}
TIME_TYPES = {"date", "timestamp"}  # parsed with `formats`; `not_before` / `not_after` apply
# `formats` entry for an Excel serial day number (days since 1899-12-30; a fraction is the time)
EXCEL_SERIAL = "excel_serial"
DEFAULT_TIMEZONE = "Asia/Shanghai"  # of a timestamp field delivered without an offset
# `standardise` steps (docs/contract_format.md), applied in this order whatever the listed order
STANDARDISE_STEPS = ("strip_label", "upper_check", "legacy_id", "amount")
# the steps a field gets when it does not list its own, by `check`
DEFAULT_STEPS = {
    "uscc": ("strip_label", "upper_check"),
    "id_number": ("strip_label", "upper_check", "legacy_id"),
}
PII_CLASSES = {"none", "identifier", "contact", "name"}
FORMATS = ("csv", "xlsx", "jsonl", "json_pages")
BY_HEADER = {"csv", "xlsx"}  # columns found by their delivered header
BY_KEY = {"jsonl", "json_pages"}  # values found by a (dotted) record key
PAGE_KEYS = ("number", "size", "total")
# `not_after: delivery_date`: the date of the batch that delivered the row (bronze `_delivery_date`)
DELIVERY_DATE = "delivery_date"
# top-level keys; `header: true` is the historical "the CSV has a header row" flag
CONTRACT_KEYS = {
    "name",
    "version",
    "repository",
    "title",
    "description",
    "format",
    "encoding",
    "delimiter",
    "header",
    "sheet",
    "records_key",
    "page",
    "landing_dir",
    "natural_key",
    "order_by",
    "fields",
}


class ContractError(ValueError):
    """A contract file is itself malformed."""


@dataclass(frozen=True)
class Field:
    name: str
    header: str | None  # csv/xlsx column header (optional for jsonl/json_pages)
    type: str
    required: bool = False
    pattern: str | None = None
    max_length: int | None = None
    check: str | None = None
    codes: dict[str, str] = field(default_factory=dict)
    delivered_as: str = "label"  # for codes: is the delivered value the label or the code?
    formats: tuple[str, ...] = ()  # date/timestamp: Spark patterns (or EXCEL_SERIAL), in order
    timezone: str | None = None  # timestamp: zone of a value without an offset
    standardise: tuple[str, ...] = ()  # the steps to apply (defaults from `check` resolved)
    separator: str | None = None
    min_items: int | None = None
    item_pattern: str | None = None
    not_before: str | None = None
    not_after: str | None = None  # another date field, or DELIVERY_DATE
    pii: str = "none"
    # free text (content, remarks): personal data inside it is masked before it leaves silver
    free_text: bool = False
    references: dict[str, str] | None = None
    description: dict[str, str] = field(default_factory=dict)
    key: str | None = None  # jsonl/json_pages: record key, dotted for nested (`data.code`)


@dataclass(frozen=True)
class PageKeys:
    """json_pages: dotted paths, inside each page document, of its page number, size, total."""

    number: str
    size: str
    total: str


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
    sheet: str | None = None  # xlsx: sheet name (None: the first sheet)
    records_key: str | None = None  # json_pages: dotted path to the list of records
    page: PageKeys | None = None  # json_pages: where number/size/total are in a page

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def headers(self) -> dict[str, str]:
        """Delivered header → field name (fields that have a header)."""
        return {f.header: f.name for f in self.fields if f.header is not None}

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def pii_fields(self) -> list[Field]:
        return [f for f in self.fields if f.pii != "none"]


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
    return Field(**values)


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


def _check_bounds(contract: str, fields: tuple[Field, ...]) -> None:
    """`not_after` / `not_before` are set on a date or timestamp field and name another date
    or timestamp field (`not_after` also `delivery_date`). A timestamp is compared with a date
    by its local date (in its `timezone`), with another timestamp as an instant."""
    times = {f.name for f in fields if f.type in TIME_TYPES}
    for f in fields:
        for key in ("not_after", "not_before"):
            target = getattr(f, key)
            if target is None:
                continue
            where = f"{contract}.{f.name}"
            if f.type not in TIME_TYPES:
                raise ContractError(
                    f"{where}: `{key}` applies to date and timestamp fields, not {f.type}"
                )
            if key == "not_after" and target == DELIVERY_DATE:
                continue
            if not isinstance(target, str) or target == f.name or target not in times:
                others = sorted(times - {f.name})
                allowed = (
                    f"{DELIVERY_DATE!r} (the batch's delivery date) or another date or "
                    f"timestamp field {others}"
                    if key == "not_after"
                    else f"another date or timestamp field {others}"
                )
                raise ContractError(f"{where}: `{key}: {target!r}` must be {allowed}")


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
    _check_bounds(name, fields)
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
