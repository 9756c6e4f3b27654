"""The quality report and the rejection workbooks (spark_jobs.quality.report).

One small lake, written here with the exact schemas of `ops.batch_log` and `silver.quarantine`
(not by the silver engine): two delivery dates, two departments of `supervision_actions` and a
platform feed without department codes (`hotline_12345`), with errors in several national
categories, a personal-data field, a warning, a released row, a delivered `=1+2`, and rows of a
later date and of bronze that must be left out. The report is built once; the HTML is opened in
Debian's chromium through Playwright and every figure shown is compared with the tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from pyspark.sql import types as T

from spark_jobs.core.ops import SCHEMA as OPS_SCHEMA
from spark_jobs.core.settings import REPO_ROOT
from spark_jobs.quality.data_docs import QUALITY_REPORTS_HREF, QUALITY_REPORTS_LINK
from spark_jobs.quality.report import build_quality_reports
from spark_jobs.quality.report_model import CATEGORIES, format_rate
from spark_jobs.quality.workbook import PII_SHOWN
from spark_jobs.silver.quarantine import QUARANTINE_SCHEMA

RUN, PREV, LATER = dt.date(2024, 6, 28), dt.date(2024, 6, 27), dt.date(2024, 6, 29)
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_UNAVAILABLE = REPO_ROOT / ".cache" / "browser_unavailable"  # written by infra/setup.sh


def _file(source: str, day: dt.date, name: str) -> str:
    return f"landing/{source}/{day}/{name}"


A31, A72 = (
    _file("supervision_actions", RUN, "actions_31.csv"),
    _file("supervision_actions", RUN, "actions_72.csv"),
)
A31_PREV = _file("supervision_actions", PREV, "actions_31.csv")
HOTLINE = _file("hotline_12345", RUN, "hotline.jsonl")


def ops_row(source, file, batch, day, read, accepted, quarantined, stage="silver", status="done"):
    return {
        "source": source, "source_file": file, "stage": stage, "status": status,
        "batch_id": batch, "file_sha256": "0" * 64, "delivery_date": day, "rows_read": read,
        "rows_accepted": accepted, "rows_quarantined": quarantined, "reason": None,
        "recorded_at": dt.datetime(2024, 6, 28, 9, 0),
    }  # fmt: skip


OPS = [
    ops_row("supervision_actions", A31_PREV, "b0", PREV, 4, 2, 2),
    ops_row("supervision_actions", A31, "b1", RUN, 6, 4, 2),
    ops_row("supervision_actions", A72, "b2", RUN, 5, 4, 1),
    ops_row("hotline_12345", HOTLINE, "b3", RUN, 4, 3, 1),
    # left out: bronze's own rows, a file refused whole, a later delivery
    ops_row("supervision_actions", A31, "b1", RUN, 6, None, None, stage="bronze", status="ingested"),
    ops_row("supervision_actions", "landing/x/bad.csv", None, RUN, None, None, None, "bronze", "rejected"),
    ops_row("supervision_actions", _file("supervision_actions", LATER, "a.csv"), "b9", LATER, 100, 99, 1),
]  # fmt: skip


def problem(batch, file, row, dept, field, field_zh, value, category, message, reason, *,
            source="supervision_actions", severity="error", status="quarantined",
            released_on=None, day=RUN):  # fmt: skip
    return {
        "source": source, "_batch_id": batch, "_source_file": file, "_file_sha256": "0" * 64,
        "_row_number": row, "department_code": dept, "field": field, "field_zh": field_zh,
        "value": value, "standardised_value": None, "category": category, "severity": severity,
        "reason": reason, "message": message, "status": status, "released_on": released_on,
        "delivery_date": day,
    }  # fmt: skip


USCC_MSG = "[统一社会信用代码]:[{}] 验证不通过"
QUARANTINE = [
    problem("b0", A31_PREV, 2, "31", "item_code", "监管事项目录编码", "33000000000999", "03",
            "[监管事项目录编码]:[33000000000999] 不在目录清单中",
            "item_code 33000000000999 is not in silver.supervision_items", day=PREV),
    problem("b0", A31_PREV, 4, "31", "item_code", "监管事项目录编码", "33000000000998", "03",
            "[监管事项目录编码]:[33000000000998] 不在目录清单中",
            "item_code 33000000000998 is not in silver.supervision_items", day=PREV,
            status="released", released_on=RUN),
    problem("b1", A31, 2, "31", "entity_uscc", "统一社会信用代码", "91330106MA2H00001Q", "06",
            USCC_MSG.format("91330106MA2H00001Q"), "invalid uscc: check character 'Q' should be '5'"),
    problem("b1", A31, 2, "31", "action_date", "检查时间", "2024/13/01", "10",
            "[检查时间]:[2024/13/01] 日期格式有误", "action_date 2024/13/01 is not a valid date"),
    problem("b1", A31, 5, "31", "entity_uscc", "统一社会信用代码", "91330106MA2H00002X", "06",
            USCC_MSG.format("91330106MA2H00002X"), "invalid uscc: check character 'X' should be '3'"),
    problem("b1", A31, 5, "31", "item_code", "监管事项目录编码", "=1+2", "03",
            "[监管事项目录编码]:[=1+2] 验证不通过", "item_code does not match ^[0-9]{14}$"),
    problem("b2", A72, 3, "72", "contact_phone", "联系电话", None, None,
            "[联系电话] 验证不通过", "contact_phone does not match ^1[3-9][0-9]{9}$"),
    problem("b2", A72, 4, "72", "entity_uscc", "统一社会信用代码", "91330106MA2H00013K", "08",
            "[统一社会信用代码]:[91330106MA2H00013K] 不在监管对象库中",
            "entity_uscc 91330106MA2H00013K is not in silver.supervised_entities",
            severity="warning", status="warned"),
    problem("b3", HOTLINE, 1, None, "work_order_id", "工单编号", None, "09",
            "[工单编号]:[] 为必填项，不能为空", "work_order_id is required", source="hotline_12345"),
    problem("b9", _file("supervision_actions", LATER, "a.csv"), 1, "31", "item_code", "监管事项目录编码",
            "1", "03", "[监管事项目录编码]:[1] 长度有误", "item_code 1 is too short", day=LATER),
]  # fmt: skip

ACTIONS = T.StructType(
    [T.StructField(n, T.StringType()) for n in ("action_id", "department_code", "department_name", "_batch_id", "_source_file")]
    + [T.StructField("_row_number", T.LongType())]
)  # fmt: skip
SILVER_ACTIONS = (
    [(f"P{r}", "31", "市场监管局", "b0", A31_PREV, r) for r in (1, 3)]
    + [(f"A{r}", "31", "市场监管局", "b1", A31, r) for r in (1, 3, 4, 6)]
    + [(f"B{r}", "72", "药监局", "b2", A72, r) for r in (1, 2, 4, 5)]
    + [(f"L{r}", "31", "市场监管局", "b9", "later.csv", r) for r in range(1, 6)]
)
HOTLINE_SCHEMA = (
    "work_order_id string, handling_department_code string, _batch_id string, _row_number long"
)
SILVER_HOTLINE = [(f"W{r}", "31", "b3", r) for r in (2, 3, 4)]  # no department_code column

# What the report must show for RUN, worked out by hand from the rows above.
EXPECTED_SOURCES = {  # checked, passed, failed, pass rate, warned, released
    "supervision_actions": (11, 8, 3, "72.73%", 1, 1),
    "hotline_12345": (4, 3, 1, "75%", 0, 0),
    "__total__": (15, 11, 4, "73.33%", 1, 1),
}
EXPECTED_DEPARTMENTS = {
    "31": (6, 4, 2, "66.67%", 0, 1),
    "72": (5, 4, 1, "80%", 1, 0),
    "province_platform": (4, 3, 1, "75%", 0, 0),
}
EXPECTED_CATEGORIES = {  # failed rows per category, per source and department
    "supervision_actions": {"06": 2, "10": 1, "03": 1, "none": 1},
    "hotline_12345": {"09": 1},
    "31": {"06": 2, "10": 1, "03": 1},
    "72": {"none": 1},
    "province_platform": {"09": 1},
}
SUMMARY = "校验完成，共校验数据15条，其中11条通过，4条不通过，通过率73.33%"
COLS = ("checked", "passed", "failed", "pass_rate", "warned", "released")


@pytest.fixture(scope="module")
def built(spark, base_settings, tmp_path_factory):
    home = tmp_path_factory.mktemp("report_lake")
    contracts = shutil.copytree(base_settings.contract_dir, home / "schemas")  # a still copy
    settings = dataclasses.replace(base_settings, home=home, contract_dir=contracts)

    def save(rows, schema, layer, table):
        df = spark.createDataFrame(rows, schema)
        df.write.format("delta").save(settings.table_path(layer, table))

    save([tuple(r.get(f.name) for f in OPS_SCHEMA) for r in OPS], OPS_SCHEMA, "ops", "batch_log")
    save(
        [tuple(r[f.name] for f in QUARANTINE_SCHEMA) for r in QUARANTINE],
        QUARANTINE_SCHEMA,
        "silver",
        "quarantine",
    )
    save(SILVER_ACTIONS, ACTIONS, "silver", "supervision_actions")
    save(SILVER_HOTLINE, HOTLINE_SCHEMA, "silver", "hotline_12345")  # fmt: skip
    return settings, build_quality_reports(spark, settings, RUN.isoformat())


def table_figures(spark, settings) -> dict:
    """The per-source figures straight from the tables (SQL, independent of the report)."""
    ops, quarantine = (
        settings.table_path("ops", "batch_log"),
        settings.table_path("silver", "quarantine"),
    )
    read = spark.sql(
        f"SELECT source, sum(rows_read) AS n FROM delta.`{ops}` WHERE stage = 'silver' "
        f"AND status = 'done' AND delivery_date = DATE'{RUN}' GROUP BY source"
    ).collect()
    failed = spark.sql(
        f"SELECT q.source, count(DISTINCT q._source_file, q._row_number) AS n "
        f"FROM delta.`{quarantine}` q JOIN delta.`{ops}` o ON q._batch_id = o.batch_id "
        f"WHERE o.stage = 'silver' AND o.delivery_date = DATE'{RUN}' "
        f"AND q.severity = 'error' AND q.status = 'quarantined' GROUP BY q.source"
    ).collect()
    failed_by = {r.source: r.n for r in failed}
    return {r.source: (r.n, r.n - failed_by.get(r.source, 0), failed_by.get(r.source, 0)) for r in read}  # fmt: skip


def test_expected_figures_agree_with_the_tables(spark, built):
    settings, _ = built
    from_tables = table_figures(spark, settings)
    assert from_tables == {s: v[:3] for s, v in EXPECTED_SOURCES.items() if s != "__total__"}


def test_html_report_in_a_real_browser(spark, built, tmp_path):
    settings, paths = built
    if not CHROMIUM.exists():
        if BROWSER_UNAVAILABLE.exists():
            pytest.skip(BROWSER_UNAVAILABLE.read_text("utf-8").strip())
        pytest.fail(f"{CHROMIUM} is missing: run infra/setup.sh (chromium, fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    html = Path(paths["html"])
    assert html == settings.home / "reports" / "quality" / str(RUN) / "quality_report.html"
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html.as_uri())

            def row(table: str, key: str) -> tuple:
                cells = page.locator(f'table#{table} tr[data-key="{key}"]').first
                return tuple(
                    _value(cells.locator(f'td[data-col="{c}"]').inner_text()) for c in COLS
                )

            for key, expected in EXPECTED_SOURCES.items():
                assert row("sources", key) == expected, key
            for key, expected in EXPECTED_DEPARTMENTS.items():
                assert row("departments", key) == expected, key
            assert page.locator("#national-summary").inner_text() == SUMMARY
            card = page.locator('[data-card="pass_rate"] .value').inner_text()
            assert card == "73.33%"
            for table, keys in (("categories-by-source", EXPECTED_SOURCES), ("categories-by-department", EXPECTED_DEPARTMENTS)):  # fmt: skip
                for key in (k for k in keys if k != "__total__"):
                    cells = page.locator(f'table#{table} tr[data-key="{key}"] td[data-col^="cat_"]')
                    shown = {
                        c.get_attribute("data-col")[4:]: int(c.inner_text())
                        for c in cells.all()
                        if c.inner_text() != "0"
                    }
                    assert shown == EXPECTED_CATEGORIES[key], (table, key)
            headers = page.locator("table#categories-by-source th").all_inner_texts()
            assert all(any(name in h for h in headers) for name, _ in CATEGORIES.values())
            # the trend: the earlier delivery, per source and per department
            prev = page.locator(
                f'table#trend tr[data-key="supervision_actions"][data-date="{PREV}"]'
            )
            assert [_value(t) for t in prev.locator("td.num").all_inner_texts()] == [4, 1, "75%"]
            prev31 = page.locator(f'table#trend tr[data-key="31"][data-date="{PREV}"]')
            assert [_value(t) for t in prev31.locator("td.num").all_inner_texts()] == [3, 1, "66.67%"]  # fmt: skip
            assert page.locator(f'table#trend tr[data-date="{LATER}"]').count() == 0
            # top reasons: the two USCC rows read as one reason, the value cut out
            top = page.locator('table#reasons-by-source tr[data-key="supervision_actions"]').first
            assert "[统一社会信用代码]:[…] 验证不通过" in top.inner_text()
            assert _value(top.locator('td[data-col="rows"]').inner_text()) == 2
            # each department links its workbook, next to the page
            for key in EXPECTED_DEPARTMENTS:
                link = page.locator(
                    f'table#departments tr[data-key="{key}"] a[data-col="workbook"]'
                )
                assert (html.parent / link.get_attribute("href")).resolve() == Path(paths["workbooks"][key])  # fmt: skip
            assert page.locator("svg#trend-chart polyline").count() == 2
            assert page.locator("svg#category-chart rect").count() == len(CATEGORIES) + 1
            shot = tmp_path / "quality_report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    shutil.copy(shot, "/tmp/quality_report.png")
    assert shot.stat().st_size > 10_000
    assert requests and all(u.startswith("file:") for u in requests), requests  # self-contained


def _value(text: str):
    text = text.strip()
    return text if text.endswith("%") or text == "-" else int(text.replace(",", ""))


def test_rejection_workbooks(built):
    from openpyxl import load_workbook

    settings, paths = built
    out = settings.home / "reports" / "quality" / str(RUN)
    assert set(paths["workbooks"]) == set(EXPECTED_DEPARTMENTS)
    assert Path(paths["workbooks"]["province_platform"]) == out / f"rejections_{RUN}_province_platform.xlsx"  # fmt: skip

    def sheet(key, name="退回清单"):
        ws = load_workbook(paths["workbooks"][key])[name]
        return ws, [[c.value for c in r] for r in ws.iter_rows(min_row=6)]

    ws, rows = sheet("31")
    assert ws["A1"].value == "校验完成，共校验数据6条，其中4条通过，2条不通过，通过率66.67%"
    assert ws["A5"].value.startswith("文件")
    assert [r[:5] for r in rows] == [
        [A31, 2, "supervision_actions", "检查时间", "2024/13/01"],
        [A31, 2, "supervision_actions", "统一社会信用代码", "91330106MA2H00001Q"],
        [A31, 5, "supervision_actions", "统一社会信用代码", "91330106MA2H00002X"],
        [A31, 5, "supervision_actions", "监管事项目录编码", "=1+2"],
    ]
    assert rows[0][6:] == ["10 时间信息检查", "[检查时间]:[2024/13/01] 日期格式有误", "action_date 2024/13/01 is not a valid date"]  # fmt: skip
    assert ws.cell(row=9, column=5).data_type == "s"  # the delivered "=1+2" stays text
    assert sheet("31", "警告")[1] == []

    ws, rows = sheet("72")
    assert ws["A1"].value == "校验完成，共校验数据5条，其中4条通过，1条不通过，通过率80%"
    assert [r[3:7] for r in rows] == [["联系电话", PII_SHOWN, None, "未分类"]]
    warnings = sheet("72", "警告")[1]
    assert [(r[1], r[6]) for r in warnings] == [(4, "08 数据关联性检查")]

    ws, rows = sheet("province_platform")
    assert ws["A1"].value == "校验完成，共校验数据4条，其中3条通过，1条不通过，通过率75%"
    assert [(r[0], r[1], r[3], r[6]) for r in rows] == [(HOTLINE, 1, "工单编号", "09 业务主键检查")]


def test_index_and_the_data_docs_link(built):
    settings, paths = built
    index = Path(paths["index"])
    assert index == settings.home / "reports" / "quality" / "index.html"
    assert (Path(settings.data_docs_dir) / QUALITY_REPORTS_HREF).resolve() == index.resolve()
    assert f"{RUN}/quality_report.html" in index.read_text("utf-8")
    assert SUMMARY in index.read_text("utf-8")
    # the Data Docs index page (GE's renderer, our offline view) carries the link
    from great_expectations.render.renderer import SiteIndexPageRenderer

    from spark_jobs.quality import data_docs

    document = SiteIndexPageRenderer.render({"site_name": "lakehouse"})
    page = data_docs.OfflineIndexPageView().render(document)
    assert QUALITY_REPORTS_LINK in page and page.index(QUALITY_REPORTS_LINK) < page.index("</nav>")


def test_rebuilding_a_run_gives_the_same_figures(spark, built):
    settings, paths = built
    before = Path(paths["json"]).read_text("utf-8")
    again = build_quality_reports(spark, settings, RUN)
    assert Path(again["json"]).read_text("utf-8") == before
    assert sorted(again["workbooks"]) == sorted(paths["workbooks"])


def test_pass_rate_wording():
    assert format_rate(8, 11) == "72.73%"
    assert format_rate(9999, 10000) == "99.99%"  # rounds to 100 but a row failed
    assert format_rate(99999, 100000) == "99.99%"
    assert format_rate(1, 100000) == "0.01%"
    assert format_rate(5, 5) == "100%"
    assert format_rate(0, 0) == "-"
