"""National identifier checks, as plain Python functions (Spark calls them per value).

USCC (GB 32100-2015): python-stdnum computes the check character, but `stdnum.cn.uscc.validate`
wrongly demands digits in positions 1-8, rejecting legitimate codes whose registration-authority
code is a letter (Y…, A…, N…), and it silently upper-cases. We keep stdnum's check-character
function and replace its format rule with the standard's: the 31-character alphabet everywhere,
upper case only, 6 digits of division code in positions 3-8 (docs/national_rules.md, identifiers).

Division codes (GB/T 2260): python-stdnum ships the code table it uses for ID numbers; a code is
accepted when it is in the table and not marked as retired ("[-2010]崇文区").

Standardisation of identifiers (applied by silver before the checks, `standardise.py`, which runs
the same regular expressions as Spark expressions): `strip_identifier_noise` removes label
noise around a code (`统一社会信用代码：`, `身份证号:`, a `（1/1）` suffix, spaces and dashes
inside the code), `upper_check_character` upper-cases the last character, and `id15_to_18`
converts a legacy 15-digit ID number to 18 digits (GB 11643). python-stdnum has no 15 → 18
conversion and its `ric.calc_check_digit` expects the check character position to be present
(it drops the last character), so the GB 11643 check character is computed here
(`id_check_character`) and compared with stdnum's in the tests.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stdnum.cn import uscc as stdnum_uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_FORMAT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_RETIRED = re.compile(r"^\[[0-9]*-[0-9]+\]")

# GB 11643 (ISO 7064 MOD 11-2): weights 2^(18-i) mod 11 of positions 1-17; r = sum mod 11
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"  # indexed by r
LEGACY_ID = r"^[0-9]{15}$"
LOWER_CASE = r"[a-z]"  # 6-digit area + yyMMdd + 3-digit sequence, no check character

# Label noise around an identifier, removed in this order (each match replaced by nothing).
# Written in the regex syntax Python's `re` and Java (Spark's `regexp_replace`) share.
IDENTIFIER_NOISE = (
    # spaces (ASCII, no-break, en/em…, ideographic) and dashes (ASCII, Unicode, full-width)
    r"[ \t\n\x0B\f\r\u00a0\u2000-\u200b\u3000\-\u2010\u2011\u2013\u2014\uff0d]+",
    r"(?s)^.*[:\uff1a]",  # a label up to the last colon: 统一社会信用代码：…, 身份证号:…
    r"([(\uff08\[\u3010][^)\uff09\]\u3011]*[)\uff09\]\u3011])+$",  # a note: （1/1）, (副本)
    r"^[^\x00-\x7F]+(?=[0-9A-Za-z])",  # a label without a colon: 身份证号110105…
    r"(?<=[0-9A-Za-z])[^\x00-\x7F]+$",  # trailing words after the code: …002X号
)


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


def id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    if not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def id15_to_18(number: str) -> str:
    """A legacy 15-digit ID number as 18 characters (GB 11643): `19` inserted after the 6-digit
    area code (15-digit numbers were issued to people born in the 1900s), and the check
    character of the resulting 17 digits appended. `110105491231002` → `11010519491231002X`."""
    if not re.fullmatch(LEGACY_ID, number):
        raise ValueError(f"expected a 15-digit ID number, got {number!r}")
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_check_character(first17)


def strip_identifier_noise(value: str | None) -> str | None:
    """`value` without the label noise of IDENTIFIER_NOISE; None when nothing is left.
    `统一社会信用代码：9111 0000 6000 3734 1L（1/1）` → `91110000600037341L`."""
    if value is None:
        return None
    for pattern in IDENTIFIER_NOISE:
        value = re.sub(pattern, "", value)
    return value or None


def upper_check_character(value: str | None) -> str | None:
    """`value` with its last (check) character upper-cased when it is the only lower-case
    letter: `…002x` → `…002X`, `…341l` → `…341L`. Anything else is left as it is: a lower-case
    letter inside a USCC stays an error (national data is upper case,
    docs/national_rules.md#uscc), and `undefined` stays `undefined`."""
    if not value or re.search(LOWER_CASE, value[:-1]):
        return value
    return value[:-1] + value[-1].upper()


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


def division_name(code: str | None) -> str | None:
    """The GB/T 2260 name of a division code (`140100` → 太原市), without the table's validity
    prefix (`[1997-]小店区` → 小店区); None for an unknown code."""
    name = _division_table().get(code or "")
    return re.sub(r"^\[[^\]]*\]", "", name) if name else None


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
