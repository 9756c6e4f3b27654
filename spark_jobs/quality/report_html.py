"""The quality report as one self-contained HTML page (inline CSS and SVG, no script, nothing
loaded from anywhere), in the look of the offline Data Docs; plus the index of every run's report.

Chinese labels with English subtitles. Every figure sits in a cell marked with `data-col`, in a
row marked with `data-key` (and `data-date` in the trend), so a test can read it back.
"""

from __future__ import annotations

from html import escape

from spark_jobs.quality.report_model import (
    CATEGORIES,
    UNCATEGORISED,
    Figures,
    Reason,
    ReportData,
    Scope,
    category_name,
    format_rate,
    national_summary,
)

PALETTE = ("#0b5cad", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0c8599", "#c2255c", "#5c940d")
CSS = """
*{box-sizing:border-box}
body{margin:0;color:#212529;background:#fff;line-height:1.45;font-size:14px;
 font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans CJK SC",
 "PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
a{color:#0b5cad;text-decoration:none}a:hover{text-decoration:underline}
.navbar{display:flex;align-items:center;gap:1.5rem;padding:.6rem 1.5rem;background:#f8f9fa;
 border-bottom:1px solid #dee2e6;position:sticky;top:0;z-index:10}
.brand{font-weight:700;font-size:1.1rem;color:#212529}.navbar .right{margin-left:auto}
main{padding:1rem 1.5rem 2rem;max-width:1400px}
h1{font-size:1.6rem;margin:.3rem 0}h2{font-size:1.25rem;margin:1.6rem 0 .5rem;
 border-bottom:2px solid #dee2e6;padding-bottom:.25rem}
.en{color:#6c757d;font-weight:400;font-size:.85em;margin-left:.4em}
th .en{display:block;margin:0;font-size:.78em}
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:.75rem 0}
.card{border:1px solid #dee2e6;border-radius:.35rem;padding:.6rem .9rem;min-width:150px;
 background:#fff}
.card .label{font-size:.85rem;color:#495057}.card .value{font-size:1.6rem;font-weight:700}
.card.bad .value{color:#c92a2a}.card.good .value{color:#2b8a3e}
.summary{background:#e7f1fb;border-left:4px solid #0b5cad;padding:.5rem .8rem;
 font-weight:600;margin:.5rem 0}
table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:13px}
th,td{border:1px solid #dee2e6;padding:.3rem .5rem;vertical-align:top}
th{background:#f1f3f5;text-align:left;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.zero{color:#adb5bd}td.fail{color:#c92a2a;font-weight:600}
tr.total td{font-weight:700;background:#f8f9fa}
.bar{display:inline-block;height:.6rem;background:#dee2e6;width:80px;margin-right:.4rem;
 vertical-align:middle;border-radius:2px;overflow:hidden}
.bar span{display:block;height:100%;background:#2b8a3e}
.rate{display:inline-block;min-width:4.5em;text-align:right}
.muted{color:#6c757d}.small{font-size:12px}
details{margin:.3rem 0 1rem}summary{cursor:pointer;color:#0b5cad}
svg text{font-family:inherit}
"""


def _fmt(n: int) -> str:
    return f"{n:,}"


def _num(col: str, n: int, *, fail: bool = False) -> str:
    cls = "num zero" if n == 0 else ("num fail" if fail else "num")
    return f'<td class="{cls}" data-col="{col}">{_fmt(n)}</td>'


def _label(zh: str, en: str) -> str:
    return f'{escape(zh)}<span class="en">{escape(en)}</span>' if en else escape(zh)


def _head(*cols: tuple[str, str]) -> str:
    return "<tr>" + "".join(f"<th>{_label(zh, en)}</th>" for zh, en in cols) + "</tr>"


def _rate_cell(f: Figures) -> str:
    rate = f.pass_rate
    bar = f'<span class="bar"><span style="width:{rate * 100:.1f}%"></span></span>' if rate else ""
    # the rate in a fixed width, so every row's bar starts at the same place
    shown = f'<span class="rate">{format_rate(f.passed, f.checked)}</span>'
    return f'<td class="num" data-col="pass_rate">{bar}{shown}</td>'


def sparkline(trend: list[tuple[str, Figures]], width: int = 110, height: int = 26) -> str:
    """The pass rate over the trend's dates (a dot per date with rows)."""
    pts = []
    n = max(len(trend) - 1, 1)
    for i, (_, f) in enumerate(trend):
        if f.pass_rate is not None:
            pts.append((3 + i * (width - 6) / n, 3 + (1 - f.pass_rate) * (height - 6)))
    if not pts:
        return '<span class="muted">-</span>'
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8"/>' for x, y in pts)
    return (
        f'<svg width="{width}" height="{height}" role="img" aria-label="pass rate trend">'
        f'<rect width="{width}" height="{height}" fill="#f8f9fa"/>'
        f'<polyline points="{line}" fill="none" stroke="#0b5cad" stroke-width="1.5"/>'
        f'<g fill="#0b5cad">{dots}</g></svg>'
    )


def _figures_row(key: str, name: str, f: Figures, trend, extra: str = "", files=True) -> str:
    return (
        f'<tr data-key="{escape(key)}"><td>{name}</td>'
        + (_num("files", f.files) if files else "")
        + _num("checked", f.checked)
        + _num("passed", f.passed)
        + _num("failed", f.failed, fail=True)
        + _rate_cell(f)
        + _num("warned", f.warned)
        + _num("released", f.released)
        + f"<td>{sparkline(trend)}</td>{extra}</tr>"
    )


FIGURE_COLS = (
    ("校验数据", "rows checked"),
    ("通过", "passed"),
    ("不通过", "failed"),
    ("通过率", "pass rate"),
    ("警告", "warnings"),
    ("本次释放", "released"),
    ("趋势", "trend"),
)


def _sources_table(data: ReportData) -> str:
    rows = [_figures_row(s.key, _label(s.name_zh, s.key), s.figures, s.trend) for s in data.sources]
    trend = {day: Figures() for day in data.dates}
    for s in data.sources:
        for day, f in s.trend:
            trend[day].add(f)
    total_row = _figures_row("__total__", _label("合计", "total"), data.total, list(trend.items()))
    return (
        '<table id="sources">'
        + _head(("数据源", "source"), ("文件数", "files"), *FIGURE_COLS)
        + "".join(rows)
        + total_row.replace("<tr ", '<tr class="total" ', 1)
        + "</table>"
    )


def _departments_table(data: ReportData, workbooks: dict[str, str]) -> str:
    rows = []
    for d in data.departments:
        link = workbooks.get(d.key)
        cell = f'<a href="{escape(link)}" data-col="workbook">XLSX</a>' if link else "-"
        sources = ", ".join(sorted(d.by_source))
        name = _label(f"{d.key} {d.name_zh}".strip(), d.name_en)
        name += f'<div class="small muted">{escape(sources)}</div>' if sources else ""
        rows.append(_figures_row(d.key, name, d.figures, d.trend, f"<td>{cell}</td>", False))
    return (
        '<table id="departments">'
        + _head(("部门", "department"), *FIGURE_COLS, ("退回清单", "workbook"))
        + "".join(rows)
        + "</table>"
    )


def _category_codes(data: ReportData) -> list[str]:
    extra = sorted({c for s in data.sources for c in s.figures.categories} - set(CATEGORIES))
    return [*CATEGORIES, *extra]


def _category_table(table_id: str, scopes: list[Scope], codes: list[str], what) -> str:
    head = "<tr><th>" + _label(*what) + "</th>"
    for code in codes:
        zh, en = category_name(code)
        head += f'<th title="{escape(en)}">{escape(code or "--")}<span class="en">{escape(zh)}</span></th>'
    body = ""
    for s in scopes:
        name = f"{s.key} {s.name_zh}" if s.key.isdigit() else (s.name_zh or s.key)
        body += f'<tr data-key="{escape(s.key)}"><td>{escape(name)}</td>'
        body += "".join(_num(f"cat_{c or 'none'}", s.figures.categories.get(c, 0)) for c in codes)
        body += "</tr>"
    return f'<table id="{table_id}">{head}</tr>{body}</table>'


def category_chart(totals: dict[str, int], codes: list[str]) -> str:
    """Horizontal bars: failed rows per national check category over all sources."""
    width, label_w, row_h = 720, 300, 22
    top = max(totals.values(), default=0) or 1
    height = row_h * len(codes) + 8
    out = [f'<svg id="category-chart" width="{width}" height="{height}" role="img">']
    for i, code in enumerate(codes):
        zh, en = category_name(code)
        n = totals.get(code, 0)
        y = 4 + i * row_h
        w = (width - label_w - 60) * n / top
        out.append(
            f'<text x="0" y="{y + 15}" font-size="12">{escape(code or "--")} {escape(zh)}'
            f'<tspan fill="#868e96"> {escape(en)}</tspan></text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{"#c92a2a" if n else "#dee2e6"}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="12">{n}</text>'
        )
    return "".join(out) + "</svg>"


def trend_chart(scopes: list[Scope], dates: list[str]) -> str:
    """Pass rate per source over the last runs' delivery dates."""
    width, height, left, bottom, top = 760, 250, 46, 40, 12
    plot_w, plot_h = width - left - 180, height - top - bottom
    n = max(len(dates) - 1, 1)

    def xy(i: int, rate: float) -> tuple[float, float]:
        return left + i * plot_w / n, top + (1 - rate) * plot_h

    out = [f'<svg id="trend-chart" width="{width}" height="{height}" role="img">']
    for pct in (0, 25, 50, 75, 100):
        _, y = xy(0, pct / 100)
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e9ecef"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{pct}%</text>'
        )
    for i, d in enumerate(dates):
        x, _ = xy(i, 0)
        out.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" font-size="11" '
            f'text-anchor="middle">{escape(d[5:])}</text>'
        )
    for k, s in enumerate(scopes):
        colour = PALETTE[k % len(PALETTE)]
        pts = [xy(i, f.pass_rate) for i, (_, f) in enumerate(s.trend) if f.pass_rate is not None]
        if pts:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            out.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
            out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in pts]
        ly = top + 14 + k * 18
        out.append(
            f'<rect x="{left + plot_w + 16}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + plot_w + 31}" y="{ly}" font-size="12">{escape(s.key)}</text>'
        )
    return "".join(out) + "</svg>"


