"""Identifiers with correct check characters (rules in docs/national_rules.md).

USCC (GB 32100): 2-character registration kind + 6-digit division + 9-character organisation
code (GB 11714: 8 characters and a check character) + the USCC check character. ID numbers
(GB 11643): 6-digit division + birth date + 3-digit sequence + check character; they are built
here, not by Faker's `ssn()`, which fails the check about half the time.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.cn import ric

from spark_jobs.checks.identifiers import USCC_ALPHABET, uscc_with_check
from tests.synthetic.world.divisions import Divisions

_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def gb11714_check(body8: str) -> str:
    """Check character of an organisation code body (GB 11714: digits, then A=10 … Z=35)."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body8, _GB11714_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def numeric_org_code(rng: random.Random) -> str:
    """An old-style organisation code: 8 random digits and the check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    return body + gb11714_check(body)


def id_number(division: str, birth: date, sequence: int) -> str:
    """An 18-digit GB 11643 number: division + birth date + sequence + check character."""
    first17 = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


class Registry:
    """Hands out organisation codes, USCCs and ID numbers, each one once."""

    def __init__(self, divisions: Divisions):
        self.divisions = divisions
        self._orgs: set[str] = set()
        self._ids: set[str] = set()

    def org_code(self, rng: random.Random, new_style: bool) -> str:
        while True:
            if new_style:  # post-2015 codes: MA + 6 characters of the USCC alphabet
                body = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
                code = body + gb11714_check(body)
            else:
                code = numeric_org_code(rng)
            if code not in self._orgs:
                self._orgs.add(code)
                return code

    def uscc(self, rng: random.Random, prefix: str, division: str, new_style: bool) -> str:
        return uscc_with_check(prefix + division + self.org_code(rng, new_style))

    def id_for(self, rng: random.Random, birth_from: int, birth_to: int) -> tuple[str, int]:
        """(ID number, sex code 1/2) of a person born in the province in [birth_from, birth_to]."""
        while True:
            year = rng.randint(birth_from, birth_to)
            place = rng.choice(self.divisions.existing_in(year))
            birth = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
            number = id_number(place, birth, rng.randint(1, 999))
            if number not in self._ids:
                self._ids.add(number)
                return number, 1 if int(number[16]) % 2 else 2
