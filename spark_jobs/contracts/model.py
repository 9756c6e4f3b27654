"""The contract's objects and vocabulary: field types, formats, standardisation steps, checks,
and the frozen `Field` / `Contract` that every stage reads (parsed by `loader.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
# `check`: the identifier and code checks of silver (docs/contract_format.md#checks)
CHECK_KINDS = {"uscc", "division_code", "id_number", "department_code"}
NUMBER_TYPES = {"integer", "decimal"}  # `not_above` / `positive_when` apply
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
    # numbers: not above another number field of the row (paid ≤ fined)
    not_above: str | None = None
    # numbers: present and above 0 when a code field holds one of the codes ({field: [codes]})
    positive_when: dict[str, tuple[str, ...]] | None = None
    # required only when a code field holds one of the codes ({field: [codes]}): the national
    # 检查行为编号 of a penalty, coercion or other act, never of an inspection
    required_when: dict[str, tuple[str, ...]] | None = None
    # strings: the value begins with these fields' values, concatenated (a composed code)
    starts_with: tuple[str, ...] = ()
    pii: str = "none"
    # free text (content, remarks): personal data inside it is masked before it leaves silver
    free_text: bool = False
    # {table, field, severity, where}: the value exists in silver.<table>.<field>, among the
    # rows whose code fields hold the codes of `where` ({field: [codes]}, optional)
    references: dict | None = None
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
    def referenced_tables(self) -> set[str]:
        """The silver tables its fields reference (`references`), its own among them if any."""
        return {f.references["table"] for f in self.fields if f.references}

    @property
    def pii_fields(self) -> list[Field]:
        return [f for f in self.fields if f.pii != "none"]
