"""The leaders' dashboard's figures, read from the gold tables only (never recomputed here), so
the page can only show what an analyst gets by querying gold by name.

Every figure is for the run date and the year to date (period_grain `year_to_date`), except the
trend, which has one point per run date the metrics tables hold (they keep every run date's
rows: incremental MERGE on run_date). A table that a run did not build gives an empty list.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import yaml

from spark_jobs.checks.departments import NATIONAL_DEPARTMENTS
from spark_jobs.checks.identifiers import division_name
from spark_jobs.core.settings import REPO_ROOT

PERIOD = "year_to_date"
LEVEL_ORDER = {"red": 0, "orange": 1, "yellow": 2}
DIVISION_LEVELS = ("province", "city", "county")


def coverage_targets(project: str = "dbt_project/dbt_project.yml") -> dict[str, float]:
    """The 80 % and 100 % coverage targets, from the dbt vars the coverage models use."""
    variables = yaml.safe_load((REPO_ROOT / project).read_text("utf-8"))["vars"]
    return {
        "target_80": float(variables["coverage_target_80"]),
        "target_100": float(variables["coverage_target_100"]),
    }


def _plain(value):
    """Spark values to JSON-friendly ones: decimals to floats, dates to ISO strings."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(spark, sql: str) -> list[dict]:
    return [{k: _plain(v) for k, v in r.asDict().items()} for r in spark.sql(sql).collect()]


def _exists(spark, table: str) -> bool:
    return spark.catalog.tableExists(table)


def coverage_and_grades(spark, day: str, subject_type: str) -> list[dict]:
    """Each department or region on the run date with its coverage (items in force, covered,
    rate, targets met) and its evaluation score and grade. A subject graded without catalog
    items of its own (or with coverage but no grade) is shown with the other half empty."""
    if subject_type not in ("department", "region"):  # it goes into the SQL as a literal
        raise ValueError(f"subject_type must be department or region, not {subject_type!r}")
    where = (
        f"run_date = DATE'{day}' AND period_grain = '{PERIOD}' AND subject_type = '{subject_type}'"
    )
    empty = "SELECT {} WHERE false"
    coverage = (
        f"""SELECT subject_code, subject_name, division_level, items_in_force, items_covered,
                   coverage_rate, meets_80_target, meets_100_target
            FROM gold.coverage_periodic WHERE {where}"""
        if _exists(spark, "gold.coverage_periodic")
        else empty.format(
            "'' AS subject_code, '' AS subject_name, '' AS division_level, 0 AS items_in_force,"
            " 0 AS items_covered, 0.0 AS coverage_rate, false AS meets_80_target,"
            " false AS meets_100_target"
        )
    )
    grades = (
        f"""SELECT subject_code, subject_name, division_level, score, grade, grade_name
            FROM gold.evaluation_scorecard WHERE {where}"""
        if _exists(spark, "gold.evaluation_scorecard")
        else empty.format(
            "'' AS subject_code, '' AS subject_name, '' AS division_level, 0.0 AS score,"
            " '' AS grade, '' AS grade_name"
        )
    )
    rows = _rows(
        spark,
        f"""SELECT coalesce(c.subject_code, e.subject_code) AS code,
                   coalesce(c.subject_name, e.subject_name) AS name,
                   coalesce(c.division_level, e.division_level) AS level,
                   c.items_in_force, c.items_covered, c.coverage_rate,
                   c.meets_80_target, c.meets_100_target, e.score, e.grade, e.grade_name
            FROM ({coverage}) c FULL OUTER JOIN ({grades}) e ON c.subject_code = e.subject_code
            ORDER BY code""",
    )
    for row in rows:
        if subject_type == "region":
            row["name"] = division_name(row["code"]) or row["code"]
        row["name"] = row["name"] or unnamed_department(row["code"])
    if subject_type == "region":
        rows.sort(key=lambda r: (DIVISION_LEVELS.index(r["level"] or "county"), r["code"]))
    return rows


