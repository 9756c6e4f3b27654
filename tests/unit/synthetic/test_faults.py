"""The fault table (`tests/synthetic/faults.yaml`, the only copy) and what the generator does
with it: every class is produced at a fault rate above 0, each label names a placed (source,
field), labelled rows break the rule their class names, file-level faults make the readers do
what the table says, and a zero rate gives clean deliveries (no Spark)."""

from __future__ import annotations

import hashlib
from collections import Counter

from spark_jobs.contracts import get_contract
from tests.synthetic import DEMO, PROVINCE, SCHEMAS
from tests.synthetic.faults.table import load_fault_table
from tests.synthetic.ground_truth import read_ground_truth
from tests.synthetic.profiles import generate
from tests.synthetic.profiles.province import SOURCES
from tests.synthetic.run import DEFAULT_RUN_DATE
from tests.synthetic.world.dates import parse_date
from tests.unit.synthetic.reading import (
    Delivery,
    dump_of,
    id15_to_18,
    normalise,
    problems,
    reference_sets,
)

TABLE = load_fault_table()
CLASSES = TABLE.classes


def placed(label: dict) -> bool:
    """Whether a label names a place the table gives its class."""
    source = label["file"].split("/")[0]
    if CLASSES[label["fault_class"]]["level"] == "file":
        return source in CLASSES[label["fault_class"]]["applies_to"]
    return (label["fault_class"], label["field"]) in TABLE.row_faults.get(source, [])


def test_the_table_describes_every_class_and_places_every_row_class():
    for name, spec in CLASSES.items():
        assert spec["level"] in ("row", "file") and spec["outcome"] in TABLE.outcomes, name
        assert spec["description"]["zh"] and spec["description"]["en"], name
        if spec["level"] == "file":
            assert set(spec["applies_to"]) <= set(SOURCES), name
    assert set(TABLE.row_faults) <= set(SOURCES)
    for source, pairs in TABLE.row_faults.items():
        fields = set(get_contract(source, SCHEMAS).field_names) | {"_row"}
        assert len(pairs) == len(set(pairs)), source
        for cls, field in pairs:
            assert field in fields, (source, cls, field)
    # load_fault_table checks that the placed classes are exactly the row-level ones
    assert {c for pairs in TABLE.row_faults.values() for c, _ in pairs} == set(TABLE.level("row"))


def assert_every_class_and_placed_pair(truth: list[dict]) -> None:
    assert {t["fault_class"] for t in truth} == set(CLASSES)
    produced = {
        (t["file"].split("/")[0], t["fault_class"], t["field"])
        for t in truth
        if t["row_number"] and CLASSES[t["fault_class"]]["level"] == "row"
    }
    wanted = {(s, c, f) for s, pairs in TABLE.row_faults.items() for c, f in pairs}
    assert wanted <= produced, wanted - produced
    assert all(placed(t) for t in truth)


def test_the_committed_province_has_every_class_and_every_placed_pair():
    assert_every_class_and_placed_pair(read_ground_truth(PROVINCE))


def test_every_class_and_every_placed_pair_is_produced_at_another_seed_and_scale(tmp_path):
    summary = generate("province", tmp_path, seed=7, scale=0.5, fault_rate=0.05)
    assert summary.unforced == {}
    assert_every_class_and_placed_pair(read_ground_truth(tmp_path))


def test_the_demo_plants_six_faults_of_placed_classes():
    truth = read_ground_truth(DEMO)
    assert len(truth) == 6 and all(placed(t) for t in truth), truth


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
            outcome = TABLE.outcome(cls)
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
                later = [r for r in rows[index + 1 :] if [r[k] for k in c.natural_key] == key]
                assert later and later[-1] != row, (source, key)
            seen[cls] += 1
    assert set(TABLE.level("row")) <= set(seen), set(TABLE.level("row")) - set(seen)


def test_file_level_faults_do_what_faults_yaml_says(delivery):
    d = delivery
    landing = PROVINCE / "landing"
    for file, cls in d.file_faults.items():
        outcome = TABLE.outcome(cls)
        if cls == "missing_page":  # the other pages of the dump are rejected with it
            assert not (landing / file).exists()
            others = [f for f in d.rejected if dump_of(f) == dump_of(file)]
            assert others and "missing page" in d.rejected[others[0]], others
        elif outcome == "file_rejected":
            assert file in d.rejected, (cls, file)
        elif outcome == "file_skipped":
            original = file.replace("_resend", "")
            assert (
                hashlib.sha256((landing / file).read_bytes()).digest()
                == hashlib.sha256((landing / original).read_bytes()).digest()
            )
        elif outcome == "accepted":
            assert file not in d.rejected
            assert any(r["_file"] == file for r in d.rows[file.split("/")[0]])
    truncated = [t for t in d.truth if t["fault_class"] == "truncated_file"]
    assert {t["file"].split("/")[0] for t in truncated} == {
        "inspection_checklists",
        "third_party_readings",
    }
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
    summary = generate("province", tmp_path, seed=3, scale=0.2, fault_rate=0)
    assert summary.faults == 0
    assert read_ground_truth(tmp_path) == []
    d = Delivery(tmp_path)
    assert d.rejected == {}
    refs = reference_sets(d)
    for source in SOURCES:
        for row in d.rows[source]:
            assert problems(d.contracts[source], row, refs) == {}, (source, row["_row"])
