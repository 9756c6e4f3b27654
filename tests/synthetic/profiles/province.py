"""Profile `province`: every source of a synthetic province (Shanxi, 14), consistent, with faults.

The world is built first: departments (national 2-digit codes) with their provincial and city
units (agency USCCs), the item catalog and its checklists, supervised entities of the six kinds
(USCCs and ID numbers with correct check characters, current GB/T 2260 divisions, GB/T 4754
industries, risk and credit tags, credit classes A-D), officers and licences. Events then
reference only what exists: supervision actions on catalog items and existing entities by two
active officers of the same department (some following a claimed licence), penalty disclosures
of the penalty actions, 12345/12315/national complaints naming entities, credit lists, public
opinion, monitoring readings on monitored sites, knowledge (cases from the penalties) and
national quality-check feedback on reported actions. Each source follows its contract in
`schemas/` and lands as `landing/<source>/<run-date>/<file>`; `repositories/` has one module
per repository.

Faults (`faults.yaml`) are injected at the fault rate per row, every (class, field) pair of a
source at least once when the rate is above 0, and every file-level class once; a faulty row is
never referenced by another source. Large outputs are streamed: rows go to their files as they
are made, paged dumps are buffered in a temporary file, and only the reference pools (entities,
officers, items) stay in memory. The same seed, run date, scale and fault rate always give the
same bytes.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

from tests.synthetic.faults import file_level
from tests.synthetic.faults.table import load_fault_table
from tests.synthetic.ground_truth import sorted_labels
from tests.synthetic.repositories import (
    actions,
    approvals,
    complaints,
    credit,
    entities,
    items,
    knowledge,
    officers,
    third_party,
)
from tests.synthetic.run import Params, Run, Summary
from tests.synthetic.world.catalog import DEPARTMENTS, ITEM_BUSINESSES, PROVINCE
from tests.synthetic.world.divisions import Divisions
from tests.synthetic.world.identifiers import Registry
from tests.synthetic.world.model import Entity, Item, Pool, Unit
from tests.synthetic.writers import Writer

SOURCES = (
    "supervision_items",
    "inspection_checklists",
    "supervised_entities",
    "enforcement_officers",
    "approvals",
    "supervision_actions",
    "hotline_12345",
    "complaints_12315",
    "national_dispatched_complaints",
    "credit_penalties",
    "credit_abnormal_operations",
    "credit_serious_violations",
    "credit_red_black_lists",
    "credit_classes",
    "third_party_opinion",
    "third_party_readings",
    "knowledge",
    "national_feedback",
)
WINDOW_DAYS = 180  # events fall in the 180 days up to the run date


class Province(Run):
    """The run and the world built so far: each repository module reads what the earlier ones
    built and adds its own part (in the order of `generate`)."""

    units: dict[str, Unit]  # dept → provincial unit
    city_units: dict[tuple[str, str], Unit]  # (dept, city) → city-level unit
    items: dict[str, list[Item]]  # dept → clean catalog items
    covered: dict[str, list[Item]]  # dept → the items that get actions
    item_by_main: dict[tuple[str, str], Item]  # (dept, main item) → its first covered item
    checklist_files: list[Writer]
    clean_legal: list[Entity]
    objects: dict[tuple[str, str], Pool]  # (dept, kind) → clean objects it supervises
    legal_by_dept: dict[str, Pool]  # dept → clean legal persons it supervises
    all_legal: Pool
    officers: dict[tuple[str, str | None], list[str]]  # (dept, city or None or "*") → licences
    follow_ups: dict[str, list[tuple[Entity, Item, date]]]  # claimed licences to inspect
    cases: list[dict]  # penalty disclosures that become knowledge cases
    readings_writer: Writer

    window_days = WINDOW_DAYS

    def __init__(self, out: Path, params: Params):
        super().__init__("province", out, SOURCES, params, load_fault_table().row_faults)
        self.window_start = self.run_date - timedelta(days=WINDOW_DAYS - 1)
        self.divisions = Divisions(PROVINCE)
        self.registry = Registry(self.divisions)
        self._item_pools: dict[tuple, Pool] = {}
        self._business_pools: dict[tuple, Pool] = {}

    def dt_in_window(self, rng: random.Random, hours: tuple[int, int] = (8, 21)) -> datetime:
        day = self.window_start + timedelta(days=rng.randint(0, WINDOW_DAYS - 1))
        return datetime(
            day.year,
            day.month,
            day.day,
            rng.randint(*hours),
            rng.randint(0, 59),
            rng.randint(0, 59),
        )

    def build_units(self) -> None:
        """Each department's provincial unit and, where it has a city level, its city units."""
        rng = self.rng("units")
        self.units, self.city_units = {}, {}
        for dept, (name, suffix) in DEPARTMENTS.items():
            division = PROVINCE + "0000"
            self.units[dept] = Unit(
                dept, name, self.registry.uscc(rng, "11", division, False), division, None
            )
            if suffix:
                for city in self.divisions.city_codes:
                    uscc = self.registry.uscc(rng, "11", city + "00", False)
                    self.city_units[(dept, city)] = Unit(
                        dept, self.divisions.city_names[city] + suffix, uscc, city + "00", city
                    )

    def unit_for(self, dept: str, division: str) -> Unit:
        """The department's unit for a division: its city unit, else the provincial one."""
        return self.city_units.get((dept, division[:4]), self.units[dept])

    def business_pool(self, businesses: tuple[str, ...]) -> Pool:
        """Clean legal persons of these businesses (weighted by credit class)."""
        if businesses not in self._business_pools:
            self._business_pools[businesses] = Pool.by_risk(
                [e for e in self.clean_legal if e.business in businesses]
            )
        return self._business_pools[businesses]

    def legal_for(self, item: Item) -> Pool:
        """Clean legal persons that an item's checks are about (weighted by credit class)."""
        businesses = next((v for k, v in ITEM_BUSINESSES.items() if k in item.main), None)
        pool = self.legal_by_dept[item.dept]
        if businesses is None:
            return pool
        if (item.dept, businesses) not in self._item_pools:
            members = [e for e in pool.items if e.business in businesses]
            self._item_pools[(item.dept, businesses)] = Pool.by_risk(members) if members else pool
        return self._item_pools[(item.dept, businesses)]


def write_file_faults(p: Province) -> None:
    """The file-level faults made after writing (the others are made by their repository)."""
    file_level.redeliver(p, p.rel("supervision_actions", "15"))
    file_level.deliver_empty(
        p, f"third_party_opinion/{p.day}/third_party_opinion_{p.day}_part2.jsonl"
    )
    for writer in p.checklist_files:
        if writer.rel == p.rel("inspection_checklists", "20") and writer.count:
            file_level.truncate_csv(p, writer)
    if p.readings_writer.count:
        file_level.truncate_jsonl(p, p.readings_writer)


def generate(out: Path, params: Params) -> Summary:
    """Write one province's deliveries under `out/landing/` and `out/ground_truth.csv`."""
    p = Province(out, params)
    p.prepare()
    p.build_units()
    items.write_items(p)
    items.write_checklists(p)
    entities.write_entities(p)
    officers.write_officers(p)
    approvals.write_approvals(p)
    credit.write_credit_lists(p)
    actions.write_actions(p)
    complaints.write_hotline(p)
    complaints.write_12315(p)
    complaints.write_dispatched(p)
    third_party.write_opinion(p)
    third_party.write_readings(p)
    knowledge.write_knowledge(p)
    if p.faults.rate > 0:
        write_file_faults(p)
    return p.finish(sorted_labels(p.faults.rows), p.faults.missing())
