"""The province's administrative divisions (GB/T 2260, docs/national_rules.md) and addresses.

Codes and names come from the code table python-stdnum ships (`spark_jobs.checks.identifiers`):
only current county-level codes are used, and a person is born only where a code existed in
their birth year, so every ID number the generator makes passes the pipeline's division check.
"""

from __future__ import annotations

import random
import re

from spark_jobs.checks.identifiers import _division_table, current_divisions

STREETS = (
    "迎泽大街",
    "并州路",
    "长风街",
    "建设路",
    "解放路",
    "府西街",
    "新建路",
    "学府街",
    "胜利街",
    "和平路",
    "人民路",
    "文化路",
    "中山路",
    "朝阳街",
    "五一路",
    "滨河路",
)
_SINCE = re.compile(r"^\[([0-9]*)-\]")  # a name tagged "[1999-]": the code exists since 1999


class Divisions:
    """Counties (6 digits) and cities (4-digit prefixes) of one province."""

    def __init__(self, province: str):
        table = _division_table()
        self.counties = [(c, n) for c, n in current_divisions(province) if n != "市辖区"]
        self.county_codes = [c for c, _ in self.counties]
        self.county_names = dict(self.counties)
        self.city_codes = sorted({c[:4] for c in self.county_codes})
        self.city_names = {c: _SINCE.sub("", table[c + "00"]) for c in self.city_codes}
        self.since: dict[str, int] = {}  # county → first year its code existed (0: always)
        for code in self.county_codes:
            m = _SINCE.match(table[code])
            self.since[code] = int(m.group(1)) if m and m.group(1) else 0
        self._by_year: dict[int, list[str]] = {}

    def existing_in(self, year: int) -> list[str]:
        """Counties whose code existed in `year` (a birthplace for an ID number of that year)."""
        if year not in self._by_year:
            self._by_year[year] = [c for c, since in self.since.items() if since <= year]
        return self._by_year[year]

    def address(self, rng: random.Random, division: str) -> str:
        return (
            self.city_names[division[:4]]
            + self.county_names.get(division, "")
            + rng.choice(STREETS)
            + f"{rng.randint(1, 399)}号"
        )
