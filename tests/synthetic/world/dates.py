"""Dates as the contracts write them: Spark datetime patterns, working days."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

_TOKEN = re.compile(r"'[^']*'|yyyy|MM|M|dd|d|HH|mm|ss|.")


def format_date(value: date | datetime, pattern: str) -> str:
    """Format with a Spark datetime pattern (the subset the contracts use)."""
    out = []
    for tok in _TOKEN.findall(pattern):
        if tok.startswith("'"):
            out.append(tok[1:-1])
        elif tok == "yyyy":
            out.append(f"{value.year:04d}")
        elif tok == "MM":
            out.append(f"{value.month:02d}")
        elif tok == "M":
            out.append(str(value.month))
        elif tok == "dd":
            out.append(f"{value.day:02d}")
        elif tok == "d":
            out.append(str(value.day))
        elif tok in ("HH", "mm", "ss"):
            dt = (
                value
                if isinstance(value, datetime)
                else datetime(value.year, value.month, value.day)
            )
            out.append(f"{dt.hour if tok == 'HH' else dt.minute if tok == 'mm' else dt.second:02d}")
        else:
            out.append(tok)
    return "".join(out)


def strptime_pattern(pattern: str) -> str:
    """The `datetime.strptime` form of a Spark pattern (for tests and parsing)."""
    table = {
        "yyyy": "%Y",
        "MM": "%m",
        "M": "%m",
        "dd": "%d",
        "d": "%d",
        "HH": "%H",
        "mm": "%M",
        "ss": "%S",
    }
    return "".join(
        tok[1:-1] if tok.startswith("'") else table.get(tok, tok) for tok in _TOKEN.findall(pattern)
    )


def parse_date(text: str, patterns: Iterable[str]) -> datetime | None:
    """The first of `patterns` that parses `text`, or None."""
    for pattern in patterns:
        try:
            return datetime.strptime(text, strptime_pattern(pattern))
        except ValueError:
            continue
    return None


def add_working_days(day: date, n: int) -> date:
    """n working days after `day`, skipping weekends (no holiday calendar: an assumption)."""
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def day_text(value: date | datetime) -> str:
    return format_date(value, "yyyy-MM-dd")


def time_text(value: datetime) -> str:
    return format_date(value, "yyyy-MM-dd HH:mm:ss")
