"""Lineage to the row for an indicator value: which rows a value counted, and for each its
landing file and row number (the lineage columns of its silver table, found by the contract's
natural key). The rows are those the indicator tables count, read from the gold tables that
list them, so a value and its trail cannot disagree:

- gold.indicator_events: the event-based measures of evaluation_indicators, and timeliness;
- gold.collection_events: completeness (one row per action and field) and the rejection rate
  (rows accepted, and rows rejected with their own landing file and row);
- gold.coverage_items: coverage (the items in force, covered or not, with the first action
  that covers each) and never_acted_share (the items in force at the period's end).

An event row belongs to a subject as evaluation_indicators places it: a department by its
department_code, a region when its division code rolls up to it (county → city → province),
and to a period by its event date. An item row is already per period and subject.
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
COLLECTION_MEASURES = ("completeness", "rejection_rate")  # gold.collection_events
ITEM_MEASURES = ("coverage", "never_acted_share")  # gold.coverage_items
INDICATORS = (*EVENT_MEASURES, *COLLECTION_MEASURES, *ITEM_MEASURES)
# Which indicators each value table holds (evaluation's rejection rate is collection's).
KIND_INDICATORS = {
    "evaluation": (*EVENT_MEASURES, "coverage", "rejection_rate"),
    "collection": ("timeliness", *COLLECTION_MEASURES, "never_acted_share"),
}
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
    evidence: str = ""  # what decided the row: the field checked, the covering action


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


def _event_rows(spark, indicator: str, subject: str, code: str, first, last) -> list[dict]:
    return [
        r.asDict()
        for r in spark.sql(
            "SELECT hit, event_date, source_table, source_key FROM gold.indicator_events "  # noqa: S608 - checked in trail()
            f"WHERE measure = '{indicator}' AND event_date BETWEEN DATE'{first}' AND DATE'{last}' "
            f"AND {_subject_filter(subject, code)} ORDER BY source_table, source_key"
        ).collect()
    ]


def _collection_rows(spark, indicator: str, code: str, first, last) -> list[dict]:
    """Completeness: one row per action and field; rejection rate: rows accepted and rows
    rejected, a rejected row with its own landing file and row."""
    out = []
    for r in spark.sql(
        "SELECT hit, event_date, source_table, source_key, checked_field, landing_file, landing_row "  # noqa: S608 - checked in trail()
        f"FROM gold.collection_events WHERE measure = '{indicator}' "
        f"AND event_date BETWEEN DATE'{first}' AND DATE'{last}' AND department_code = '{code}' "
        "ORDER BY source_table, source_key, checked_field"
    ).collect():
        row = r.asDict()
        field = row["checked_field"]
        row["evidence"] = f"field {field}" if field else ""
        if row["landing_file"] is not None:
            row["landing"] = (row["landing_file"], row["landing_row"])
        out.append(row)
    return out


def _item_rows(
    spark, indicator: str, subject: str, code: str, grain: str, first, last
) -> list[dict]:
    """Coverage: the items in force in the period (hit: covered, with the first covering
    action); never_acted_share: the department's items in force on the period's last day
    (hit: no action on or before it)."""
    where = (
        f"period_grain = '{grain}' AND period_start = DATE'{first}' "
        f"AND subject_type = '{subject}' AND subject_code = '{code}'"
    )
    if indicator == "coverage":
        sql = (
            "SELECT item_code AS source_key, is_covered AS hit, first_action_id AS action "  # noqa: S608 - checked in trail()
            f"FROM gold.coverage_items WHERE {where} AND in_force ORDER BY item_code"
        )
    else:
        sql = (
            "SELECT item_code AS source_key, first_action_date, "  # noqa: S608 - checked in trail()
            "(first_action_date IS NULL OR first_action_date > period_end) AS hit "
            f"FROM gold.coverage_items WHERE {where} AND in_force_at_end ORDER BY item_code"
        )
    out = []
    for r in spark.sql(sql).collect():
        row = r.asDict()
        row.update(source_table="supervision_items", event_date=str(last))
        if indicator == "coverage":
            row["evidence"] = f"first action {row['action']}" if row["action"] else "no action"
        else:
            acted = row["first_action_date"]
            row["evidence"] = f"first action on {acted}" if acted else "never acted on"
        out.append(row)
    return out


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
    if subject_type not in ("department", "region", "collection"):
        raise ValueError(
            f"subject_type must be department, region or collection, not {subject_type!r}"
        )
    kind = "collection" if subject_type == "collection" else "evaluation"
    if indicator not in KIND_INDICATORS[kind]:
        raise ValueError(
            f"no row trail for {kind} indicator {indicator!r}: one of "
            f"{', '.join(KIND_INDICATORS[kind])}"
        )
    if subject_type == "region" and indicator == "rejection_rate":
        raise ValueError("rejection_rate is per department (rows carry no region)")
    if not code.isalnum():
        raise ValueError(f"not a subject code: {code!r}")
    if period_grain not in PERIOD_GRAINS:
        raise ValueError(
            f"not a period grain: {period_grain!r} (one of {', '.join(PERIOD_GRAINS)})"
        )
    if period_start is not None:
        date.fromisoformat(period_start)  # ValueError: Invalid isoformat string: '...'
    # The code, grain and dates are checked above: they go into the SQL below as literals.
    subject = "department" if kind == "collection" else subject_type
    value = indicator_value(
        spark, kind, day, indicator, subject_type, code, period_grain, period_start
    )
    first, last = value["period_start"], value["period_end"]
    if indicator in ITEM_MEASURES:
        found = _item_rows(spark, indicator, subject, code, period_grain, first, last)
    elif indicator in COLLECTION_MEASURES:
        found = _collection_rows(spark, indicator, code, first, last)
    else:
        found = _event_rows(spark, indicator, subject, code, first, last)
    wanted: dict[str, set[str]] = {}
    for r in found:
        if "landing" not in r:
            wanted.setdefault(r["source_table"], set()).add(r["source_key"])
        if r.get("action"):
            wanted.setdefault("supervision_actions", set()).add(r["action"])
    landing: dict[tuple[str, str], tuple] = {}
    for table, keys in sorted(wanted.items()):
        found_rows = _landing_rows(spark, settings, table, sorted(keys))
        landing.update({(table, k): v for k, v in found_rows.items()})
    rows = []
    for r in found:
        evidence = r.get("evidence", "")
        if r.get("action"):
            file, number = landing.get(("supervision_actions", r["action"]), (None, None))
            evidence += f" ({file or '-'} row {number if number is not None else '-'})"
        key = (r["source_table"], r["source_key"])
        file, number = r.get("landing", landing.get(key, (None, None)))
        rows.append(TrailRow(bool(r["hit"]), str(r["event_date"]), *key, file, number, evidence))
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
            + (f"  {r.evidence}" if r.evidence else "")
        )
    if limit is not None and len(shown) > limit:
        out.append(f"  … {len(shown) - limit} more rows (--limit)")
    return out
