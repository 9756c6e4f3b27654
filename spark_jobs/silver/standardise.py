"""Standardise delivered values before any rule looks at them.

Every field is trimmed, full-width spaces (U+3000) included: stray whitespace is not content,
and a value that is only whitespace is empty (null). In coded fields (codes, identifiers,
numbers, dates, timestamps, lists: see `is_coded`) full-width digits, Latin letters and the
separators `－／：` become half-width, which is what NFKC does to them; free text keeps the width
the sender chose. The rules (`rules.py`) then see `２０２４－０６－１５` as `2024-06-15` and
`９１３１…` as `9131…`.

Then the field's `standardise` steps run (docs/contract_format.md; the loader fills in the
defaults of `check: uscc` and `check: id_number`), always in this order:

- `strip_label`: label noise around a code removed (`统一社会信用代码：…`, `身份证号:…`, a `（1/1）`
  note, spaces and dashes inside the code; `checks.identifiers.IDENTIFIER_NOISE`);
- `upper_check`: the last (check) character upper-cased (`…002x` → `…002X`);
- `legacy_id`: a 15-digit ID number converted to 18 digits (GB 11643: `19` inserted after the
  area code, the check character appended), as a native Spark expression;
- `amount`: an amount in yuan made a plain number: thousands separators dropped (`1,234.50`,
  full-width `１，２３４．５０`), a `¥`/`￥` sign and a `元` unit dropped, `万`/`万元` multiplied
  out (`12.5万元` → `125000`). A value that is not such an amount is left as it is (and the
  decimal type then reports it).

Dates and timestamps are standardised by their typing (`typed.py`, the field's `formats`).

`standardise` keeps each field's value as delivered in `__delivered_<field>` (for every field,
so a problem can show the delivered value beside the standardised one; an existing
`__delivered_` column is kept, so standardising twice keeps the first delivery).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from spark_jobs.checks.identifiers import (
    ID_CHECK_CHARACTERS,
    ID_WEIGHTS,
    IDENTIFIER_NOISE,
    LEGACY_ID,
    LOWER_CASE,
)
from spark_jobs.contracts import Contract, Field

FULL_WIDTH = (
    "".join(chr(c) for c in range(0xFF10, 0xFF1A))  # ０-９
    + "".join(chr(c) for c in range(0xFF21, 0xFF3B))  # Ａ-Ｚ
    + "".join(chr(c) for c in range(0xFF41, 0xFF5B))  # ａ-ｚ
    + "－／："
)
HALF_WIDTH = "0123456789" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "abcdefghijklmnopqrstuvwxyz" + "-/:"
_EDGE_SPACE = r"^[\s\u3000]+|[\s\u3000]+$"
DELIVERED = "__delivered_"  # prefix of the as-delivered copy of each field

# amounts (`amount` step); the same expressions in Python (`standard_amount`) and Spark
AMOUNT_MARKS = ("，．", ",.")  # full-width comma and full stop → half-width
AMOUNT_NOISE = r"[ \t\u00a0\u3000]+|^(?:[¥￥]|RMB|人民币)|元$"  # spaces, currency sign, 元
AMOUNT_WAN = r"万$"  # 万 (after 元 is gone): times 10,000
AMOUNT_GROUPED = r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$"  # thousands separators
AMOUNT_NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?$"
WAN = 10_000


def is_coded(f: Field) -> bool:
    """Codes, identifiers, numbers and dates (not free text, whose width is the sender's)."""
    coded = {"code", "date", "timestamp", "list", "integer", "decimal"}
    return f.type in coded or bool(f.pattern or f.check)


# -- the steps, as Spark expressions ---------------------------------------------------------
def strip_label(value: Column) -> Column:
    """`checks.identifiers.strip_identifier_noise` in Spark (empty → null later)."""
    for pattern in IDENTIFIER_NOISE:
        value = F.regexp_replace(value, pattern, "")
    return value


def upper_check(value: Column) -> Column:
    """The last character upper-cased when it is the only lower-case letter
    (`checks.identifiers.upper_check_character`)."""
    head = value.substr(F.lit(1), F.length(value) - 1)
    upper = F.concat(head, F.upper(F.right(value, F.lit(1))))
    return F.when(head.rlike(LOWER_CASE), value).otherwise(upper)


def legacy_id(value: Column) -> Column:
    """A 15-digit ID number as 18 characters (`checks.identifiers.id15_to_18`); any other
    value unchanged. The check character is the weighted digit sum mod 11, computed natively."""
    first17 = F.concat(F.substring(value, 1, 6), F.lit("19"), F.substring(value, 7, 9))
    total = sum(
        (F.substring(first17, i + 1, 1).try_cast("int") * w for i, w in enumerate(ID_WEIGHTS)),
        F.lit(0),
    )
    check = F.element_at(F.array(*[F.lit(c) for c in ID_CHECK_CHARACTERS]), total % 11 + 1)
    return F.when(value.rlike(LEGACY_ID), F.concat(first17, check)).otherwise(value)


def _trim_zeros(number: Column) -> Column:
    """`125000.00000000` → `125000`, `1.50` → `1.5` (only after a decimal point)."""
    return F.regexp_replace(F.regexp_replace(number, r"(\.[0-9]*?)0+$", "$1"), r"\.$", "")


def amount(value: Column) -> Column:
    """`standard_amount` in Spark."""
    s = F.regexp_replace(F.translate(value, *AMOUNT_MARKS), AMOUNT_NOISE, "")
    wan = s.rlike(AMOUNT_WAN)
    s = F.regexp_replace(s, AMOUNT_WAN, "")
    s = F.when(s.rlike(AMOUNT_GROUPED), F.regexp_replace(s, ",", "")).otherwise(s)
    times = _trim_zeros(
        (s.try_cast("decimal(28,8)") * F.lit(WAN).cast("decimal(5,0)")).cast("string")
    )
    unchanged = value  # not an amount: left for the decimal type to report
    return F.when(~s.rlike(AMOUNT_NUMBER), unchanged).when(wan, times).otherwise(s)


STEPS = {
    "strip_label": strip_label,
    "upper_check": upper_check,
    "legacy_id": legacy_id,
    "amount": amount,
}


def standard_value(f: Field, value: Column) -> Column:
    """The standardised form of one delivered value (a Column): half-width if coded, trimmed,
    the field's `standardise` steps, null when nothing is left. One expression: for a single
    value; `standardise` gives a table the same result one step at a time."""
    value = _cleaned(f, value)
    for step in f.standardise:
        value = F.when(value != "", STEPS[step](value))
    return F.when(value != "", value)


def _cleaned(f: Field, value: Column) -> Column:
    if is_coded(f):
        value = F.translate(value, FULL_WIDTH, HALF_WIDTH)
    return F.regexp_replace(value, _EDGE_SPACE, "")


def standardise(contract: Contract, df: DataFrame) -> DataFrame:
    """Replace each contract field's column of `df` by its standardised value (`standard_value`),
    keeping the delivered value in `__delivered_<field>` (unless `df` has that column already).

    One projection per step, each reading the column the step before wrote: a step reads its
    input several times (`upper_check` four, `legacy_id` nineteen), and as one nested
    expression every read evaluated all the steps before it again: 7.7 of silver's 11 s for
    100 k actions. Spark keeps a projection whose expensive column is read more than once
    (CollapseProject does not inline it), so each step runs once per value."""
    columns = {f.name: _cleaned(f, F.col(f.name)) for f in contract.fields}
    for f in contract.fields:
        if f"{DELIVERED}{f.name}" not in df.columns:
            columns[f"{DELIVERED}{f.name}"] = F.col(f.name)
    df = df.withColumns(columns)
    for k in range(max((len(f.standardise) for f in contract.fields), default=0)):
        df = df.withColumns(
            {
                f.name: F.when(F.col(f.name) != "", STEPS[f.standardise[k]](F.col(f.name)))
                for f in contract.fields
                if len(f.standardise) > k
            }
        )
    return df.withColumns(
        {f.name: F.when(F.col(f.name) != "", F.col(f.name)) for f in contract.fields}
    )


# -- the same standardisation in plain Python (the reference the unit tests check) -----------
def standard_amount(value: str) -> str:
    """A delivered amount in yuan as a plain number string, or `value` unchanged when it is
    not an amount: `1,234.50` → `1234.50`, `12.5万元` → `125000`, `￥3,000元` → `3000`."""
    s = re.sub(AMOUNT_NOISE, "", value.translate(str.maketrans(*AMOUNT_MARKS)))
    wan = re.search(AMOUNT_WAN, s) is not None
    s = re.sub(AMOUNT_WAN, "", s)
    if re.match(AMOUNT_GROUPED, s):
        s = s.replace(",", "")
    if not re.match(AMOUNT_NUMBER, s):
        return value
    if not wan:
        return s
    # the Spark form reads the number as decimal(28,8), rounding half up to 8 places
    text = format(Decimal(s).quantize(Decimal("1e-8"), ROUND_HALF_UP) * WAN, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
