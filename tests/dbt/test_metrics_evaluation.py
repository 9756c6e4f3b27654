"""Coverage per period and region, collection monitoring and the evaluation scorecard.

A small lake holds the silver tables the metrics read (the catalog, checklists, actions,
12345 work orders, public opinion, monitoring readings, the quarantine; the other sources
their marts need are written empty). One `dbt build` of the five metrics models and their
parents runs every data test too. Every expected figure below was computed by hand from the
definitions in docs/coverage.md and docs/evaluation.md and the configured figures (dbt vars,
checked first), not read from the models' output.

Run date D = 2025-02-28: the periods are January, February (to D) and the year to date.
Catalog: department 31 owns items 1-5, 23 owns 6-7, 12 owns 8, 99 owns 4,004 items 1000+.
Checklists (agency division, status, published):
  item 1: 140105 01 | item 2: 140105 02 (retired) 2025-02-01 | item 3: 140100 01
  item 4: 140202 01 | item 5: none | item 6: 140105 01 | item 7: 140000 03 (suspended) 2025-01-15
Actions (item, division, date; department of the action):
  a1 item 1 140105 2025-01-31 (31) -- the last day of January
  a2 item 3 140106 2025-02-01 (31) -- the first day of February
  a3 item 2 140105 2025-01-20 (31) -- before item 2's retirement
  a4 item 2 140105 2025-02-10 (31) -- after it: counts nowhere
  a5 item 4 140202 2024-12-31 (31) -- last year
  a6 item 7 140105 2025-01-10 (23) -- before item 7's suspension
  a7 item 6 140202 2025-02-28 (23) -- on the run date
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
import yaml

from spark_jobs.contracts import get_contract
from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.core.settings import Settings
from spark_jobs.gold.dbt_runner import PROJECT_DIR, DbtFailed, run_dbt
from spark_jobs.gold.publish import build_args, missing_sources
from tests.dbt.test_dbt import build, gold
from tests.dbt.test_entity_credit_classes import silver_columns

D = dt.date(2025, 2, 28)
TS = dt.datetime(2025, 2, 28, 9, 30)
JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)
METRICS = (
    "coverage_periodic",
    "collection_indicators",
    "collection_warnings",
    "evaluation_indicators",
    "evaluation_scorecard",
)
# Built too: the rows behind the evaluation values (no run_date: rebuilt every run), and the
# run report's coverage (gold.coverage_rate).
BUILT = (*METRICS, "indicator_events", "coverage_rate")  # fmt: skip
# The silver tables the metrics' parents read (written empty when no rows are given).
SOURCES = (
    "supervision_items", "inspection_checklists", "supervision_actions", "hotline_12345",
    "complaints_12315", "national_dispatched_complaints", "third_party_opinion",
    "third_party_readings",
)  # fmt: skip
# The configured figures the expectations below are computed from (dbt_project.yml).
COLLECTION = {
    "timeliness_days": 7,
    "completeness_fields": ["submitted_date", "content"],
    "warning_levels": ["red", "yellow"],
    "indicators": {
        "timeliness": {"direction": "at_least", "thresholds": {"red": 0.8, "yellow": 0.9}},
        "completeness": {"direction": "at_least", "thresholds": {"red": 0.8, "yellow": 0.95}},
        "rejection_rate": {"direction": "at_most", "thresholds": {"red": 0.1, "yellow": 0.05}},
        "never_acted_share": {"direction": "at_most", "thresholds": {"red": 0.5, "yellow": 0.2}},
    },
}
WEIGHTS = {
    "supervision_volume": (10, 0.0, 1.0), "coverage": (25, 0.0, 1.0),
    "timeliness": (15, 0.0, 1.0), "rejection_rate": (15, 0.2, 0.0),
    "complaints_on_time": (15, 0.0, 1.0), "ratings": (10, 0.0, 1.0),
    "opinion": (5, 0.5, 0.0), "accidents": (5, 0.1, 0.0),
}  # fmt: skip
GRADES = [
    ("excellent", "优秀", 90),
    ("good", "良好", 80),
    ("pass", "合格", 60),
    ("fail", "不合格", 0),
]


def item(n: int) -> str:
    return f"3100000000{n:04d}"


DEPT_NAMES = {"31": "市场监管局", "23": "卫生健康委", "12": "司法厅", "99": "其他部门"}


def catalog_item(n: int, dept: str) -> dict:
    return {
        "item_code": item(n), "department_code": dept, "department_name": DEPT_NAMES[dept],
        "main_item_name": f"监管事项{n}", "object_type": "legal_person", "object_type_name": "法人",
    }  # fmt: skip


AGENCY = "11140000MB1234567X"


def checklist(n: int, division: str, status: str, published: dt.date) -> dict:
    return {
        "checklist_code": f"{AGENCY}2{n:04d}", "check_point_no": 1, "item_code": item(n),
        "checklist_name": f"清单{n}", "agency_name": "某局", "agency_uscc": AGENCY, "level": "2",
        "division_code": division, "check_point": "检查内容", "check_type": "daily",
        "legal_basis": "依据", "object_type": "legal_person", "status": status,
        "published_date": published,
    }  # fmt: skip


def action(aid, n, division, day, dept, *, submitted=None, content="检查", delivered=None):
    return {
        "action_id": aid, "action_name": f"检查{aid}", "item_code": item(n),
        "action_type": "inspection", "action_type_name": "行政检查",
        "entity_uscc": "91330000MA27XL0E2B", "entity_name": "某某公司",
        "division_code": division, "action_date": day, "result_code": "01",
        "department_code": dept, "department_name": DEPT_NAMES[dept],
        "officer_license_nos": ["ZJ0001", "ZJ0002"], "content": content,
        "submitted_date": submitted, "delivery_date": delivered or day,
    }  # fmt: skip


def d(month: int, day: int, year: int = 2025) -> dt.date:
    return dt.date(year, month, day)


ACTIONS = [
    action("a1", 1, "140105", d(1, 31), "31", submitted=d(2, 7)),  # 7 days: on time
    action("a2", 3, "140106", d(2, 1), "31", submitted=d(2, 9), content=None, delivered=d(2, 9)),
    action("a3", 2, "140105", d(1, 20), "31", delivered=d(1, 31)),  # never submitted
    action("a4", 2, "140105", d(2, 10), "31", submitted=d(2, 10), content=""),
    action("a5", 4, "140202", d(12, 31, 2024), "31", submitted=d(1, 2), delivered=d(1, 2)),
    action("a6", 7, "140105", d(1, 10), "23", submitted=d(1, 11)),
    action("a7", 6, "140202", d(2, 28), "23", submitted=d(2, 28)),
    # Department 12: January 9 of 10 on time (0.9, exactly the yellow threshold), February 8
    # of 10 (0.8: below yellow, exactly red: yellow).
    *(
        action(f"j{i}", 8, "140105", d(1, 5), "12", submitted=d(1, 12 if i < 9 else 13))
        for i in range(10)
    ),
    *(
        action(f"f{i}", 8, "140105", d(2, 5), "12", submitted=d(2, 12 if i < 8 else 20))
        for i in range(10)
    ),
    # Department 99: 3,203 of its 4,004 items acted on in February (320102, no checklist).
    *(action(f"r{i}", 1000 + i, "320102", d(2, 10), "99", submitted=d(2, 10)) for i in range(3203)),
]


def work_order(n, dept, division, deadline, closed, satisfaction) -> dict:
    return {
        "work_order_id": f"GD{n:04d}", "channel": "phone", "channel_name": "电话",
        "received_at": dt.datetime(2025, 2, 3, 10), "appeal_type": "complaint",
        "appeal_type_name": "投诉", "title": "投诉", "division_code": division,
        "handling_unit": "某局", "handling_department_code": dept, "deadline": deadline,
        "closed_at": dt.datetime.combine(closed, dt.time(15)), "satisfaction": satisfaction,
        "satisfaction_name": {"satisfied": "满意", "basically_satisfied": "基本满意",
                              "unsatisfied": "不满意"}[satisfaction],
        "status": "closed", "status_name": "已结案",
    }  # fmt: skip


SILVER = {
    "supervision_items": [
        *(catalog_item(n, "31") for n in range(1, 6)),
        catalog_item(6, "23"),
        catalog_item(7, "23"),
        catalog_item(8, "12"),
        *(catalog_item(1000 + i, "99") for i in range(4004)),
    ],
    "inspection_checklists": [
        checklist(1, "140105", "01", d(3, 1, 2022)),
        checklist(2, "140105", "02", d(2, 1)),
        checklist(3, "140100", "01", d(3, 1, 2022)),
        checklist(4, "140202", "01", d(3, 1, 2022)),
        checklist(6, "140105", "01", d(3, 1, 2022)),
        checklist(7, "140000", "03", d(1, 15)),
    ],
    "supervision_actions": ACTIONS,
    "hotline_12345": [
        work_order(1, "23", "140202", d(2, 10), d(2, 5), "satisfied"),
        work_order(2, "23", "140202", d(2, 10), d(2, 10), "basically_satisfied"),  # on the day
        work_order(3, "23", "140202", d(2, 10), d(2, 11), "unsatisfied"),  # a day late
        work_order(4, "23", "140202", d(2, 20), d(2, 15), "satisfied"),
    ],
    "third_party_opinion": [
        {
            "opinion_id": f"YQ{i}",
            "platform": "weibo",
            "platform_name": "微博",
            "published_at": d(2, 3),
            "title": "舆情",
            "division_code": "140202",
            "sentiment": "negative" if i == 0 else "neutral",
            "sentiment_name": "负面" if i == 0 else "中性",
        }
        for i in range(4)
    ],
    "third_party_readings": [
        {
            "reading_id": f"JC{i:02d}",
            "point_code": "P1",
            "point_name": "排口1",
            "entity_id": "JG1",
            "indicator_code": "COD",
            "value": Decimal("1.00"),
            "unit": "mg/L",
            "limit_value": Decimal("2.00"),
            "over_limit": "1" if i == 0 else "0",
            "measured_at": d(2, 4),
            "division_code": "140202",
            "source_system": "在线监测",
        }
        for i in range(20)
    ],
}
# silver.quarantine: department 31 has two rejected rows delivered in January (one with two
# findings, counted once); a released row, another source and a superseded row do not count.
QUARANTINE = [
    ("supervision_actions", "actions_31_a.csv", 4, "31", "quarantined", d(1, 31)),
    ("supervision_actions", "actions_31_a.csv", 4, "31", "quarantined", d(1, 31)),
    ("supervision_actions", "actions_31_a.csv", 9, "31", "quarantined", d(1, 31)),
    ("supervision_actions", "actions_31_a.csv", 11, "31", "released", d(1, 31)),
    ("supervision_actions", "actions_31_a.csv", 12, "31", "superseded", d(1, 31)),
    ("enforcement_officers", "officers.csv", 2, "31", "quarantined", d(1, 31)),
]


def write_lake(spark, settings: Settings) -> None:
    for name in SOURCES:
        columns = silver_columns(get_contract(name, settings.contract_dir))
        names = [c for c, _ in columns]
        lineage = {
            "delivery_date": D, "_source_file": f"{name}.csv", "_file_sha256": "ab" * 32,
            "_batch_id": "batch-1", "_ingested_at": TS, "_silver_at": TS,
        }  # fmt: skip
        rows = []
        for i, given in enumerate(SILVER.get(name, []), start=1):
            assert set(given) <= set(names), (name, set(given) - set(names))
            row = {**lineage, "_row_number": i, **given}
            rows.append(tuple(row.get(c) for c in names))
        (
            spark.createDataFrame(rows, ", ".join(f"{c} {t}" for c, t in columns))
            .write.format("delta")
            .mode("overwrite")
            .save(settings.table_path("silver", name))
        )
    quarantine = [
        (src, "batch-1", f, "cd" * 32, row, dept, "field", None, None, None, "01", "error",
         "reason", "消息", status, None, day)
        for src, f, row, dept, status, day in QUARANTINE
    ]  # fmt: skip
    from spark_jobs.silver.quarantine import QUARANTINE_SCHEMA

    (
        spark.createDataFrame(quarantine, QUARANTINE_SCHEMA)
        .write.format("delta")
        .mode("overwrite")
        .save(settings.table_path("silver", "quarantine"))
    )
    register_lake_tables(spark, settings)


@pytest.fixture(scope="module")
def built(spark, base_settings, tmp_path_factory):
    settings = dataclasses.replace(
        base_settings, home=tmp_path_factory.mktemp("metrics_lake") / "lakehouse"
    )
    write_lake(spark, settings)
    select = [f"+{m}" for m in BUILT]
    args = build_args(select, missing_sources(spark, settings))
    return settings, build(settings, D, args=args)


def rows(spark, settings, table, where="true"):
    return gold(spark, settings, table).where(f"run_date = DATE'{D}' and ({where})").collect()


# --- configuration -------------------------------------------------------------------------------
def test_the_figures_are_project_vars_with_weights_summing_to_100():
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text("utf-8"))
    assert project["vars"]["collection_indicators"] == COLLECTION
    config = project["vars"]["evaluation_scorecard"]
    got = {k: (v["weight"], v["zero_at"], v["full_at"]) for k, v in config["indicators"].items()}
    assert got == WEIGHTS
    assert sum(w for w, _, _ in WEIGHTS.values()) == 100
    assert [(g["grade"], g["name"], g["min_score"]) for g in config["grades"]] == GRADES
    assert project["vars"]["coverage_periodic"] == {"retired_statuses": ["02", "03"]}
    for model in METRICS:  # no threshold, weight or day count in the SQL
        sql = (PROJECT_DIR / f"models/metrics/{model}.sql").read_text("utf-8")
        for figure in ("0.8", "0.9", "0.95", "0.05", "0.1", "0.2", "0.5", "25", "15", "90"):
            assert f" {figure}" not in sql.split("}}", 1)[-1], (model, figure)


def test_build_runs_every_metric_and_its_tests(built):
    _, result = built
    assert result.success
    statuses = {r.node.unique_id: r.status.value for r in result.result.results}
    for model in BUILT:
        assert statuses[f"model.supervision_lakehouse.{model}"] == "success", model
    singular = "test.supervision_lakehouse.assert_evaluation_weights_sum_to_100"
    assert statuses[singular] == "pass"
    assert {s for uid, s in statuses.items() if uid.startswith("test.")} == {"pass"}


# --- coverage ------------------------------------------------------------------------------------
def coverage(spark, settings, subject_type):
    out = {}
    for r in rows(spark, settings, "coverage_periodic", f"subject_type = '{subject_type}'"):
        period = "ytd" if r.period_grain == "year_to_date" else r.period_start.month
        out[(r.subject_code, period)] = (
            r.items_in_force, r.items_retired, r.items_covered, r.coverage_rate,
            r.meets_80_target, r.meets_100_target,
        )  # fmt: skip
    return out


def rate(s: str) -> Decimal:
    return Decimal(s)


def test_department_coverage_at_month_boundaries_and_with_retired_items(spark, built):
    """31: item 2 retires on 1 February (in force in January, out from February; its action of
    10 February counts nowhere); a1 on 31 January counts for January only, a2 on 1 February
    for February only. 23: item 7 suspended on 15 January (its action of 10 January counts)."""
    settings, _ = built
    got = coverage(spark, settings, "department")
    assert {k: v for k, v in got.items() if k[0] in ("31", "23")} == {
        ("31", 1): (5, 0, 2, rate("0.4000"), False, False),  # items 1 (31 Jan) and 2 (20 Jan)
        ("31", 2): (4, 1, 1, rate("0.2500"), False, False),  # item 3 (1 Feb); item 2 retired
        ("31", "ytd"): (5, 0, 3, rate("0.6000"), False, False),  # items 1, 2 and 3
        ("23", 1): (2, 0, 1, rate("0.5000"), False, False),  # item 7 before its suspension
        ("23", 2): (1, 1, 1, rate("1.0000"), True, True),  # item 6 on the run date
        ("23", "ytd"): (2, 0, 2, rate("1.0000"), True, True),
    }


def test_coverage_is_rounded_before_the_target_comparison(spark, built):
    """3,203 / 4,004 = 0.799950...: rounded half up to 0.8000, which meets the 80 % target."""
    settings, _ = built
    got = coverage(spark, settings, "department")
    assert got[("99", 2)] == (4004, 0, 3203, rate("0.8000"), True, False)
    assert got[("99", 1)] == (4004, 0, 0, rate("0.0000"), False, False)


def test_region_coverage_rolls_up_county_city_province(spark, built):
    """Regions count the items their agencies claimed (checklists, rolled up) and the actions
    in them (the action's division rolled up)."""
    settings, _ = built
    got = coverage(spark, settings, "region")
    assert got == {
        # county 140105 claims items 1, 2, 6: a1 and a3 in January; a7 is in 140202
        ("140105", 1): (3, 0, 2, rate("0.6667"), False, False),
        ("140105", 2): (2, 1, 0, rate("0.0000"), False, False),
        ("140105", "ytd"): (3, 0, 2, rate("0.6667"), False, False),
        # city 140100 also claims item 3 (a city agency), acted on in 140106 on 1 February
        ("140100", 1): (4, 0, 2, rate("0.5000"), False, False),
        ("140100", 2): (3, 1, 1, rate("0.3333"), False, False),
        ("140100", "ytd"): (4, 0, 3, rate("0.7500"), False, False),
        # county 140202 and its city claim item 4, acted on only last year
        **{
            (r, p): (1, 0, 0, rate("0.0000"), False, False)
            for r in ("140202", "140200")
            for p in (1, 2, "ytd")
        },
        # province: items 1 2 3 4 6 7; 7 suspended 15 January, 2 retired 1 February
        ("140000", 1): (6, 0, 3, rate("0.5000"), False, False),  # 1, 2, 7
        ("140000", 2): (4, 2, 2, rate("0.5000"), False, False),  # 3, 6
        ("140000", "ytd"): (6, 0, 5, rate("0.8333"), True, False),  # 1 2 3 6 7
    }
    levels = {
        r.subject_code: r.division_level
        for r in rows(spark, settings, "coverage_periodic", "subject_type = 'region'")
    }
    assert levels == {
        "140105": "county", "140202": "county", "140100": "city", "140200": "city",
        "140000": "province",
    }  # fmt: skip


def coverage_rate(spark, settings, run_date):
    return {
        r.department_code: (
            r.items_total, r.items_retired, r.items_covered, r.coverage_rate,
            r.meets_80_target, r.meets_100_target,
        )
        for r in gold(spark, settings, "coverage_rate").where(f"run_date = DATE'{run_date}'").collect()
    }  # fmt: skip


def test_coverage_rate_counts_only_the_items_in_force(spark, built):
    """gold.coverage_rate (the run report's figure) is the department's year to date. On D no
    item is retired before 1 January: 31 covers 1, 2 (a3, before the retirement) and 3 of 5;
    99 rounds 3,203/4,004 up to 80 %. On 2026-01-10 item 2 (retired 1 February 2025) and item
    7 (suspended 15 January 2025) are out of the denominator, and nothing is acted on yet."""
    settings, _ = built
    assert coverage_rate(spark, settings, D) == {
        "31": (5, 0, 3, rate("0.6000"), False, False),
        "23": (2, 0, 2, rate("1.0000"), True, True),
        "12": (1, 0, 1, rate("1.0000"), True, True),
        "99": (4004, 0, 3203, rate("0.8000"), True, False),
    }
    later = dt.date(2026, 1, 10)
    expected = {
        "31": (4, 1, 0, rate("0.0000"), False, False),
        "23": (1, 1, 0, rate("0.0000"), False, False),
        "12": (1, 0, 0, rate("0.0000"), False, False),
        "99": (4004, 0, 0, rate("0.0000"), False, False),
    }
    # coverage_rate counts gold.coverage_items, which describes one run date: build both
    step = ["run", "--select", "coverage_items", "coverage_rate"]
    run_dbt(step, settings, vars={"run_date": later.isoformat()})
    assert coverage_rate(spark, settings, later) == expected
    # a build that leaves the checklists out (held by the gate) reads their published mart
    held = {"run_date": later.isoformat(), "unbuilt_sources": ["inspection_checklists"]}
    run_dbt(step, settings, vars=held)
    assert coverage_rate(spark, settings, later) == expected
    # the later tests read coverage_items of D
    run_dbt(["run", "--select", "coverage_items"], settings, vars={"run_date": D.isoformat()})


# --- collection indicators and warnings ----------------------------------------------------------
def indicators(spark, settings, dept):
    out = {}
    for r in rows(spark, settings, "collection_indicators", f"department_code = '{dept}'"):
        period = "ytd" if r.period_grain == "year_to_date" else r.period_start.month
        out[(r.indicator, period)] = (
            r.numerator,
            r.denominator,
            r.indicator_value,
            r.warning_level,
        )
    return out


def test_collection_indicators_by_hand(spark, built):
    """Department 31. Timeliness: a1 submitted after exactly 7 days (on time), a3 never, a2
    after 8 days (late), a4 the same day. Completeness (submitted_date, content): a1 2, a3 1,
    a2 1 (no content), a4 1 (empty content). Rejections: 2 rows in January against 3 accepted
    (a1, a3, a5 delivered in January); 0 against 2 in February. Never acted: January items 3
    and 5 of 1-5, February item 5 of 1, 3, 4, 5."""
    settings, _ = built
    assert indicators(spark, settings, "31") == {
        ("timeliness", 1): (1, 2, rate("0.5000"), "red"),
        ("timeliness", 2): (1, 2, rate("0.5000"), "red"),
        ("timeliness", "ytd"): (2, 4, rate("0.5000"), "red"),
        ("completeness", 1): (3, 4, rate("0.7500"), "red"),
        ("completeness", 2): (2, 4, rate("0.5000"), "red"),
        ("completeness", "ytd"): (5, 8, rate("0.6250"), "red"),
        ("rejection_rate", 1): (2, 5, rate("0.4000"), "red"),
        ("rejection_rate", 2): (0, 2, rate("0.0000"), None),
        ("rejection_rate", "ytd"): (2, 7, rate("0.2857"), "red"),
        ("never_acted_share", 1): (2, 5, rate("0.4000"), "yellow"),
        ("never_acted_share", 2): (1, 4, rate("0.2500"), "yellow"),
        ("never_acted_share", "ytd"): (1, 4, rate("0.2500"), "yellow"),
    }


def test_a_warning_is_raised_past_its_threshold_not_at_it(spark, built):
    """Department 12: timeliness 9/10 = 0.9 meets yellow (no warning), 8/10 = 0.8 misses
    yellow but meets red (yellow). Department 99: 801 of 4,004 items never acted on = 0.2000,
    exactly the yellow limit: no warning."""
    settings, _ = built
    got = indicators(spark, settings, "12")
    assert got[("timeliness", 1)] == (9, 10, rate("0.9000"), None)
    assert got[("timeliness", 2)] == (8, 10, rate("0.8000"), "yellow")
    assert indicators(spark, settings, "99")[("never_acted_share", 2)] == (
        801, 4004, rate("0.2000"), None)  # fmt: skip
    warnings = {
        (r.department_code, r.indicator, r.period_start.month, r.warning_level, r.warning_threshold)
        for r in rows(spark, settings, "collection_warnings", "period_grain = 'month'")
        if r.department_code in ("12", "23")
    }
    assert warnings == {
        ("12", "timeliness", 2, "yellow", Decimal("0.9000")),
        # 23 in January: item 6 (its one item in force at 31 January) not yet acted on
        ("23", "never_acted_share", 1, "red", Decimal("0.5000")),
    }
    # Every warning is an indicator row with a level, and every such row is a warning.
    flagged = rows(spark, settings, "collection_indicators", "warning_level is not null")
    assert len(rows(spark, settings, "collection_warnings")) == len(flagged)


# --- evaluation ----------------------------------------------------------------------------------
def scorecard(spark, settings, subject_type, subject, month):
    where = (
        f"subject_type = '{subject_type}' and subject_code = '{subject}' and period_grain = 'month'"
        f" and period_start = DATE'{dt.date(2025, month, 1)}'"
    )
    values = {
        r.indicator: (r.numerator, r.denominator, r.indicator_value, r.points, r.scored)
        for r in rows(spark, settings, "evaluation_indicators", where)
    }
    (card,) = rows(spark, settings, "evaluation_scorecard", where)
    return values, (card.weight_scored, card.score, card.grade, card.grade_name)


def test_department_scorecard_by_hand(spark, built):
    """Department 23, February: 1 action / (1 item x 1 month) = 1 -> 10; coverage 1/1 -> 25;
    timeliness 1/1 -> 15; rejections 0/1 -> 15; work orders closed on time 3/4 -> 11.25
    (one a day late; one on its deadline is on time); satisfied 3/4 -> 7.5. Opinion and
    monitoring are not attributed to departments: 90 points scored, 83.75 earned,
    83.75 x 100 / 90 = 93.0555... -> 93.06, 优秀."""
    settings, _ = built
    values, card = scorecard(spark, settings, "department", "23", 2)
    assert values == {
        "supervision_volume": (1, 1, rate("1.0000"), Decimal("10.0000"), True),
        "coverage": (1, 1, rate("1.0000"), Decimal("25.0000"), True),
        "timeliness": (1, 1, rate("1.0000"), Decimal("15.0000"), True),
        "rejection_rate": (0, 1, rate("0.0000"), Decimal("15.0000"), True),
        "complaints_on_time": (3, 4, rate("0.7500"), Decimal("11.2500"), True),
        "ratings": (3, 4, rate("0.7500"), Decimal("7.5000"), True),
        "opinion": (None, None, None, None, False),
        "accidents": (None, None, None, None, False),
    }
    assert card == (90, Decimal("93.06"), "excellent", "优秀")


def test_region_scorecard_by_hand(spark, built):
    """County 140202, February: a7 / 1 item -> 10; coverage 0/1 -> 0; timeliness 1/1 -> 15;
    work orders 3/4 -> 11.25 and 7.5; negative opinion 1/4 = 0.25, halfway from 0.5 to 0 ->
    2.5; over-limit readings 1/20 = 0.05, halfway from 0.1 to 0 -> 2.5; no rejection rate for
    regions. 85 points scored, 48.75 earned: 57.3529... -> 57.35, 不合格."""
    settings, _ = built
    values, card = scorecard(spark, settings, "region", "140202", 2)
    assert values["coverage"] == (0, 1, rate("0.0000"), Decimal("0.0000"), True)
    assert values["opinion"] == (1, 4, rate("0.2500"), Decimal("2.5000"), True)
    assert values["accidents"] == (1, 20, rate("0.0500"), Decimal("2.5000"), True)
    assert values["rejection_rate"][4] is False
    assert card == (85, Decimal("57.35"), "fail", "不合格")


def test_weights_that_do_not_sum_to_100_fail_the_compile(spark, built):
    settings, _ = built
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text("utf-8"))
    config = project["vars"]["evaluation_scorecard"]
    config["indicators"]["coverage"]["weight"] = 24
    with pytest.raises(DbtFailed) as info:
        run_dbt(
            ["run", "--select", "evaluation_indicators"],
            settings,
            vars={"run_date": D.isoformat(), "evaluation_scorecard": config},
        )
    assert "sum to 99, not 100" in str(info.value)