def _trend_table(data: ReportData) -> str:
    head = _head(
        ("交付日期", "delivery date"),
        ("范围", "scope"),
        ("校验数据", "checked"),
        ("不通过", "failed"),
        ("通过率", "pass rate"),
    )
    rows = []
    for kind, scopes in (("source", data.sources), ("department", data.departments)):
        for s in scopes:
            for day, f in reversed(s.trend):
                if f.checked:
                    rows.append(
                        f'<tr data-key="{escape(s.key)}" data-kind="{kind}" data-date="{day}">'
                        f"<td>{day}</td><td>{escape(s.key)}</td>"
                        + _num("checked", f.checked)
                        + _num("failed", f.failed, fail=True)
                        + _rate_cell(f)
                        + "</tr>"
                    )
    return f'<table id="trend">{head}{"".join(rows)}</table>'


def _reasons_table(table_id: str, scopes: list[Scope]) -> str:
    head = _head(
        ("范围", "scope"),
        ("检核类型", "category"),
        ("字段", "field"),
        ("问题说明", "message"),
        ("原因", "reason"),
        ("不通过条数", "rows"),
    )
    rows = []
    for s in scopes:
        for r in s.reasons:
            rows.append(_reason_row(s.key, r))
    if not rows:
        return '<p class="muted">无 (none)</p>'
    return f'<table id="{table_id}">{head}{"".join(rows)}</table>'


