"""The leaders' dashboard (监管数据看板), built by every run's report task: `build_dashboard`.

Under `settings.home / "reports" / "dashboard" / <run date>/`: `dashboard.html` (one
self-contained page, charts by Apache ECharts inlined, opens offline) and `figures.json` (the
same figures for machines). Re-running a date rewrites its folder with the same bytes as long
as gold has not changed. Figures: `figures`; page: `page`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from spark_jobs.core.settings import Settings


def dashboard_dir(settings: Settings, day: str) -> Path:
    return Path(settings.home) / "reports" / "dashboard" / day


def build_dashboard(spark, settings: Settings, run_date: str | date) -> dict:
    """Read the run date's figures from gold, write the page and its JSON; return their paths
    and the headline figures."""
    from spark_jobs.dashboard.figures import collect
    from spark_jobs.dashboard.page import headline, render

    figures = collect(spark, run_date)
    out = dashboard_dir(settings, figures["run_date"])
    out.mkdir(parents=True, exist_ok=True)
    html = out / "dashboard.html"
    html.write_text(render(figures), "utf-8")
    data = out / "figures.json"
    data.write_text(json.dumps(figures, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    return {"html": str(html), "json": str(data), "headline": headline(figures)}
