"""The report's model: the national check categories, platforms, figures and their wording.

No Spark session (the categories come from `silver.national`): `report_data` fills it from the lake, `report_html` and `workbook`
render it. See `report_data` for what each figure means.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# The national check categories: silver's table (code -> (Chinese name, English subtitle)).
from spark_jobs.silver.national import CATEGORIES

UNCATEGORISED = ("未分类", "no category")

# Where a row without a department_code goes: the platform that delivered the source.
DEFAULT_PLATFORM = "province_platform"
PLATFORMS: dict[str, str] = {
    "complaints_12315": "national_12315_platform",
    "national_dispatched_complaints": "national_platform",
    "national_feedback": "national_platform",
    "third_party_opinion": "third_party_platform",
    "third_party_readings": "third_party_platform",
}
PLATFORM_NAMES: dict[str, tuple[str, str]] = {
    "province_platform": ("省级平台", "provincial platform"),
    "national_12315_platform": ("全国12315平台", "national 12315 platform"),
    "national_platform": ("国家平台", "national platform"),
    "third_party_platform": ("第三方平台", "third-party platform"),
}
TREND_RUNS = 10
TOP_REASONS = 5


@dataclass
class Figures:
    checked: int = 0
    passed: int = 0
    failed: int = 0
    warned: int = 0
    released: int = 0
    files: int = 0
    superseded: int = 0
    categories: dict[str, int] = field(default_factory=dict)  # category code -> failed rows

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.checked if self.checked else None

    def add(self, other: Figures) -> None:
        for name in ("checked", "passed", "failed", "warned", "released", "files", "superseded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, n in other.categories.items():
            self.categories[code] = self.categories.get(code, 0) + n


@dataclass
class Reason:
    source: str
    dept: str  # the department key ("" once merged across departments, in a source's list)
    category: str
    field: str
    field_zh: str
    message: str  # the Chinese message with the delivered value cut out
    reason: str  # one English reason of the group, the value cut out likewise
    rows: int


@dataclass
class Scope:
    """One source or one department: its figures for the run, per source, reasons, trend."""

    key: str
    name_zh: str
    name_en: str
    figures: Figures
    by_source: dict[str, Figures] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)
    trend: list[tuple[str, Figures]] = field(default_factory=list)  # (delivery date, figures)


@dataclass
class ReportData:
    run_date: str
    total: Figures
    sources: list[Scope]
    departments: list[Scope]
    dates: list[str]  # the trend's delivery dates, oldest first


def format_rate(passed: int, checked: int) -> str:
    """`72.73%`; never 100% while a row failed, never 0% while one passed; `-` for no rows."""
    if not checked:
        return "-"
    rate = round(100 * passed / checked, 2)
    if passed < checked:
        rate = min(rate, 99.99)
    if passed:
        rate = max(rate, 0.01)
    return f"{rate:.2f}".rstrip("0").rstrip(".") + "%"


def national_summary(f: Figures) -> str:
    """The national validator's closing line."""
    return (
        f"校验完成，共校验数据{f.checked}条，其中{f.passed}条通过，{f.failed}条不通过，"
        f"通过率{format_rate(f.passed, f.checked)}"
    )


def category_name(code: str) -> tuple[str, str]:
    return CATEGORIES.get(code, UNCATEGORISED)


def top(reasons: list[Reason], n: int) -> list[Reason]:
    """The `n` reasons with the most rows (merged where they read the same)."""
    merged: Counter = Counter()
    example: dict[tuple, str] = {}
    for r in reasons:
        key = (r.source, r.category, r.field, r.field_zh, r.message)
        merged[key] += r.rows
        example[key] = min(example.get(key, r.reason), r.reason)
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    out = []
    for key, rows in ranked:
        source, category, field_, field_zh, message = key
        out.append(Reason(source, "", category, field_, field_zh, message, example[key], rows))
    return out
