"""Handling results of risk warnings, as the departments return them (处置反馈).

A department answers its push list (gold.risk_warnings, its department_code partition) with a
CSV, UTF-8 (a BOM is fine), one row per warning, Chinese or English headers:

    预警编号 warning_id, 处置状态 handling_status, 处置日期 handled_on (yyyy-MM-dd),
    处置结果 handling_result, 处置单位 handling_unit

Status as the code or its label: received 已签收, verifying 核查中, handled 已处置,
unfounded 核查不属实. A file with any bad row (unknown warning id, status or date, a date after
today, a warning of another department when --department is given) is refused whole, with
every reason: the operator sends it back to be fixed. An accepted file is MERGEd into
`ops.risk_warning_feedback` on (warning_id, handled_on, handling_status): the same answer
loaded again changes nothing but its file and load time; every answer stays (the audit
trail), and gold.risk_warnings shows the latest per warning at its next build.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import types as T

from spark_jobs.core.delta import ensure_table
from spark_jobs.core.settings import Settings

LAYER = "ops"
TABLE = "risk_warning_feedback"
STATUSES = {
    "received": "已签收",
    "verifying": "核查中",
    "handled": "已处置",
    "unfounded": "核查不属实",
}
HEADERS = {
    "预警编号": "warning_id",
    "处置状态": "handling_status",
    "处置日期": "handled_on",
    "处置结果": "handling_result",
    "处置单位": "handling_unit",
}
SCHEMA = T.StructType(
    [
        T.StructField("warning_id", T.StringType(), False),
        T.StructField("handling_status", T.StringType(), False),
        T.StructField("handled_on", T.DateType(), False),
        T.StructField("handling_result", T.StringType()),
        T.StructField("handling_unit", T.StringType()),
        T.StructField("department_code", T.StringType()),
        T.StructField("feedback_file", T.StringType()),
        T.StructField("file_sha256", T.StringType()),
        T.StructField("row_number", T.LongType()),
        T.StructField("loaded_at", T.TimestampType()),
    ]
)


class FeedbackRefused(ValueError):
    """The file was not loaded; `reasons` lists every bad row."""

    def __init__(self, path: Path, reasons: list[str]):
        self.reasons = reasons
        super().__init__(f"{path}: refused, {len(reasons)} problem(s):\n" + "\n".join(reasons))


@dataclass(frozen=True)
class Answer:
    warning_id: str
    handling_status: str
    handled_on: dt.date
    handling_result: str | None
    handling_unit: str | None
    row_number: int


def read_answers(path: Path, today: dt.date) -> list[Answer]:
    """The rows of a feedback CSV, checked on their own (not against the warnings)."""
    labels = {label: code for code, label in STATUSES.items()}
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    answers, reasons = [], []
    for n, raw in enumerate(rows, start=2):  # line 1 is the header
        row = {HEADERS.get(k.strip(), k.strip()): (v or "").strip() for k, v in raw.items() if k}
        status = labels.get(row.get("handling_status", ""), row.get("handling_status", ""))
        try:
            day = dt.date.fromisoformat(row.get("handled_on", ""))
        except ValueError:
            day = None
        problems = []
        if not row.get("warning_id"):
            problems.append("预警编号 is empty")
        if status not in STATUSES:
            problems.append(f"处置状态 {row.get('handling_status')!r} is not one of {STATUSES}")
        if day is None:
            problems.append(f"处置日期 {row.get('handled_on')!r} is not yyyy-MM-dd")
        elif day > today:
            problems.append(f"处置日期 {day} is after today ({today})")
        if problems or day is None:
            reasons.append(f"line {n}: " + "; ".join(problems))
            continue
        answers.append(
            Answer(
                row["warning_id"],
                status,
                day,
                row.get("handling_result") or None,
                row.get("handling_unit") or None,
                n,
            )
        )
    if reasons:
        raise FeedbackRefused(path, reasons)
    if not answers:
        raise FeedbackRefused(path, ["no rows"])
    return answers


def load_feedback(
    spark,
    settings: Settings,
    path: Path,
    department: str | None = None,
    today: dt.date | None = None,
) -> int:
    """Check `path` against gold.risk_warnings and MERGE it into ops.risk_warning_feedback;
    returns the rows loaded. Raises FeedbackRefused with every reason."""
    from delta.tables import DeltaTable

    answers = read_answers(path, today or dt.date.today())
    warnings = {
        r.warning_id: r.department_code
        for r in spark.read.format("delta")
        .load(settings.table_path("gold", "risk_warnings"))
        .select("warning_id", "department_code")
        .collect()
    }
    reasons = []
    for a in answers:
        if a.warning_id not in warnings:
            reasons.append(f"line {a.row_number}: 预警编号 {a.warning_id} is not a warning")
        elif department and warnings[a.warning_id] != department:
            reasons.append(
                f"line {a.row_number}: warning {a.warning_id} belongs to department "
                f"{warnings[a.warning_id]}, not {department}"
            )
    if reasons:
        raise FeedbackRefused(path, reasons)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    now = dt.datetime.now()
    rows = [
        (
            a.warning_id, a.handling_status, a.handled_on, a.handling_result, a.handling_unit,
            warnings[a.warning_id], path.name, sha, a.row_number, now,
        )
        for a in answers
    ]  # fmt: skip
    target = ensure_table(spark, settings, LAYER, TABLE, SCHEMA)
    updates = spark.createDataFrame(rows, SCHEMA)
    (
        DeltaTable.forPath(spark, target)
        .alias("t")
        .merge(
            updates.alias("s"),
            "t.warning_id = s.warning_id AND t.handled_on = s.handled_on "
            "AND t.handling_status = s.handling_status",
        )
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute()
    )
    return len(rows)
