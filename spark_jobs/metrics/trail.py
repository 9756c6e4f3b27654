"""Lineage to the row for an indicator value: which rows a value counted (gold.indicator_events,
the same rows evaluation_indicators counts), and for each its landing file and row number (the
lineage columns of its silver table, found by the contract's natural key).

A row belongs to a subject as evaluation_indicators places it: a department by its
department_code, a region when its division code rolls up to it (county → city → province),
and to a period by its event date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from spark_jobs.contracts import get_contract
from spark_jobs.core.settings import Settings

EVENT_MEASURES = (
    "supervision_volume",
    "timeliness",
    "complaints_on_time",
    "ratings",
    "opinion",
    "accidents",
)
# supervision_volume's denominator is items in force x months (not rows): only its numerator
# is rows; every other measure counts its rows in the denominator.
NUMERATOR_ONLY = ("supervision_volume",)
PERIOD_GRAINS = ("year_to_date", "month")  # the grains of the indicator tables
VALUE_TABLES = {
    "evaluation": "gold.evaluation_indicators",
    "collection": "gold.collection_indicators",
}


@dataclass(frozen=True)
class TrailRow:
    hit: bool  # counted in the numerator (else in the denominator only)
    event_date: str
    source_table: str
    source_key: str
    source_file: str | None
    row_number: int | None


@dataclass(frozen=True)
class Trail:
    indicator: str
    subject_type: str
    subject_code: str
    period: tuple[str, str]  # first and last day
    numerator: int | None  # as the indicator table holds them
    denominator: int | None
    rows: list[TrailRow]

    @property
    def hits(self) -> int:
        return sum(r.hit for r in self.rows)


def _subject_filter(subject_type: str, code: str) -> str:
    if subject_type == "department":
        return f"department_code = '{code}'"
    if subject_type == "region":
        return (
            f"'{code}' IN (division_code, concat(substr(division_code, 1, 4), '00'),"
            " concat(substr(division_code, 1, 2), '0000'))"
        )
    raise ValueError(f"subject_type must be department or region, not {subject_type!r}")


def indicator_value(
    spark,
    kind: str,
    run_date: str,
    indicator: str,
    subject_type: str,
    code: str,
    period_grain: str,
    period_start: str | None,
) -> dict:
    """The stored value row (numerator, denominator, period) the trail explains."""
    subject = (
        f"subject_type = '{subject_type}' AND subject_code = '{code}'"
        if kind == "evaluation"
        else f"department_code = '{code}'"
    )
    start = f" AND period_start = DATE'{period_start}'" if period_start else ""
    rows = spark.sql(
        f"SELECT period_start, period_end, numerator, denominator FROM {VALUE_TABLES[kind]} "  # noqa: S608 - checked in trail()
        f"WHERE run_date = DATE'{run_date}' AND indicator = '{indicator}' AND {subject} "
        f"AND period_grain = '{period_grain}'{start} ORDER BY period_start DESC LIMIT 1"
    ).collect()
    if not rows:
        raise LookupError(
            f"no {indicator} value for {subject_type} {code} on {run_date} ({period_grain}) "
            f"in {VALUE_TABLES[kind]}"
        )
    return rows[0].asDict()


def _landing_rows(spark, settings: Settings, table: str, keys: list[str]) -> dict[str, tuple]:
    """key → (landing file, row number) from the silver table's lineage columns."""
    (key,) = get_contract(table, settings.contract_dir).natural_key
    wanted = spark.createDataFrame([(k,) for k in keys], f"{key} string")
    found = (
        spark.table(f"silver.{table}")
        .select(key, "_source_file", "_row_number")
        .join(wanted, key)
        .collect()
    )
    return {r[key]: (r["_source_file"], r["_row_number"]) for r in found}


def trail(
    spark,
    settings: Settings,
    run_date: str | date,
    indicator: str,
    subject_type: str,
    code: str,
    period_grain: str = "year_to_date",
    period_start: str | None = None,
) -> Trail:
    """The rows behind one indicator value, with their landing file and row."""
    day = str(run_date)[:10]
    date.fromisoformat(day)
    if indicator not in EVENT_MEASURES:
        raise ValueError(
            f"no row trail for indicator {indicator!r}: one of {', '.join(EVENT_MEASURES)}"
        )
    if subject_type not in ("department", "region", "collection"):
        raise ValueError(
            f"subject_type must be department, region or collection, not {subject_type!r}"
        )
    if not code.isalnum():
        raise ValueError(f"not a subject code: {code!r}")
    if period_grain not in PERIOD_GRAINS:
        raise ValueError(
            f"not a period grain: {period_grain!r} (one of {', '.join(PERIOD_GRAINS)})"
        )
    if period_start is not None:
        date.fromisoformat(period_start)  # ValueError: Invalid isoformat string: '...'
    # The code, grain and dates are checked above: they go into the SQL below as literals.
    kind = "collection" if subject_type == "collection" else "evaluation"
    subject = "department" if kind == "collection" else subject_type
    value = indicator_value(
        spark, kind, day, indicator, subject_type, code, period_grain, period_start
    )
    first, last = value["period_start"], value["period_end"]
    events = spark.sql(
        "SELECT hit, event_date, source_table, source_key FROM gold.indicator_events "  # noqa: S608 - checked above
        f"WHERE measure = '{indicator}' AND event_date BETWEEN DATE'{first}' AND DATE'{last}' "
        f"AND {_subject_filter(subject, code)} ORDER BY source_table, source_key"
    ).collect()
    landing: dict[tuple[str, str], tuple] = {}
    for table in sorted({e["source_table"] for e in events}):
        keys = [e["source_key"] for e in events if e["source_table"] == table]
        landing.update(
            {(table, k): v for k, v in _landing_rows(spark, settings, table, keys).items()}
        )
    rows = [
        TrailRow(
            bool(e["hit"]),
            str(e["event_date"]),
            e["source_table"],
            e["source_key"],
            *landing.get((e["source_table"], e["source_key"]), (None, None)),
        )
        for e in events
    ]
    return Trail(
        indicator,
        subject,
        code,
        (str(first), str(last)),
        value["numerator"],
        value["denominator"],
        rows,
    )


def render(t: Trail, limit: int | None = None) -> list[str]:
    """The trail for a person: the value, then one line per row (numerator rows first)."""
    agree = t.hits == t.numerator and (
        t.indicator in NUMERATOR_ONLY or len(t.rows) == t.denominator
    )
    out = [
        f"{t.indicator} of {t.subject_type} {t.subject_code}, {t.period[0]}..{t.period[1]}: "
        f"{t.numerator}/{t.denominator} (rows below: {t.hits}/{len(t.rows)}"
        f"{', agree' if agree else ', DISAGREE'})"
    ]
    shown = sorted(t.rows, key=lambda r: (not r.hit, r.source_table, r.source_key))
    for r in shown[:limit]:
        out.append(
            f"  {'+' if r.hit else '-'} {r.source_table:<30} {r.source_key:<24} {r.event_date}  "
            f"{r.source_file or '-'} row {r.row_number if r.row_number is not None else '-'}"
        )
    if limit is not None and len(shown) > limit:
        out.append(f"  … {len(shown) - limit} more rows (--limit)")
    return out