def _reason_row(key: str, r: Reason) -> str:
    zh, en = category_name(r.category) if r.category else UNCATEGORISED
    source = f'<div class="small muted">{escape(r.source)}</div>' if r.source != key else ""
    return (
        f'<tr data-key="{escape(key)}"><td>{escape(key)}{source}</td>'
        f"<td>{escape(r.category)} {_label(zh, en)}</td>"
        f"<td>{_label(r.field_zh, r.field if r.field != r.field_zh else '')}</td>"
        f'<td>{escape(r.message)}</td><td class="small">{escape(r.reason)}</td>'
        + _num("rows", r.rows)
        + "</tr>"
    )


def render_report(data: ReportData, workbooks: dict[str, str], docs_href: str) -> str:
    """The run's report; `workbooks` maps a department key to its workbook's relative link."""
    t = data.total
    codes = _category_codes(data)
    cards = "".join(
        f'<div class="card {cls}" data-card="{key}"><div class="label">{_label(zh, en)}</div>'
        f'<div class="value">{value}</div></div>'
        for key, zh, en, value, cls in (
            ("checked", "校验数据", "rows checked", _fmt(t.checked), ""),
            ("passed", "通过", "passed", _fmt(t.passed), "good"),
            ("failed", "不通过", "failed", _fmt(t.failed), "bad" if t.failed else ""),
            ("pass_rate", "通过率", "pass rate", format_rate(t.passed, t.checked), ""),
            ("warned", "警告", "warnings (kept)", _fmt(t.warned), ""),
            ("released", "本次释放", "released", _fmt(t.released), ""),
        )
    )
    sections = [
        f'<h1>数据质量报告<span class="en">Data quality report · {escape(data.run_date)}</span></h1>',
        f'<p class="muted">交付日期 delivery date {escape(data.run_date)} · 趋势 trend: '
        f"{escape(data.dates[0])} – {escape(data.dates[-1])} ({len(data.dates)} runs)</p>",
        f'<div class="cards">{cards}</div>',
        f'<p class="summary" id="national-summary">{escape(national_summary(t))}</p>',
        '<h2>按数据源<span class="en">By source</span></h2>',
        _sources_table(data),
        '<h2>按部门<span class="en">By department · rejection workbooks to fix and resend</span></h2>',
        _departments_table(data, workbooks),
        '<h2>按国家检核类型<span class="en">Failed rows by national check category</span></h2>',
        category_chart(t.categories, codes),
        _category_table("categories-by-source", data.sources, codes, ("数据源", "source")),
        _category_table(
            "categories-by-department", data.departments, codes, ("部门", "department")
        ),
        '<h2>主要问题<span class="en">Top reasons</span></h2>',
        _reasons_table("reasons-by-source", data.sources),
        "<details><summary>按部门 by department</summary>"
        + _reasons_table("reasons-by-department", data.departments)
        + "</details>",
        '<h2>趋势<span class="en">Trend over the last runs (pass rate per delivery date)</span></h2>',
        trend_chart(data.sources, data.dates),
        "<details open><summary>明细 figures per delivery date</summary>"
        + _trend_table(data)
        + "</details>",
        '<p class="small muted">不通过 = rows with an error still quarantined; 通过 = rows read − '
        "不通过 per source, rows in silver per department (a row superseded or replaced by a "
        "later delivery is no longer counted there); a row can fail several categories.</p>",
    ]
    return _page(f"数据质量报告 {data.run_date}", docs_href, "".join(sections))


def render_index(runs: list[tuple[str, str, str]], docs_href: str) -> str:
    """The list of every run's report: (run date, link, national summary line)."""
    rows = "".join(
        f'<tr data-key="{escape(day)}"><td><a href="{escape(link)}">{escape(day)}</a></td>'
        f"<td>{escape(line)}</td></tr>"
        for day, link, line in runs
    )
    table = f'<table id="runs">{_head(("交付日期", "delivery date"), ("校验结果", "result"))}{rows}</table>'
    body = f'<h1>数据质量报告<span class="en">Quality reports, newest first</span></h1>{table}'
    return _page("数据质量报告", docs_href, body)


def _page(title: str, docs_href: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        '<nav class="navbar"><span class="brand">数据质量 · Data quality</span>'
        f'<a href="{escape(docs_href)}" class="right">Data Docs</a></nav>'
        f"<main>{body}</main></body></html>\n"
    )