def test_a_rerun_of_the_date_replaces_its_rows(spark, built):
    settings, _ = built
    before = {t: len(rows(spark, settings, t)) for t in METRICS}
    events = gold(spark, settings, "indicator_events").count()
    run_dbt(["run", "--select", *BUILT], settings, vars={"run_date": D.isoformat()})
    assert {t: len(rows(spark, settings, t)) for t in METRICS} == before
    assert gold(spark, settings, "indicator_events").count() == events > 0


# --- lineage to the row ----------------------------------------------------------------------------
def test_trail_of_a_department_value_names_each_counted_row_and_its_landing_row(spark, built):
    """Timeliness of department 31, year to date: a1 (7 days) and a4 (same day) on time, a2
    (8 days) and a3 (never submitted) not; a5 is dated 2024. Silver rows 1-7 are a1-a7 of
    supervision_actions.csv."""
    from spark_jobs.metrics.trail import render, trail

    settings, _ = built
    got = trail(spark, settings, D, "timeliness", "department", "31")
    assert (got.numerator, got.denominator, got.period) == (2, 4, ("2025-01-01", "2025-02-28"))
    assert sorted((r.source_key, r.hit, r.source_file, r.row_number) for r in got.rows) == [
        ("a1", True, "supervision_actions.csv", 1),
        ("a2", False, "supervision_actions.csv", 2),
        ("a3", False, "supervision_actions.csv", 3),
        ("a4", True, "supervision_actions.csv", 4),
    ]
    lines = render(got)
    assert lines[0] == (
        "timeliness of department 31, 2025-01-01..2025-02-28: 2/4 (rows below: 2/4, agree)"
    )
    assert lines[1].startswith("  + supervision_actions") and "supervision_actions.csv row 1" in lines[1]  # fmt: skip
    # the same rows explain the collection indicator of the same name
    collection = trail(spark, settings, D, "timeliness", "collection", "31")
    assert (collection.numerator, collection.denominator) == (2, 4)
    assert collection.rows == got.rows


