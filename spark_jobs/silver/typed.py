"""The value silver stores for each delivered (standardised) string, by the field's type.

A value that cannot be typed becomes null here, never an error: ANSI mode stays on, so dates are
parsed with `try_to_date` and numbers with `try_cast` (docs/pitfalls.md). `rules.py` turns a
present value with a null typed value into a problem.
"""

from __future__ import annotations

import re

from pyspark.sql import Column
from pyspark.sql import functions as F

from spark_jobs.contracts import Field

DEFAULT_DATE_FORMAT = "yyyy-MM-dd"


def typed_value(f: Field, raw: Column) -> Column:
    """The value silver stores for `raw` (null when it cannot be typed)."""
    if f.type == "date":
        return F.coalesce(
            *[F.try_to_date(raw, fmt) for fmt in (f.formats or (DEFAULT_DATE_FORMAT,))]
        )
    if f.type == "code":
        if f.delivered_as == "label":
            mapping = F.create_map(*[F.lit(x) for kv in f.codes.items() for x in (kv[1], kv[0])])
            return F.element_at(mapping, raw) if f.codes else raw
        return F.when(raw.isin(list(f.codes)), raw)
    if f.type == "list":
        separator = re.escape(f.separator or ";")  # split takes a regex: `|` is a separator
        parts = F.transform(F.split(raw, separator), lambda x: F.trim(x))
        return F.when(raw.isNotNull(), F.filter(parts, lambda x: x != ""))
    if f.type == "integer":
        return raw.try_cast("bigint")
    if f.type == "decimal":
        return raw.try_cast("decimal(20,2)")
    return raw
