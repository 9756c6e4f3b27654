"""National identifier checks, as plain Python functions (Spark calls them per value).

USCC (GB 32100-2015): python-stdnum computes the check character, but `stdnum.cn.uscc.validate`
wrongly demands digits in positions 1-8, rejecting legitimate codes whose registration-authority
code is a letter (Y…, A…, N…), and it silently upper-cases. We keep stdnum's check-character
function and replace its format rule with the standard's: the 31-character alphabet everywhere,
upper case only, 6 digits of division code in positions 3-8 (docs/national_rules.md, identifiers).

Division codes (GB/T 2260): python-stdnum ships the code table it uses for ID numbers; a code is
accepted when it is in the table and not marked as retired ("[-2010]崇文区").
"""

from __future__ import annotations

import re
from functools import lru_cache

from stdnum.cn import uscc as stdnum_uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_FORMAT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_RETIRED = re.compile(r"^\[[0-9]*-[0-9]+\]")


def uscc_problem(code: str | None) -> str | None:
    """Why `code` is not a valid USCC, or None when it is."""
    if code is None or code == "":
        return "empty"
    if len(code) != 18:
        return f"length {len(code)}, expected 18"
    if not _USCC_FORMAT.match(code):
        return "characters outside the GB 32100 alphabet (no I, O, S, V, Z; upper case)"
    expected = stdnum_uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        return f"check character {code[17]!r} should be {expected!r}"
    return None


def id_number_problem(number: str | None) -> str | None:
    """Why `number` is not a valid 18-character ID number (GB 11643), or None when it is.

    python-stdnum's `ric.validate` also requires the birthplace county to have existed in the
    birth year, which is right for real people but not a rule of the check character; we use
    its check-character function and a real date parse, and the division table for the area.
    """
    from datetime import date as _date

    from stdnum.cn import ric

    if number is None or number == "":
        return "empty"
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return "not 17 digits and a check character (0-9 or upper-case X)"
    try:
        _date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"impossible birth date {number[6:14]}"
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        return f"check character {number[17]!r} should be {expected!r}"
    if number[:6] not in _division_table():
        return f"area code {number[:6]} is not in the GB/T 2260 code table"
    return None


def uscc_with_check(first17: str) -> str:
    """Complete 17 characters to a valid USCC (used by the sample generator)."""
    return first17 + stdnum_uscc.calc_check_digit(first17)


@lru_cache(maxsize=1)
def _division_table() -> dict[str, str]:
    """6-digit code → name, for codes in python-stdnum's GB/T 2260 table (retired ones kept)."""
    import importlib.resources as res

    # stdnum.numdb exposes prefix look-ups only, so read the same data file once.
    table: dict[str, str] = {}
    province = ""

    text = res.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        part, _, rest = line.strip().partition(" ")
        name = rest.split('"')[1] if '"' in rest else ""
        table[province + part] = name
    return table


def division_problem(code: str | None) -> str | None:
    """Why `code` is not a current GB/T 2260 division code, or None when it is."""
    if code is None or code == "":
        return "empty"
    if not re.fullmatch(r"[0-9]{6}", code):
        return "not 6 digits"
    name = _division_table().get(code)
    if name is None:
        return "not in the GB/T 2260 code table"
    if _RETIRED.match(name):
        return f"retired division code ({name})"
    return None


def current_divisions(prefix: str = "") -> list[tuple[str, str]]:
    """Current county-level codes (and names) starting with `prefix`, sorted."""
    out = []
    for code, name in sorted(_division_table().items()):
        if code.startswith(prefix) and not code.endswith("00") and not _RETIRED.match(name):
            out.append((code, re.sub(r"^\[[0-9]*-\]", "", name)))
    return out