def test_trail_of_a_region_value_rolls_divisions_up(spark, built):
    """Ratings of city 140200 (work orders GD0001-4, all in 140202; GD0003 unsatisfied) and
    accidents of the province (20 readings in 140202, JC00 over its limit)."""
    from spark_jobs.metrics.trail import trail

    settings, _ = built
    ratings = trail(spark, settings, D, "ratings", "region", "140200")
    assert (ratings.numerator, ratings.denominator) == (3, 4)
    assert [(r.source_key, r.hit, r.source_file, r.row_number) for r in ratings.rows] == [
        (f"GD000{n}", n != 3, "hotline_12345.csv", n) for n in range(1, 5)
    ]
    accidents = trail(spark, settings, D, "accidents", "region", "140000", "month", "2025-02-01")
    assert (accidents.numerator, accidents.denominator, len(accidents.rows)) == (1, 20, 20)
    assert [r.source_key for r in accidents.rows if r.hit] == ["JC00"]
    assert {r.source_table for r in accidents.rows} == {"third_party_readings"}


def test_trail_refuses_what_it_cannot_explain(spark, built):
    from spark_jobs.metrics.trail import trail

    settings, _ = built
    with pytest.raises(ValueError, match="no row trail for collection indicator 'coverage'"):
        trail(spark, settings, D, "coverage", "collection", "31")
    with pytest.raises(LookupError, match="no ratings value for department 77"):
        trail(spark, settings, D, "ratings", "department", "77")


