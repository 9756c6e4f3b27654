"""Rejection workbooks (XLSX): per department, every rejected row of the run, to fix and resend.

One workbook per department key of the report (`report_data`): the department's code, or, for
rows whose `department_code` is null (a platform's feed such as 12345), the source's platform,
e.g. `province_platform` (`report_model.PLATFORMS`). Each has:

- sheet 退回清单 (rejected rows): first the national validator's summary line
  `校验完成，共校验数据N条，其中P条通过，F条不通过，通过率X%` (the department, all sources;
  cell A1), the title, the figures per source and in English, then one line per problem of every rejected row: file, row,
  source, field (Chinese name), delivered value (`（个人信息，不显示）` for a personal-data
  field: the quarantine never holds those values), standardised value, category code and name,
  message, English reason;
- sheet 警告 (warnings): the problems of rows that were kept (severity warning), same columns.

Values are written as text, never as formulas (a delivered `=…` stays text), and characters
XLSX cannot hold are dropped. Rows stream from Spark (`toLocalIterator`) into write-only
workbooks, so a large quarantine does not sit in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path

from spark_jobs.quality.report_model import (
    Figures,
    ReportData,
    Scope,
    category_name,
    format_rate,
    national_summary,
)

PII_SHOWN = "（个人信息，不显示）"
COLUMNS = (
    ("文件", "File", 34),
    ("行号", "Row", 8),
    ("数据源", "Source", 20),
    ("字段", "Field", 18),
    ("原值", "Delivered value", 24),
    ("标准化值", "Standardised value", 20),
    ("检核类型", "Check category", 26),
    ("问题说明", "Message", 44),
    ("原因（英文）", "Reason (English)", 44),
)
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SAFE_NAME = re.compile(r"[^0-9A-Za-z_-]")


def workbook_name(run_date: str, key: str) -> str:
    return f"rejections_{run_date}_{SAFE_NAME.sub('_', key)}.xlsx"


def write_workbooks(
    data: ReportData,
    problems: Iterable[dict],
    out_dir: Path,
    pii_fields: set[tuple[str, str]],
    source_titles: dict[str, str],
) -> dict[str, Path]:
    """Write one workbook per department of `data` into `out_dir`; `problems` are the run's
    problem rows sorted by department (`report_data.run_problems`). Returns key -> path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("rejections_*.xlsx"):  # a re-run replaces the run's workbooks
        old.unlink()
    scopes = {d.key: d for d in data.departments}
    written: dict[str, Path] = {}
    for key, rows in groupby(problems, key=lambda r: r["dept"]):
        scope = scopes.get(key) or Scope(key, "", "", Figures())
        written[key] = _write(data.run_date, scope, rows, out_dir, pii_fields, source_titles)
    for key, scope in scopes.items():
        if key not in written:
            written[key] = _write(
                data.run_date, scope, iter(()), out_dir, pii_fields, source_titles
            )
    return written


def _write(run_date, scope: Scope, rows: Iterator[dict], out_dir, pii_fields, titles) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=True)
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")

    def cell(ws, value, *, font=None, fill=None):
        c = WriteOnlyCell(ws, value=_text(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            c.data_type = "s"  # text, even when it starts with "=" (no formula injection)
        if font:
            c.font = font
        if fill:
            c.fill = fill
        if isinstance(value, str) and len(value) > 30:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        return c

    name = f"{scope.key} {scope.name_zh}".strip()
    f = scope.figures
    english = (
        f"{f.checked} rows checked, {f.passed} passed, {f.failed} failed, pass rate "
        f"{format_rate(f.passed, f.checked)}; one line per problem below."
    )
    sheets = {}
    for severity, title, kind in (
        ("error", "退回清单", "不通过数据 (rejected rows: fix and deliver again)"),
        ("warning", "警告", "警告，数据已入库 (warnings: rows kept)"),
    ):
        ws = wb.create_sheet(title)
        for i, (_, _, width) in enumerate(COLUMNS):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        ws.freeze_panes = "A6"
        ws.append([cell(ws, national_summary(f), font=Font(bold=True, size=13))])
        ws.append([cell(ws, f"{name} · {run_date} · {kind}", font=bold)])
        per_source = "；".join(
            f"{titles.get(s, s)}：共{sf.checked}条，{sf.passed}条通过，{sf.failed}条不通过，"
            f"通过率{format_rate(sf.passed, sf.checked)}"
            for s, sf in sorted(scope.by_source.items())
        )
        ws.append([cell(ws, per_source or "本次无数据 (no rows in this run)")])
        ws.append([cell(ws, english)])
        ws.append([cell(ws, f"{zh}\n{en}", font=bold, fill=head_fill) for zh, en, _ in COLUMNS])
        sheets[severity] = ws
    for r in rows:
        ws = sheets.get(r["severity"], sheets["error"])
        ws.append([cell(ws, v) for v in _line(r, pii_fields)])
    path = out_dir / workbook_name(run_date, scope.key)
    wb.save(path)
    return path


def _line(r: dict, pii_fields: set[tuple[str, str]]) -> list:
    pii = (r["source"], r["field"]) in pii_fields
    code = r.get("category") or ""
    zh, _ = category_name(code)
    return [
        r["_source_file"],
        int(r["_row_number"]),
        r["source"],
        r.get("field_zh") or r["field"],
        PII_SHOWN if pii else (r.get("value") or ""),
        "" if pii else (r.get("standardised_value") or ""),
        f"{code} {zh}".strip(),
        r.get("message") or "",
        r.get("reason") or "",
    ]


def _text(value: str) -> str:
    return ILLEGAL.sub("", value)
