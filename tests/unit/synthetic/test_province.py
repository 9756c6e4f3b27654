"""The synthetic province: contracts, samples, identifiers, references, faults (no Spark).

Every sample file is read with the pipeline's own readers (`spark_jobs.ingest.readers`), then checked
in plain Python against its contract: clean rows must pass every rule and every reference,
labelled rows must break the rule their fault class names, and file-level faults must make the
readers do what `tests/synthetic/faults.yaml` says.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from spark_jobs.contracts import Contract, all_contracts, get_contract
from spark_jobs.checks.identifiers import division_problem
from tests.synthetic.province import (DEFAULT_RUN_DATE, ROW_FAULTS, SAMPLES, SOURCES, generate,
                                 parse_date)
from spark_jobs.ingest.readers import FileRejected, read_delivery, read_json_dump, split_page_name
from spark_jobs.core.settings import REPO_ROOT
from tests.synthetic import SCHEMAS

FAULTS = yaml.safe_load((REPO_ROOT / "tests" / "synthetic" / "faults.yaml").read_text(encoding="utf-8"))
CLASSES = FAULTS["classes"]
DAY = DEFAULT_RUN_DATE.isoformat()


# ------------------------------------------------------------------------------ reading

def contracts() -> dict[str, Contract]:
    return {name: get_contract(name, SCHEMAS) for name in SOURCES}


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def load_truth(root: Path) -> list[dict]:
    with open(root / "ground_truth.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Delivery:
    """Every source of one generated province, read as the pipeline reads it."""

    def __init__(self, root: Path):
        self.root = root
        self.contracts = contracts()
        self.truth = load_truth(root)
        self.row_faults = {(t["file"], int(t["row_number"])): t for t in self.truth
                           if t["row_number"]}
        self.file_faults = {t["file"]: t["fault_class"] for t in self.truth
                            if not t["row_number"]}
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
        return [r for r in self.rows[source] if self.label(r) is None
                and not self.skipped(r["_file"])]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("province")
    generate(out)
    return out


@pytest.fixture(scope="module")
def delivery() -> Delivery:
    return Delivery(SAMPLES)


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
            if f.required:
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
        if f.type == "date":
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
        if refs is not None and f.references:
            key = (f.references["table"], f.references["field"])
            if key in refs and value not in refs[key]:
                out[f.name] = f"not in {key[0]}"
    for f in c.fields:
        if f.not_before and typed.get(f.name) and typed.get(f.not_before):
            if typed[f.name].date() < typed[f.not_before].date():
                out[f.name] = f"before {f.not_before}"
    return out


def reference_sets(d: Delivery) -> dict:
    """(table, field) → values of the clean rows of that table."""
    wanted = {(f.references["table"], f.references["field"])
              for c in d.contracts.values() for f in c.fields if f.references}
    return {(t, f): {r[f] for r in d.clean(t) if r[f]} for t, f in wanted}


# ------------------------------------------------------------------------------- the tests

def test_every_contract_loads_with_the_keys_of_its_format():
    loaded = {c.name: c for c in all_contracts(SCHEMAS)}
    assert set(SOURCES) <= set(loaded)
    for name in SOURCES:
        c = loaded[name]
        assert c.version == "1.0.0" and c.title.get("zh") and c.description.get("en"), name
        assert c.natural_key, name
        for f in c.fields:
            assert f.description.get("zh") and f.description.get("en"), (name, f.name)
            if c.format in ("jsonl", "json_pages"):
                assert f.key, (name, f.name)
            else:
                assert f.header and f.key is None, (name, f.name)
        if c.format == "json_pages":
            assert c.records_key == "data.records" and c.page.total == "data.total"
    assert loaded["approvals"].format == "xlsx" and loaded["approvals"].sheet == "行政许可"
    assert loaded["supervised_entities"].encoding == "gb18030"
    assert {f.name: f.pii for f in loaded["enforcement_officers"].pii_fields} == {
        "name": "name", "id_number": "identifier", "phone": "contact"}


def test_every_source_has_a_sample_file():
    for name in SOURCES:
        folder = SAMPLES / "landing" / contracts()[name].landing_dir / DAY
        assert any(p.stat().st_size for p in folder.iterdir()), name
    total = sum(len(b) for b in files_of(SAMPLES).values())
    assert total < 1_000_000, f"samples are {total} bytes"


def unzipped(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return [(i.filename, book.read(i)) for i in book.infolist()]


def test_committed_samples_equal_a_fresh_generation(fresh):
    committed, again = files_of(SAMPLES), files_of(fresh)
    assert sorted(committed) == sorted(again)
    for name, data in again.items():
        if name.endswith(".xlsx"):  # deflate output may differ between zlib builds
            assert unzipped(committed[name]) == unzipped(data), name
        else:
            assert committed[name] == data, name


def test_generator_is_deterministic_and_scales(tmp_path):
    a = generate(tmp_path / "a", seed=7, scale=0.3, fault_rate=0.05)
    generate(tmp_path / "b", seed=7, scale=0.3, fault_rate=0.05)
    generate(tmp_path / "c", seed=8, scale=0.3, fault_rate=0.05)
    first, second = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert first == second
    assert first != files_of(tmp_path / "c")
    assert a.rows["supervision_actions"] >= 300  # 1000 × scale (+ duplicated rows)


def test_clean_rows_pass_every_rule_and_identifier_check(delivery):
    checked = Counter()
    for source in SOURCES:
        c = delivery.contracts[source]
        for row in delivery.clean(source):
            assert problems(c, row) == {}, (source, row["_file"], row["_row"])
            checked[source] += 1
            for f in c.fields:
                value = row.get(f.name)
                if not value:
                    continue
                if f.check == "uscc":
                    assert stdnum_uscc.is_valid(value), (source, f.name, value)
                if f.check == "id_number":
                    assert ric.is_valid(value), (source, f.name, value)
                if f.check == "division_code":
                    assert division_problem(value) is None, (source, f.name, value)
    assert all(checked[s] for s in SOURCES), checked
    assert checked["supervision_actions"] > 900


def test_every_reference_resolves_except_labelled_rows(delivery):
    refs = reference_sets(delivery)
    for source in SOURCES:
        c = delivery.contracts[source]
        keys = Counter()
        for row in delivery.clean(source):
            assert problems(c, row, refs) == {}, (source, row["_file"], row["_row"])
            keys[tuple(row[k] for k in c.natural_key)] += 1
        assert [k for k, n in keys.items() if n > 1] == [], source  # natural keys are unique


def test_cross_source_links_hold(delivery):
    d = delivery
    entities = {r["entity_id"]: r for r in d.clean("supervised_entities")}
    legal = {r["uscc"]: r for r in entities.values() if r["kind"] == "法人"}
    officers = {r["license_no"]: r for r in d.clean("enforcement_officers")}
    items = {r["item_code"]: r for r in d.clean("supervision_items")}
    actions = {r["action_id"]: r for r in d.clean("supervision_actions")}
    # actions: existing items of the department, existing legal persons, active officers of the
    # same department
    for a in actions.values():
        assert items[a["item_code"]]["department_code"] == a["department_code"]
        entity = legal[a["entity_uscc"]]
        assert entity["name"] == a["entity_name"]
        for licence in a["officer_license_nos"].split(";"):
            officer = officers[licence]
            assert officer["department_code"] == a["department_code"]
            assert officer["status"] == "在岗"
    # entities: owners are legal persons; IDs and sexes agree; credit tags equal the classes
    classes = {r["uscc"]: r["credit_class"] for r in d.clean("credit_classes")}
    for e in entities.values():
        if e["kind"] != "法人":
            assert e["owner_uscc"] in legal and not e["uscc"]
        else:
            assert e["uscc"] and e["industry_code"]
            if e["uscc"] in classes:
                assert e["credit_class"] == classes[e["uscc"]]
    for o in officers.values():
        assert int(o["id_number"][16]) % 2 == (1 if o["gender"] == "1" else 0)
    # checklists: the code is the agency's USCC + the level digit
    for r in d.clean("inspection_checklists"):
        if r["checklist_code"] and not r["_error"]:
            assert r["checklist_code"][:18] == r["agency_uscc"]
            assert r["checklist_code"][18] == r["level"]
    # penalty disclosures come from penalty actions on the same entity and item
    for p in d.clean("credit_penalties"):
        action = actions[p["action_id"]]
        assert action["action_type"] == "行政处罚" and action["result_code"] == "04"
        assert (action["entity_uscc"], action["item_code"]) == (p["party_uscc"], p["item_code"])
    # serious violators and black-listed entities are class D
    for r in d.clean("credit_serious_violations"):
        assert classes.get(r["uscc"], "D") == "D"
    # claimed licences are followed by an inspection of the same entity under the same item
    followed = {(a["entity_uscc"], a["item_code"], a["action_date"]) for a in actions.values()}
    claimed = [r for r in d.clean("approvals") if r["claimed_by_department"] == "是"]
    hits = sum(any(u == r["entity_uscc"] and i == r["item_code"] and day >= r["granted_date"]
                   for u, i, day in followed) for r in claimed)
    assert claimed and hits >= 5
    # the class mix is close to Dandong's (A 65.4 %, B 25.3 %, C 7.7 %, D 1.5 %)
    mix = Counter(classes.values())
    assert mix["A"] > mix["B"] > mix["C"] and mix["D"] >= 1


def test_every_fault_class_is_in_the_ground_truth_and_documented(delivery):
    found = Counter(t["fault_class"] for t in delivery.truth)
    assert set(found) == set(CLASSES), set(CLASSES) ^ set(found)
    for name, spec in CLASSES.items():
        assert spec["level"] in ("row", "file") and spec["outcome"] in FAULTS["outcomes"]
        assert spec["description"]["zh"] and spec["description"]["en"], name
    injected = defaultdict(set)
    for source, pairs in ROW_FAULTS.items():
        for cls, field in pairs:
            injected[cls].add(f"{source}.{field}")
    for name, spec in CLASSES.items():
        if spec["level"] == "row":
            assert set(spec["applies_to"]) == injected[name], name
    for t in delivery.truth:  # each label names a documented (source, field)
        spec = CLASSES[t["fault_class"]]
        source = t["file"].split("/")[0]
        if spec["level"] == "row":
            assert f"{source}.{t['field']}" in spec["applies_to"], t
        else:
            assert source in spec["applies_to"], t


def test_labelled_rows_break_the_rule_their_class_names(delivery):
    d = delivery
    refs = reference_sets(d)
    seen = Counter()
    for source in SOURCES:
        c = d.contracts[source]
        rows = d.rows[source]
        for index, row in enumerate(rows):
            label = d.label(row)
            if label is None or d.skipped(row["_file"]):
                continue
            cls, field = label["fault_class"], label["field"]
            outcome = CLASSES[cls]["outcome"]
            found = problems(c, row, refs)
            if cls == "future_date":  # silver compares event dates with the delivery date
                assert parse_date(row[field], c.field(field).formats).date() > DEFAULT_RUN_DATE
            elif outcome == "quarantined":
                assert field in found, (source, row["_file"], row["_row"], cls, found)
            elif cls == "mixed_date_formats":  # valid as delivered, in a second format
                formats = c.field(field).formats
                assert parse_date(row[field], formats[:1]) is None, (source, row[field])
                assert field not in found, (source, row[field], found)
            elif outcome == "cleaned":
                assert field in found, (source, cls, row[field])
                value = normalise(row[field])
                if cls == "legacy_15_digit_id":
                    assert len(value) == 15
                    value = id15_to_18(value)
                fixed = dict(row, **{field: value})
                assert field not in problems(c, fixed, refs), (source, cls, value)
            elif outcome == "superseded":
                key = [row[k] for k in c.natural_key]
                later = [r for r in rows[index + 1:] if [r[k] for k in c.natural_key] == key]
                assert later and later[-1] != row, (source, key)
            seen[cls] += 1
    row_classes = {n for n, s in CLASSES.items() if s["level"] == "row"}
    assert row_classes <= set(seen), row_classes - set(seen)


def test_file_level_faults_do_what_faults_yaml_says(delivery):
    d = delivery
    landing = SAMPLES / "landing"
    for file, cls in d.file_faults.items():
        outcome = CLASSES[cls]["outcome"]
        if cls == "missing_page":  # the other pages of the dump are rejected with it
            assert not (landing / file).exists()
            others = [f for f in d.rejected if dump_of(f) == dump_of(file)]
            assert others and "missing page" in d.rejected[others[0]], others
        elif outcome == "file_rejected":
            assert file in d.rejected, (cls, file)
        elif outcome == "file_skipped":
            original = file.replace("_resend", "")
            assert hashlib.sha256((landing / file).read_bytes()).digest() == \
                hashlib.sha256((landing / original).read_bytes()).digest()
        elif outcome == "accepted":
            assert file not in d.rejected
            assert any(r["_file"] == file for r in d.rows[file.split("/")[0]])
    truncated = [t for t in d.truth if t["fault_class"] == "truncated_file"]
    assert {t["file"].split("/")[0] for t in truncated} == {"inspection_checklists",
                                                            "third_party_readings"}
    for t in truncated:  # the cut row is the file's last row, kept with a parse error
        rows = [r for r in d.rows[t["file"].split("/")[0]] if r["_file"] == t["file"]]
        assert rows[-1]["_row"] == int(t["row_number"]) and rows[-1]["_error"]
    # nothing is rejected that is not labelled (a page fault rejects its whole dump)
    faulty_dumps = {dump_of(f) for f in d.file_faults} - {None}
    for file in d.rejected:
        assert file in d.file_faults or dump_of(file) in faulty_dumps, file
    for source in SOURCES:
        for row in d.rows[source]:
            if row["_error"] and not d.skipped(row["_file"]):
                assert d.label(row)["field"] == "_row", (source, row["_file"], row["_row"])


def test_a_zero_fault_rate_gives_a_clean_province(tmp_path):
    summary = generate(tmp_path, seed=3, scale=0.2, fault_rate=0)
    assert summary.faults == 0
    assert load_truth(tmp_path) == []
    d = Delivery(tmp_path)
    assert d.rejected == {}
    refs = reference_sets(d)
    for source in SOURCES:
        for row in d.rows[source]:
            assert problems(d.contracts[source], row, refs) == {}, (source, row["_row"])


def test_refuses_to_overwrite_the_foundation_samples_or_commit_large_scales():
    with pytest.raises(ValueError, match="foundation"):
        generate(REPO_ROOT / "data_samples")
    with pytest.raises(ValueError, match="ignored by git"):
        generate(REPO_ROOT / "data_samples" / "province_big", scale=10)
    assert not (REPO_ROOT / "data_samples" / "province_big").exists()
