"""Reading a generated tree as the pipeline reads it, and the rules silver applies, in plain
Python (no Spark): the helpers of the synthetic-generator tests."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path

from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from spark_jobs.checks.departments import NATIONAL_DEPARTMENTS
from spark_jobs.checks.identifiers import division_problem
from spark_jobs.contracts import Contract, get_contract
from spark_jobs.ingest.readers import FileRejected, read_delivery, read_json_dump, split_page_name
from tests.synthetic import SCHEMAS
from tests.synthetic.ground_truth import read_ground_truth
from tests.synthetic.profiles.province import SOURCES
from tests.synthetic.run import DEFAULT_RUN_DATE
from tests.synthetic.world.dates import parse_date

DAY = DEFAULT_RUN_DATE.isoformat()


def contracts() -> dict[str, Contract]:
    return {name: get_contract(name, SCHEMAS) for name in SOURCES}


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative path → bytes)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def unzipped(data: bytes) -> list[tuple[str, tuple, bytes]]:
    """The entries of an xlsx (name, date_time, content)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return [(i.filename, i.date_time, book.read(i)) for i in book.infolist()]


class Delivery:
    """Every source of one generated province, read as the pipeline reads it."""

    def __init__(self, root: Path):
        self.root = root
        self.contracts = contracts()
        self.truth = read_ground_truth(root)
        self.row_faults = {
            (t["file"], int(t["row_number"])): t for t in self.truth if t["row_number"]
        }
        self.file_faults = {t["file"]: t["fault_class"] for t in self.truth if not t["row_number"]}
        self.rejected: dict[str, str] = {}  # file → reader's reason
        self.rows: dict[str, list[dict]] = {}  # source → rows (values + _file, _row, _error)
        for source in SOURCES:
            self.rows[source] = self._read(self.contracts[source])

    def _read(self, c: Contract) -> list[dict]:
        folder = self.root / "landing" / c.landing_dir / DAY
        rows = []
        paths = sorted(p for p in folder.iterdir() if p.is_file())
        if c.format == "json_pages":
            dumps = defaultdict(list)
            for p in paths:
                dumps[split_page_name(p.name)[0]].append(p)
            for dump, pages in dumps.items():
                parts = [(self.rel(p), p.read_bytes()) for p in pages]
                try:
                    table = read_json_dump(c, dump, parts)
                except FileRejected as exc:
                    for name, _ in parts:
                        self.rejected[name] = str(exc)
                    continue
                rows += self._records(table.to_pylist(), None)
            return rows
        for p in paths:
            try:
                table = read_delivery(c, p.read_bytes(), self.rel(p))
            except FileRejected as exc:
                self.rejected[self.rel(p)] = str(exc)
                continue
            rows += self._records(table.to_pylist(), self.rel(p))
        return rows

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root / "landing").as_posix()

    @staticmethod
    def _records(records: list[dict], file: str | None) -> list[dict]:
        for r in records:
            r["_file"] = r.pop("_source_file", None) or file
            r["_row"] = r.pop("_row_number")
            r["_error"] = r.pop("_parse_error")
        return records

    def label(self, row: dict) -> dict | None:
        return self.row_faults.get((row["_file"], row["_row"]))

    def skipped(self, file: str) -> bool:
        return self.file_faults.get(file) == "redelivered_file"

    def clean(self, source: str) -> list[dict]:
        return [
            r for r in self.rows[source] if self.label(r) is None and not self.skipped(r["_file"])
        ]


# -------------------------------------------------------------------- rules, as silver has them