def landing(t) -> list[tuple]:
    return [(r.source_key, r.hit, r.source_file, r.row_number, r.evidence) for r in t.rows]


def test_trail_of_coverage_lists_the_items_in_force_and_the_action_covering_each(spark, built):
    """Department 31, February: items 1, 3, 4, 5 in force (item 2 retired on 1 February), item
    3 covered by a2. The province, year to date: items 1 2 3 4 6 7, item 2 covered by a3 (20
    January, before its retirement; a4 after it does not count), item 4 by nothing this year.
    Silver rows: items 1-8 are rows 1-8 of supervision_items.csv, a1-a7 rows 1-7."""
    from spark_jobs.metrics.trail import render, trail

    settings, _ = built
    items_file = "supervision_items.csv"
    got = trail(spark, settings, D, "coverage", "department", "31", "month", "2025-02-01")
    assert (got.numerator, got.denominator) == (1, 4)
    assert landing(got) == [
        (item(1), False, items_file, 1, "no action"),
        (item(3), True, items_file, 3, "first action a2 (supervision_actions.csv row 2)"),
        (item(4), False, items_file, 4, "no action"),
        (item(5), False, items_file, 5, "no action"),
    ]
    assert render(got)[0].endswith(": 1/4 (rows below: 1/4, agree)")
    province = trail(spark, settings, D, "coverage", "region", "140000")
    assert (province.numerator, province.denominator) == (5, 6)
    firsts = {r.source_key: r.evidence.split(" (")[0] for r in province.rows}
    assert firsts == {
        item(1): "first action a1", item(2): "first action a3", item(3): "first action a2",
        item(4): "no action", item(6): "first action a7", item(7): "first action a6",
    }  # fmt: skip


