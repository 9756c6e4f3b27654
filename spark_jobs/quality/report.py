"""Quality reports quality officers can act on, built every run: `build_quality_reports`.

Under `settings.home / "reports" / "quality" / <run date>/`:

| file | what |
|---|---|
| `quality_report.html` | self-contained page (inline CSS and SVG, works offline): per source and per department rows checked, passed, failed, pass rate, failed rows by national check category, top reasons, the trend over the last runs; links to the workbooks |
| `rejections_<run date>_<department>.xlsx` | per department (or the source's platform, e.g. `province_platform`, for rows without a department code): every rejected row with the national validator's summary line (`workbook`) |
| `quality_report.json` | the same figures for machines |

and `reports/quality/index.html`, every run's report newest first, which the Data Docs index
links to (`data_docs.QUALITY_REPORTS_HREF`). The figures are defined in `report_data`.
Re-running a date rewrites its folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from datetime import date
from pathlib import Path

from spark_jobs.core.settings import Settings
from spark_jobs.quality.report_data import collect_report_data, run_files, run_problems
from spark_jobs.quality.report_html import render_index, render_report
from spark_jobs.quality.report_model import TREND_RUNS, ReportData, national_summary
from spark_jobs.quality.workbook import write_workbooks

REPORT_HTML = "quality_report.html"
REPORT_JSON = "quality_report.json"


def reports_root(settings: Settings) -> Path:
    """`<home>/reports/quality`: one folder per run date, and the index of them."""
    return Path(settings.home) / "reports" / "quality"


def build_quality_reports(spark, settings: Settings, run_date: str | date) -> dict:
    """Build the run's HTML report, its JSON figures, one rejection workbook per department
    and the reports index. Returns their paths: html, json, index, workbooks (key -> path)."""
    day = run_date.isoformat() if isinstance(run_date, date) else str(run_date)[:10]
    date.fromisoformat(day)  # refuses anything but a date before a folder is named after it
    out = reports_root(settings) / day
    out.mkdir(parents=True, exist_ok=True)

    files = run_files(spark, settings, day, TREND_RUNS)
    data = collect_report_data(spark, settings, day, files=files)
    problems = run_problems(spark, settings, day, files)
    rows = (r.asDict() for r in problems.toLocalIterator()) if problems is not None else iter(())
    workbooks = write_workbooks(
        data,
        rows,
        out,
        _pii_fields(settings, [s.key for s in data.sources]),
        {s.key: s.name_zh for s in data.sources},
    )

    docs_href = os.path.relpath(Path(settings.data_docs_dir) / "index.html", out)
    links = {key: path.name for key, path in workbooks.items()}
    html = out / REPORT_HTML
    html.write_text(render_report(data, links, docs_href), "utf-8")
    figures = out / REPORT_JSON
    figures.write_text(_json(data, links), "utf-8")
    index = write_index(settings)
    return {
        "html": str(html),
        "json": str(figures),
        "index": str(index),
        "workbooks": {key: str(path) for key, path in workbooks.items()},
    }


def write_index(settings: Settings) -> Path:
    """`reports/quality/index.html`: every run's report, newest first, with its summary line."""
    root = reports_root(settings)
    runs = []
    for folder in sorted(root.iterdir(), reverse=True) if root.is_dir() else []:
        if not (folder / REPORT_HTML).is_file():
            continue
        line = ""
        with contextlib.suppress(OSError, ValueError, KeyError):  # a report without figures
            line = json.loads((folder / REPORT_JSON).read_text("utf-8"))["summary"]
        runs.append((folder.name, f"{folder.name}/{REPORT_HTML}", line))
    docs_href = os.path.relpath(Path(settings.data_docs_dir) / "index.html", root)
    index = root / "index.html"
    root.mkdir(parents=True, exist_ok=True)
    index.write_text(render_index(runs, docs_href), "utf-8")
    return index


def _pii_fields(settings: Settings, sources: list[str]) -> set[tuple[str, str]]:
    """(source, field) of every personal-data field: their values are never shown."""
    from spark_jobs.contracts import get_contract

    out = set()
    for s in sources:
        if not (Path(settings.contract_dir) / f"{s}.yaml").is_file():
            continue  # no contract: the quarantine holds no personal values anyway
        out |= {
            (s, f.name) for f in get_contract(s, settings.contract_dir).fields if f.pii != "none"
        }
    return out


def _json(data: ReportData, workbooks: dict[str, str]) -> str:
    doc = dataclasses.asdict(data)
    doc["summary"] = national_summary(data.total)
    doc["workbooks"] = workbooks
    return json.dumps(doc, ensure_ascii=False, indent=1, default=str)


if __name__ == "__main__":  # python -m spark_jobs.quality.report 2024-06-28
    import sys

    from spark_jobs.core.session import get_spark

    _settings = Settings.from_env()
    _spark = get_spark(_settings, register=False)  # tables are read by path
    print(json.dumps(build_quality_reports(_spark, _settings, sys.argv[1]), indent=2))
