"""The leaders' page from figures (no Spark): headline cards, table cells, the inlined chart
library and what happens without it."""

import json
import re

import pytest

from spark_jobs.dashboard.figures import coverage_targets, unnamed_department
from spark_jobs.dashboard.page import ECHARTS, SCRIPT, echarts_source, headline, percent, render


def _dept(code, name, rate, m80, m100, grade, grade_name, score):
    return {
        "code": code,
        "name": name,
        "level": None,
        "items_in_force": 4,
        "items_covered": round(rate * 4),
        "coverage_rate": rate,
        "meets_80_target": m80,
        "meets_100_target": m100,
        "score": score,
        "grade": grade,
        "grade_name": grade_name,
    }


FIGURES = {
    "run_date": "2024-06-28",
    "targets": {"target_80": 0.8, "target_100": 1.0},
    "departments": [
        _dept("31", "省市场监管局", 1.0, True, True, "excellent", "优秀", 95.56),
        _dept("25", "临汾市应急管理局</script>", 0.5, False, False, "fail", "不合格", 40.0),
    ],
    "regions": [
        {
            **_dept("140000", "山西省", 0.75, False, False, "pass", "合格", 70.0),
            "level": "province",
        },
    ],
    "collection_warnings": [
        {
            "department_code": "25",
            "department_name": "临汾市应急管理局",
            "indicator": "never_acted_share",
            "warning_level": "red",
            "indicator_value": 0.5,
            "warning_threshold": 0.5,
            "numerator": 2,
            "denominator": 4,
        },
    ],
    "risk_models": [
        {
            "risk_model": "illegal_drug_sales",
            "model_name": "非法销售药品",
            "red": 1,
            "orange": 4,
            "yellow": 2,
            "total": 7,
            "closed": 1,
        },
    ],
    "trend": [
        {
            "run_date": "2024-06-27",
            "province_coverage": 0.5,
            "departments_80": 1,
            "departments_100": 0,
            "departments": 2,
            "collection_warnings": 2,
            "risk_warnings": None,
        },
        {
            "run_date": "2024-06-28",
            "province_coverage": 0.75,
            "departments_80": 1,
            "departments_100": 1,
            "departments": 2,
            "collection_warnings": 1,
            "risk_warnings": 7,
        },
    ],
}


def test_percent_and_headline():
    assert percent(0.7368) == "73.68%" and percent(1) == "100.00%" and percent(None) == "-"
    assert headline(FIGURES) == {
        "province_coverage": "75.00%",
        "departments_80": "1/2",
        "departments_100": "1/2",
        "collection_warnings": "1",
        "risk_warnings": "7",
        "excellent": "1",
        "failing": "1",
    }


def test_targets_come_from_the_dbt_vars():
    assert coverage_targets() == {"target_80": 0.8, "target_100": 1.0}


def test_page_inlines_the_chart_library_and_shows_every_figure():
    html = render(FIGURES)
    assert echarts_source() in html  # the real library, inlined: the page loads nothing
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", html)
    row = re.search(r'<tr data-key="25">(.*?)</tr>', html).group(1)
    assert 'data-col="coverage_rate">50.00%<' in row and 'data-col="grade_name">不合格<' in row
    assert "临汾市应急管理局&lt;/script&gt;" in row  # names are escaped in the tables
    assert re.search(r'<tr data-key="2024-06-27">.*data-col="province_coverage">50.00%<', html)
    # risk warnings keep no history: an earlier run date shows '-'
    assert re.search(r'<tr data-key="2024-06-27">.*?data-col="risk_warnings">-<', html)
    assert re.search(r'<tr data-key="2024-06-28">.*?data-col="risk_warnings">7<', html)
    assert 'data-col="warning_level">红色<' in html and 'data-col="total">7<' in html
    # the inline JSON cannot end its <script> early, and reads back as the figures
    data = re.search(r'<script type="application/json" id="figures">(.*?)</script>', html, re.S)
    assert json.loads(data.group(1)) == FIGURES


def test_no_warnings_says_so():
    html = render({**FIGURES, "collection_warnings": []}, echarts_js="")
    assert 'id="collection-warnings-none"' in html and 'id="collection-warnings"' not in html


def test_a_missing_chart_library_names_the_setup_step(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"infra/setup.sh"):
        echarts_source(tmp_path / "echarts.min.js")
    assert ECHARTS.name == "echarts.min.js"


def test_a_department_no_catalog_item_names_takes_its_national_name():
    assert unnamed_department("14") == "人力资源社会保障部（14）"
    assert unnamed_department("31") == "市场监管局（31）"
    assert unnamed_department("01") == "部门 01"  # not in the national list


def test_the_target_labels_of_the_bar_charts_sit_outside_the_plot():
    # the bar charts' grid leaves room on the right; the trend's right axis keeps them inside
    assert "markLine: targets()}]" in SCRIPT and "markLine: targets('insideEndTop')" in SCRIPT
    assert "position == 'end'" in SCRIPT and "right: 48}" in SCRIPT
