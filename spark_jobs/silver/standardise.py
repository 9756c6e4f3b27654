"""Standardise delivered values before any rule looks at them.

Every field is trimmed, full-width spaces (U+3000) included: stray whitespace is not content,
and a value that is only whitespace is empty (null). In coded fields (codes, identifiers,
numbers, dates, lists: see `is_coded`) full-width digits, Latin letters and the separators
`－／：` become half-width, which is what NFKC does to them; free text keeps the width the
sender chose. The rules (`rules.py`) then see `２０２４－０６－１５` as `2024-06-15` and
`９１３１…` as `9131…`.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from spark_jobs.contracts import Contract, Field

FULL_WIDTH = (
    "".join(chr(c) for c in range(0xFF10, 0xFF1A))  # ０-９
    + "".join(chr(c) for c in range(0xFF21, 0xFF3B))  # Ａ-Ｚ
    + "".join(chr(c) for c in range(0xFF41, 0xFF5B))  # ａ-ｚ
    + "－／："
)
HALF_WIDTH = "0123456789" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "abcdefghijklmnopqrstuvwxyz" + "-/:"
_EDGE_SPACE = r"^[\s\u3000]+|[\s\u3000]+$"


def is_coded(f: Field) -> bool:
    """Codes, identifiers, numbers and dates (not free text, whose width is the sender's)."""
    return f.type in {"code", "date", "list", "integer", "decimal"} or bool(f.pattern or f.check)


def standard_value(f: Field, value):
    """The standardised form of one delivered value (a Column): half-width if coded, trimmed,
    null when nothing is left."""
    if is_coded(f):
        value = F.translate(value, FULL_WIDTH, HALF_WIDTH)
    trimmed = F.regexp_replace(value, _EDGE_SPACE, "")
    return F.when(trimmed != "", trimmed)


def standardise(contract: Contract, df: DataFrame) -> DataFrame:
    """Replace each contract field's column of `df` by its standardised value."""
    return df.withColumns({f.name: standard_value(f, F.col(f.name)) for f in contract.fields})
