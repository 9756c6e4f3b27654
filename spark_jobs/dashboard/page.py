"""The leaders' dashboard as one self-contained HTML page: Apache ECharts (installed by
infra/setup.sh from infra/npm/, inlined here, so the page opens offline and loads nothing),
the figures as inline JSON, and every figure also in a table cell (`data-key` row, `data-col`
cell) so that people without charts, and the browser test, can read them.

Sections: headline cards; coverage per department and per region against the 80 % / 100 %
targets; collection warnings; risk warnings by model; evaluation grades; trends over the run
dates. Chinese labels with English subtitles, in the look of the quality report.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from spark_jobs.core.settings import REPO_ROOT
from spark_jobs.quality.report_html import CSS, _head, _label  # the quality report's look

ECHARTS = REPO_ROOT / ".cache" / "npm" / "node_modules" / "echarts" / "dist" / "echarts.min.js"
INDICATORS = {
    "timeliness": "报送及时率",
    "completeness": "数据完整率",
    "rejection_rate": "数据退回率",
    "never_acted_share": "未产生监管行为事项占比",
}
LEVELS = {"red": "红色", "orange": "橙色", "yellow": "黄色"}
LEVEL_COLOURS = {"red": "#c92a2a", "orange": "#e8590c", "yellow": "#f2c200"}
DIVISION_LEVELS = {"province": "省", "city": "市", "county": "县（区）"}
EXTRA_CSS = """
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:1rem}
.chart{height:340px;border:1px solid #dee2e6;border-radius:.35rem}
td.level-red{color:#c92a2a;font-weight:700}td.level-orange{color:#e8590c;font-weight:700}
td.level-yellow{color:#b08900;font-weight:700}
"""


def echarts_source(path: Path = ECHARTS) -> str:
    """The chart library's code; a clear error when setup has not installed it."""
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: run `bash infra/setup.sh` (npm ci in infra/npm/)"
        )
    code = path.read_text("utf-8")
    if "</script" in code.lower():  # would end the inline <script> early
        raise ValueError(f"{path} contains '</script' and cannot be inlined")
    return code


def percent(rate: float | None) -> str:
    """A rate as shown on the page: 0.7368 → 73.68%; no rate → '-'."""
    return "-" if rate is None else f"{rate * 100:.2f}%"


def _td(col: str, value, num: bool = True, cls: str = "") -> str:
    classes = " ".join(c for c in ("num" if num else "", cls) if c)
    return f'<td class="{classes}" data-col="{col}">{escape(str(value))}</td>'


def _or_dash(value) -> str:
    return "-" if value is None else str(value)


def _yes(flag) -> str:
    return "-" if flag is None else ("达标" if flag else "未达标")


def _coverage_table(table_id: str, rows: list[dict], region: bool) -> str:
    first = [("区划", "region"), ("层级", "level")] if region else [("部门", "department")]
    head = _head(
        *first,
        ("在用事项", "items in force"),
        ("已覆盖", "covered"),
        ("覆盖率", "coverage"),
        ("80% 目标", "80 % target"),
        ("100% 目标", "100 % target"),
        ("评估得分", "score"),
        ("评估等级", "grade"),
    )
    body = []
    for r in rows:
        lead = _td("name", r["name"], num=False) + (
            _td("level", DIVISION_LEVELS.get(r["level"], r["level"] or "-"), num=False)
            if region
            else ""
        )
        score = "-" if r["score"] is None else f"{r['score']:.2f}"
        body.append(
            f'<tr data-key="{escape(r["code"])}">{lead}'
            + _td("items_in_force", _or_dash(r["items_in_force"]))
            + _td("items_covered", _or_dash(r["items_covered"]))
            + _td("coverage_rate", percent(r["coverage_rate"]))
            + _td(
                "meets_80_target",
                _yes(r["meets_80_target"]),
                cls="fail" if r["meets_80_target"] is False else "",
            )
            + _td(
                "meets_100_target",
                _yes(r["meets_100_target"]),
                cls="fail" if r["meets_100_target"] is False else "",
            )
            + _td("score", score)
            + _td("grade_name", r["grade_name"] or "-", num=False)
            + "</tr>"
        )
    return f'<table id="{table_id}">{head}{"".join(body)}</table>'


def _warnings_table(rows: list[dict]) -> str:
    if not rows:
        return (
            '<p class="muted" id="collection-warnings-none">无采集预警 · no collection warnings</p>'
        )
    head = _head(
        ("部门", "department"),
        ("指标", "indicator"),
        ("预警级别", "level"),
        ("指标值", "value"),
        ("预警阈值", "threshold"),
        ("分子/分母", "numerator/denominator"),
    )
    body = "".join(
        f'<tr data-key="{escape(r["department_code"])}:{escape(r["indicator"])}">'
        + _td("department", r["department_name"] or r["department_code"], num=False)
        + _td("indicator", INDICATORS.get(r["indicator"], r["indicator"]), num=False)
        + _td(
            "warning_level",
            LEVELS.get(r["warning_level"], r["warning_level"]),
            num=False,
            cls=f"level-{r['warning_level']}",
        )
        + _td("indicator_value", percent(r["indicator_value"]))
        + _td("warning_threshold", percent(r["warning_threshold"]))
        + _td("ratio", f"{r['numerator']}/{r['denominator']}")
        + "</tr>"
        for r in rows
    )
    return f'<table id="collection-warnings">{head}{body}</table>'


def _risk_table(rows: list[dict]) -> str:
    head = _head(
        ("预警模型", "risk model"),
        ("红色", "red"),
        ("橙色", "orange"),
        ("黄色", "yellow"),
        ("合计", "total"),
        ("已办结", "closed"),
    )
    body = "".join(
        f'<tr data-key="{escape(r["risk_model"])}">'
        + _td("model_name", r["model_name"], num=False)
        + "".join(_td(c, r[c]) for c in ("red", "orange", "yellow", "total", "closed"))
        + "</tr>"
        for r in rows
    )
    return f'<table id="risk-models">{head}{body}</table>'


def _trend_table(rows: list[dict]) -> str:
    head = _head(
        ("运行日期", "run date"),
        ("全省覆盖率", "province coverage"),
        ("达 80% 部门", "departments ≥ 80 %"),
        ("达 100% 部门", "departments at 100 %"),
        ("采集预警", "collection warnings"),
        ("风险预警", "risk warnings (latest run only)"),
    )
    body = "".join(
        f'<tr data-key="{escape(r["run_date"])}">'
        + _td("run_date", r["run_date"], num=False)
        + _td("province_coverage", percent(r["province_coverage"]))
        + _td("departments_80", f"{r['departments_80']}/{r['departments']}")
        + _td("departments_100", f"{r['departments_100']}/{r['departments']}")
        + _td("collection_warnings", r["collection_warnings"])
        + _td("risk_warnings", _or_dash(r["risk_warnings"]))
        + "</tr>"
        for r in rows
    )
    return f'<table id="trend">{head}{body}</table>'


def headline(figures: dict) -> dict:
    """The cards at the top: the province's coverage, departments meeting each target, open
    warnings and the departments graded 优秀 and 不合格."""
    departments = figures["departments"]
    covered = [r for r in departments if r["coverage_rate"] is not None]
    province = next((r for r in figures["regions"] if r["level"] == "province"), None)
    return {
        "province_coverage": percent(province["coverage_rate"] if province else None),
        "departments_80": f"{sum(bool(r['meets_80_target']) for r in covered)}/{len(covered)}",
        "departments_100": f"{sum(bool(r['meets_100_target']) for r in covered)}/{len(covered)}",
        "collection_warnings": str(len(figures["collection_warnings"])),
        "risk_warnings": str(sum(r["total"] for r in figures["risk_models"])),
        "excellent": str(sum(r["grade"] == "excellent" for r in departments)),
        "failing": str(sum(r["grade"] == "fail" for r in departments)),
    }


CARDS = (
    ("province_coverage", "全省监管行为覆盖率", "province coverage, year to date"),
    ("departments_80", "达到 80% 目标的部门", "departments meeting 80 %"),
    ("departments_100", "达到 100% 目标的部门", "departments meeting 100 %"),
    ("collection_warnings", "采集预警", "collection warnings"),
    ("risk_warnings", "风险预警", "risk warnings"),
    ("excellent", "评估优秀部门", "departments graded excellent"),
    ("failing", "评估不合格部门", "departments graded fail"),
)

# Draws the charts from the inline figures. Colours: coverage bars green when the 100 % target
# is met, blue when 80 % is, orange below; the targets are mark lines.
SCRIPT = r"""
const F = JSON.parse(document.getElementById('figures').textContent);
const T = F.targets, pct = v => v == null ? null : Math.round(v * 10000) / 100;
const colour = r => r.meets_100_target ? '#2b8a3e' : (r.meets_80_target ? '#0b5cad' : '#e8590c');
// The target lines; on the bar charts their labels go right of the plot (grid.right leaves
// room), where they cannot cover the last bar.
const targets = (position = 'end') => ({symbol: 'none', data: [
  {name: '80% 目标', yAxis: T.target_80 * 100, lineStyle: {color: '#e67700', type: 'dashed'}},
  {name: '100% 目标', yAxis: T.target_100 * 100, lineStyle: {color: '#2b8a3e', type: 'dashed'}}],
  label: {position, formatter: p => position == 'end' ? p.name.replace(' ', '\n') : p.name}});
function chart(id, option) {
  const el = document.getElementById(id);
  if (!el) return;
  const c = echarts.init(el, null, {renderer: 'svg'});
  c.setOption(Object.assign({animation: false, textStyle: {fontFamily: 'Noto Sans CJK SC, sans-serif'}}, option));
}
function coverage(id, all, title) {
  const rows = all.filter(r => r.coverage_rate != null);
  chart(id, {title: {text: title, left: 'center', textStyle: {fontSize: 14}},
    grid: {bottom: 110, top: 40, left: 50, right: 48}, tooltip: {},
    xAxis: {type: 'category', data: rows.map(r => r.name), axisLabel: {rotate: 40, interval: 0, fontSize: 11}},
    yAxis: {type: 'value', max: 100, axisLabel: {formatter: '{value}%'}},
    series: [{name: '覆盖率', type: 'bar', data: rows.map(r => ({value: pct(r.coverage_rate), itemStyle: {color: colour(r)}})), markLine: targets()}]});
}
coverage('chart-departments', F.departments, '各部门监管行为覆盖率（年初至今）');
coverage('chart-regions', F.regions.filter(r => r.level != 'county'), '全省及各市监管行为覆盖率（年初至今）');
const levels = [['red', '红色', '#c92a2a'], ['orange', '橙色', '#e8590c'], ['yellow', '黄色', '#f2c200']];
chart('chart-risk', {title: {text: '风险预警（按模型）', left: 'center', textStyle: {fontSize: 14}},
  tooltip: {}, legend: {bottom: 0}, grid: {left: 170, right: 20, top: 40, bottom: 40},
  yAxis: {type: 'category', data: F.risk_models.map(r => r.model_name)}, xAxis: {type: 'value', minInterval: 1},
  series: levels.map(([k, n, c]) => ({name: n, type: 'bar', stack: 'all', itemStyle: {color: c}, data: F.risk_models.map(r => r[k])}))});
const GRADE_COLOURS = {'优秀': '#2b8a3e', '良好': '#0b5cad', '合格': '#e67700', '不合格': '#c92a2a'};
const grades = {};
F.departments.forEach(r => { const g = r.grade_name || '未评估'; grades[g] = (grades[g] || 0) + 1; });
chart('chart-grades', {title: {text: '部门评估等级', left: 'center', textStyle: {fontSize: 14}},
  tooltip: {}, legend: {bottom: 0},
  series: [{name: '部门数', type: 'pie', radius: ['35%', '65%'], label: {formatter: '{b}: {c}'},
    data: Object.entries(grades).map(([name, value]) => ({name, value, itemStyle: {color: GRADE_COLOURS[name] || '#adb5bd'}}))}]});
const warnCount = {};
F.collection_warnings.forEach(r => { const k = r.indicator; warnCount[k] = (warnCount[k] || 0) + 1; });
chart('chart-trend', {title: {text: '逐日趋势', left: 'center', textStyle: {fontSize: 14}},
  tooltip: {trigger: 'axis'}, legend: {bottom: 0}, grid: {left: 50, right: 50, top: 40, bottom: 50},
  xAxis: {type: 'category', data: F.trend.map(r => r.run_date)},
  yAxis: [{type: 'value', max: 100, axisLabel: {formatter: '{value}%'}}, {type: 'value', minInterval: 1}],
  series: [
    {name: '全省覆盖率', type: 'line', data: F.trend.map(r => pct(r.province_coverage)), markLine: targets('insideEndTop')},
    {name: '采集预警', type: 'bar', yAxisIndex: 1, data: F.trend.map(r => r.collection_warnings)},
    {name: '风险预警', type: 'bar', yAxisIndex: 1, data: F.trend.map(r => r.risk_warnings)}]});
document.body.dataset.charts = 'drawn';
"""


def render(figures: dict, echarts_js: str | None = None) -> str:
    """The page for one run date's figures (figures.collect)."""
    js = echarts_js if echarts_js is not None else echarts_source()
    cards = headline(figures)
    card_html = "".join(
        f'<div class="card" data-card="{key}"><div class="label">{_label(zh, en)}</div>'
        f'<div class="value">{escape(cards[key])}</div></div>'
        for key, zh, en in CARDS
    )
    data = json.dumps(figures, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    day = escape(figures["run_date"])
    upper = [r for r in figures["regions"] if r["level"] != "county"]
    counties = [r for r in figures["regions"] if r["level"] == "county"]
    t80, t100 = (percent(figures["targets"][k]) for k in ("target_80", "target_100"))
    body = f"""
<h1>互联网+监管 · 监管数据看板<span class="en">supervision dashboard, run date {day}</span></h1>
<p class="muted">数据来自 gold 层（年初至今，运行日期 {day}）；覆盖率目标 {t80} / {t100}。
All figures are read from the gold tables (year to date); targets from the dbt vars.</p>
<div class="cards">{card_html}</div>
<h2>{_label("监管行为覆盖率", "coverage against the 80 % / 100 % targets")}</h2>
<div class="charts"><div class="chart" id="chart-departments"></div>
<div class="chart" id="chart-regions"></div></div>
<h3>{_label("按部门", "per department")}</h3>{_coverage_table("coverage-departments", figures["departments"], False)}
<h3>{_label("按地区", "per region: province and cities")}</h3>{_coverage_table("coverage-regions", upper, True)}
<details><summary>{_label(f"区县（{len(counties)} 个）", "counties")}</summary>
{_coverage_table("coverage-counties", counties, True)}</details>
<h2>{_label("采集预警", "collection warnings")}</h2>{_warnings_table(figures["collection_warnings"])}
<h2>{_label("风险预警", "risk warnings by model")}</h2>
<div class="charts"><div class="chart" id="chart-risk"></div><div class="chart" id="chart-grades"></div></div>
{_risk_table(figures["risk_models"])}
<h2>{_label("逐日趋势", "trends over the run dates")}</h2>
<div class="charts"><div class="chart" id="chart-trend"></div></div>{_trend_table(figures["trend"])}
"""
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>监管数据看板 {day}</title><style>{CSS}{EXTRA_CSS}</style></head>
<body><nav class="navbar"><span class="brand">互联网+监管 · 数据看板</span>
<span class="right muted">{day}</span></nav><main>{body}</main>
<script type="application/json" id="figures">{data}</script>
<script>{js}</script>
<script>{SCRIPT}</script>
</body></html>
"""
