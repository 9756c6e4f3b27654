"""The synthetic province: contracts, samples, identifiers, references and the links between
sources (no Spark).

Every sample file is read with the pipeline's own readers (`spark_jobs.ingest.readers`), then
checked in plain Python against its contract: clean rows must pass every rule and every
reference. What the labelled rows and files must do is in `test_faults.py`.
"""

from __future__ import annotations

import re
from collections import Counter

from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from spark_jobs.checks.identifiers import division_problem
from spark_jobs.contracts import all_contracts
from tests.synthetic import PROVINCE, SCHEMAS
from tests.synthetic.profiles.province import SOURCES
from tests.unit.synthetic.reading import DAY, contracts, files_of, problems, reference_sets


def test_every_contract_loads_with_the_keys_of_its_format():
    loaded = {c.name: c for c in all_contracts(SCHEMAS)}
    assert set(SOURCES) <= set(loaded)
    for name in SOURCES:
        c = loaded[name]
        assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", c.version), name
        assert c.title.get("zh") and c.description.get("en"), name
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
        "name": "name",
        "id_number": "identifier",
        "phone": "contact",
    }


def test_every_source_has_a_sample_file():
    loaded = contracts()
    for name in SOURCES:
        folder = PROVINCE / "landing" / loaded[name].landing_dir / DAY
        assert any(p.stat().st_size for p in folder.iterdir()), name
    total = sum(len(b) for b in files_of(PROVINCE).values())
    assert total < 1_000_000, f"samples are {total} bytes"


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
    hits = sum(
        any(
            u == r["entity_uscc"] and i == r["item_code"] and day >= r["granted_date"]
            for u, i, day in followed
        )
        for r in claimed
    )
    assert claimed and hits >= 5
    # the class mix is close to Dandong's (A 65.4 %, B 25.3 %, C 7.7 %, D 1.5 %)
    mix = Counter(classes.values())
    assert mix["A"] > mix["B"] > mix["C"] and mix["D"] >= 1