def normalise(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def id15_to_18(value: str) -> str:
    first17 = value[:6] + "19" + value[6:]
    return first17 + ric.calc_check_digit(first17 + "0")


def dump_of(file: str) -> str | None:
    split = split_page_name(file)
    return split[0] if split else None


def problems(c: Contract, row: dict, refs: dict | None = None) -> dict[str, str]:
    """field → what is wrong, for one row (references checked when `refs` is given)."""
    out = {}
    if row.get("_error"):
        return {"_row": row["_error"]}
    typed = {}
    for f in c.fields:
        raw = row.get(f.name)
        value = None if raw is None or raw.strip() in ("", "\u3000") else raw.strip()
        if value is None:
            if f.required or _holds(c, row, f.required_when):
                out[f.name] = "required field is empty"
            continue
        if f.max_length and len(value) > f.max_length:
            out[f.name] = "too long"
        if f.pattern and not re.search(f.pattern, value):
            out[f.name] = f"does not match {f.pattern}"
        if f.type == "code":
            allowed = f.codes.values() if f.delivered_as == "label" else f.codes
            if value not in allowed:
                out[f.name] = "not in the code list"
        if f.type in ("date", "timestamp"):
            parsed = parse_date(value, f.formats or ("yyyy-MM-dd",))
            if parsed is None:
                out[f.name] = "not a valid date"
            typed[f.name] = parsed
        if f.type == "list":
            items = [x.strip() for x in value.split(f.separator or ";") if x.strip()]
            if f.min_items and len(items) < f.min_items:
                out[f.name] = "too few items"
            if f.item_pattern and not all(re.search(f.item_pattern, x) for x in items):
                out[f.name] = "an item does not match"
        if f.type == "decimal":
            try:
                float(value)
            except ValueError:
                out[f.name] = "not a number"
        if f.check == "uscc" and not stdnum_uscc.is_valid(value):
            out[f.name] = "invalid uscc"
        if f.check == "uscc" and value != value.upper():
            out[f.name] = "lower case uscc"
        if f.check == "id_number" and not ric.is_valid(value):
            out[f.name] = "invalid id_number"
        if f.check == "division_code" and division_problem(value) is not None:
            out[f.name] = f"invalid division_code: {division_problem(value)}"
        if f.check == "department_code" and value not in NATIONAL_DEPARTMENTS:
            out[f.name] = "not a national department code"
        if refs is not None and f.references:
            key = (f.references["table"], f.references["field"])
            values = (
                [x.strip() for x in value.split(f.separator or ";") if x.strip()]
                if f.type == "list"
                else [value]
            )
            if key in refs and any(v not in refs[key] for v in values):
                out[f.name] = f"not in {key[0]}"
    for f in c.fields:
        value = (row.get(f.name) or "").strip()
        for name, codes in (f.positive_when or {}).items():
            if (row.get(name) or "").strip() in codes and (not value or float(value) <= 0):
                out[f.name] = f"must be above 0 when {name} is {codes}"
        other = (row.get(f.not_above) or "").strip() if f.not_above else ""
        if value and other and float(value) > float(other):
            out[f.name] = f"above {f.not_above}"
        prefix = "".join((row.get(x) or "").strip() for x in f.starts_with)
        if value and f.starts_with and not value.startswith(prefix):
            out[f.name] = f"does not begin with {'+'.join(f.starts_with)}"
        before = f.not_before and typed.get(f.name) and typed.get(f.not_before)
        if before and typed[f.name].date() < typed[f.not_before].date():
            out[f.name] = f"before {f.not_before}"
    return out


def _holds(c: Contract, row: dict, condition: dict | None) -> bool:
    """A code condition (`{field: [codes]}`) holds for a delivered row (labels or codes)."""
    for name, codes in (condition or {}).items():
        f = c.field(name)
        value = (row.get(name) or "").strip()
        code = {v: k for k, v in f.codes.items()}.get(value) if f.delivered_as == "label" else value
        if code in codes:
            return True
    return False


def reference_sets(d: Delivery) -> dict:
    """(table, field) → values of the clean rows of that table (those a `where` admits)."""
    wanted = {
        (f.references["table"], f.references["field"]): f.references.get("where")
        for c in d.contracts.values()
        for f in c.fields
        if f.references
    }
    return {
        (t, f): {
            r[f] for r in d.clean(t) if r[f] and (not where or _holds(d.contracts[t], r, where))
        }
        for (t, f), where in wanted.items()
    }