def test_trail_of_never_acted_completeness_and_rejections(spark, built):
    """Department 31. Never acted, year to date: items 1, 3, 4, 5 in force on 28 February
    (item 2 retired), item 5 never acted on (item 4's only action is of 2024, before the
    period's end). Completeness, February: a2 without content, a4 with empty content. Rejected
    rows in January: actions_31_a.csv rows 4 and 9 (row 4 with two findings counts once; the
    released and superseded rows do not count) against a1, a3, a5 delivered in January."""
    from spark_jobs.metrics.trail import render, trail

    settings, _ = built
    never = trail(spark, settings, D, "never_acted_share", "collection", "31")
    assert (never.numerator, never.denominator) == (1, 4)
    assert [(r.source_key, r.hit, r.evidence) for r in never.rows] == [
        (item(1), False, "first action on 2025-01-31"),
        (item(3), False, "first action on 2025-02-01"),
        (item(4), False, "first action on 2024-12-31"),
        (item(5), True, "never acted on"),
    ]
    complete = trail(spark, settings, D, "completeness", "collection", "31", "month", "2025-02-01")
    assert (complete.numerator, complete.denominator) == (2, 4)
    assert landing(complete) == [
        ("a2", False, "supervision_actions.csv", 2, "field content"),
        ("a2", True, "supervision_actions.csv", 2, "field submitted_date"),
        ("a4", False, "supervision_actions.csv", 4, "field content"),
        ("a4", True, "supervision_actions.csv", 4, "field submitted_date"),
    ]
    rejected = trail(
        spark, settings, D, "rejection_rate", "collection", "31", "month", "2025-01-01"
    )
    assert (rejected.numerator, rejected.denominator) == (2, 5)
    assert sorted(landing(rejected)) == [
        ("a1", False, "supervision_actions.csv", 1, ""),
        ("a3", False, "supervision_actions.csv", 3, ""),
        ("a5", False, "supervision_actions.csv", 5, ""),
        ("actions_31_a.csv:4", True, "actions_31_a.csv", 4, ""),
        ("actions_31_a.csv:9", True, "actions_31_a.csv", 9, ""),
    ]
    assert render(rejected)[0].endswith(": 2/5 (rows below: 2/5, agree)")
    # the evaluation's rejection rate is the collection's
    evaluation = trail(
        spark, settings, D, "rejection_rate", "department", "31", "month", "2025-01-01"
    )
    assert evaluation.rows == rejected.rows
