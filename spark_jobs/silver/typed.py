"""The value silver stores for each delivered (standardised) string, by the field's type.

A value that cannot be typed becomes null here, never an error: ANSI mode stays on, so dates are
parsed with `try_to_date`, timestamps with `try_to_timestamp` and numbers with `try_cast`
(docs/pitfalls.md). `rules.py` turns a present value with a null typed value into a problem.

Dates and timestamps try the field's `formats` in order (Spark datetime patterns such as
`yyyy-MM-dd`, `yyyy/M/d`, `yyyy年M月d日`, `yyyyMMdd`), and `excel_serial` for an Excel serial day
number (days since 1899-12-30: `45446` is 2024-06-03; a fraction is the time of day; serials
61 to 2958465, i.e. 1900-03-01 to 9999-12-31, since Excel counts a 29 February 1900 that never
was).

A timestamp is a Spark TIMESTAMP, an instant (Delta stores it in UTC). A value whose format has
no zone is read as wall-clock time in the field's `timezone` (default Asia/Shanghai); a value
with an explicit offset after any of the formats (`2024-06-03T09:15:00+08:00`, `…Z`) keeps its
offset. `local_date` is a timestamp's calendar date in its time zone: the rules compare that
with dates (`comparable`), so 2024-06-03 09:15 is not "after" a delivery dated 2024-06-03.
"""

from __future__ import annotations

import re
from datetime import date

from pyspark.sql import Column
from pyspark.sql import functions as F

from spark_jobs.contracts import Field
from spark_jobs.contracts.loader import DEFAULT_TIMEZONE, EXCEL_SERIAL

DEFAULT_DATE_FORMAT = "yyyy-MM-dd"
DEFAULT_TIMESTAMP_FORMATS = ("yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss")
EXCEL_EPOCH = date(1899, 12, 30)  # serial 0
EXCEL_FIRST, EXCEL_LAST = 61, 2_958_465  # 1900-03-01 .. 9999-12-31
EXCEL_UNIX_EPOCH = 25_569  # the serial of 1970-01-01
_EXCEL_NUMBER = r"^[0-9]{1,7}(\.[0-9]+)?$"
_ZONE_LETTERS = set("VzOXxZ")  # pattern letters of a zone or an offset


def formats_of(f: Field) -> tuple[str, ...]:
    """The formats a date or timestamp field tries, in order (its own, else the default)."""
    if f.formats:
        return f.formats
    return DEFAULT_TIMESTAMP_FORMATS if f.type == "timestamp" else (DEFAULT_DATE_FORMAT,)


def has_zone(pattern: str) -> bool:
    """Whether a Spark datetime pattern reads a zone or offset itself (quoted text aside)."""
    return bool(_ZONE_LETTERS & set(re.sub(r"'[^']*'", "", pattern)))


def excel_serial_date(serial: str) -> date | None:
    """Plain-Python reference of the `excel_serial` date format: `45446` → 2024-06-03."""
    if not re.match(_EXCEL_NUMBER, serial) or not EXCEL_FIRST <= float(serial) < EXCEL_LAST + 1:
        return None
    return date.fromordinal(EXCEL_EPOCH.toordinal() + int(float(serial)))


def _excel_serial(raw: Column) -> Column:
    """The serial number (decimal) of an Excel serial value in range, else null."""
    serial = F.when(raw.rlike(_EXCEL_NUMBER), raw.try_cast("decimal(18,8)"))
    return F.when((serial >= EXCEL_FIRST) & (serial < EXCEL_LAST + 1), serial)


def _date(raw: Column, fmt: str) -> Column:
    if fmt == EXCEL_SERIAL:
        return F.date_add(F.lit(EXCEL_EPOCH), F.floor(_excel_serial(raw)).cast("int"))
    return F.try_to_date(raw, fmt)


def _timestamp(raw: Column, fmt: str, tz: str) -> Column:
    if fmt == EXCEL_SERIAL:  # wall-clock seconds since 1970 as if UTC, then read in `tz`
        seconds = F.round((_excel_serial(raw) - EXCEL_UNIX_EPOCH) * 86_400).cast("bigint")
        return F.to_utc_timestamp(F.timestamp_seconds(seconds), tz)
    if has_zone(fmt):
        return F.try_to_timestamp(raw, F.lit(fmt))
    return F.coalesce(
        F.try_to_timestamp(raw, F.lit(fmt + "XXX")),  # an explicit offset (or Z) is kept
        F.try_to_timestamp(F.concat(raw, F.lit(f" {tz}")), F.lit(f"{fmt} VV")),
    )


def typed_value(f: Field, raw: Column) -> Column:
    """The value silver stores for `raw` (null when it cannot be typed)."""
    if f.type == "date":
        return F.coalesce(*[_date(raw, fmt) for fmt in formats_of(f)])
    if f.type == "timestamp":
        tz = f.timezone or DEFAULT_TIMEZONE
        return F.coalesce(*[_timestamp(raw, fmt, tz) for fmt in formats_of(f)])
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


def local_date(f: Field, typed: Column) -> Column:
    """A typed date as it is; a typed timestamp's calendar date in the field's time zone
    (whatever the session's time zone)."""
    if f.type != "timestamp":
        return typed
    wall = F.convert_timezone(
        F.current_timezone(), F.lit(f.timezone or DEFAULT_TIMEZONE), typed.cast("timestamp_ntz")
    )
    return wall.cast("date")


def comparable(f: Field, mine: Column, other: Field, theirs: Column) -> tuple[Column, Column]:
    """Typed values of two date/timestamp fields in a form `<` and `>` may compare: two
    timestamps as instants, otherwise both as dates (a timestamp by its `local_date`)."""
    if f.type == other.type == "timestamp":
        return mine, theirs
    return local_date(f, mine), local_date(other, theirs)