def unnamed_department(code: str) -> str:
    """The name shown for a department no catalog item names (one with evaluation figures but
    no items): its national name and code, else its code."""
    national = NATIONAL_DEPARTMENTS.get(code)
    return f"{national}（{code}）" if national else f"部门 {code}"


def collection_warnings(spark, day: str) -> list[dict]:
    """The run date's collection warnings (采集预警), most severe first."""
    if not _exists(spark, "gold.collection_warnings"):
        return []
    rows = _rows(
        spark,
        f"""SELECT department_code, department_name, indicator, warning_level,
                   indicator_value, warning_threshold, numerator, denominator
            FROM gold.collection_warnings
            WHERE run_date = DATE'{day}' AND period_grain = '{PERIOD}'""",
    )
    rows.sort(
        key=lambda r: (LEVEL_ORDER.get(r["warning_level"], 9), r["department_code"], r["indicator"])
    )
    return rows


def risk_warnings_by_model(spark, day: str) -> list[dict]:
    """Risk warnings (风险预警) pushed on or before the run date, per model and level."""
    if not _exists(spark, "gold.risk_warnings"):
        return []
    rows = _rows(
        spark,
        f"""SELECT risk_model, first(model_name) AS model_name,
                   count_if(warning_level = 'red') AS red,
                   count_if(warning_level = 'orange') AS orange,
                   count_if(warning_level = 'yellow') AS yellow,
                   count(*) AS total,
                   count_if(handling_status IN ('handled', 'unfounded')) AS closed
            FROM gold.risk_warnings WHERE pushed_on <= DATE'{day}'
            GROUP BY risk_model ORDER BY risk_model""",
    )
    return rows


def trend(spark, day: str) -> list[dict]:
    """One point per run date up to this one: the province's coverage (the region row at
    province level), departments meeting each target, collection warnings raised that day, and
    the risk warnings of the date gold.risk_warnings was last computed for (`pushed_on`): that
    table is rebuilt every run and keeps no history, so earlier dates have none (None)."""
    if not _exists(spark, "gold.coverage_periodic"):
        return []
    warnings = (
        f"""LEFT JOIN (SELECT run_date, count(*) AS collection_warnings FROM gold.collection_warnings
            WHERE period_grain = '{PERIOD}' GROUP BY run_date) w ON w.run_date = c.run_date"""
        if _exists(spark, "gold.collection_warnings")
        else ""
    )
    counted = "coalesce(w.collection_warnings, 0)" if warnings else "0"
    points = _rows(
        spark,
        f"""SELECT c.run_date,
                   max(CASE WHEN c.subject_type = 'region' AND c.division_level = 'province'
                            THEN c.coverage_rate END) AS province_coverage,
                   count_if(c.subject_type = 'department' AND c.meets_80_target) AS departments_80,
                   count_if(c.subject_type = 'department' AND c.meets_100_target) AS departments_100,
                   count_if(c.subject_type = 'department') AS departments,
                   first({counted}) AS collection_warnings
            FROM gold.coverage_periodic c {warnings}
            WHERE c.period_grain = '{PERIOD}' AND c.run_date <= DATE'{day}'
            GROUP BY c.run_date ORDER BY c.run_date""",
    )
    pushed = (
        {
            r["pushed_on"]: r["n"]
            for r in _rows(
                spark, "SELECT pushed_on, count(*) AS n FROM gold.risk_warnings GROUP BY 1"
            )
        }
        if _exists(spark, "gold.risk_warnings")
        else {}
    )
    for point in points:
        point["risk_warnings"] = pushed.get(point["run_date"])
    return points


def collect(spark, run_date: str | date) -> dict:
    """Every figure the page shows, as plain JSON-ready values."""
    day = run_date.isoformat() if isinstance(run_date, date) else str(run_date)[:10]
    date.fromisoformat(day)  # a date, nothing else, goes into the SQL
    return {
        "run_date": day,
        "targets": coverage_targets(),
        "departments": coverage_and_grades(spark, day, "department"),
        "regions": coverage_and_grades(spark, day, "region"),
        "collection_warnings": collection_warnings(spark, day),
        "risk_models": risk_warnings_by_model(spark, day),
        "trend": trend(spark, day),
    }
