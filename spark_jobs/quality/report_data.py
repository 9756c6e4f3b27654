"""The figures of the quality report, read from the lake with Spark, as plain Python values.

Inputs (read by path, so a stale catalog cannot mislead; a missing table counts as empty):

- `ops.batch_log`, rows with stage `silver` and status `done`: one per file, with `rows_read`
  (and `rows_superseded` when the silver engine records it). A run is a delivery date; its
  batches are the files logged with that `delivery_date`.
- `silver.quarantine`: one row per problem (`spark_jobs.silver.quarantine.QUARANTINE_SCHEMA`).
- `silver.<source>`: the rows accepted, with `_batch_id` and, where the contract has one,
  `department_code` (and `department_name`, used for the department's name).

What the figures mean:

- **failed** rows: distinct (source, file, row) with at least one problem of severity `error`
  still `quarantined`; **warned**: rows kept with only warnings; **released**: rows held by an
  earlier delivery and released into silver by this one (`released_on`).
- per **source**: checked = rows read (ops); passed = checked - failed (rows superseded by a
  later row of the same key in the same delivery passed their checks and count as passed).
- per **department**: the row's `department_code`, or, when it is null (a provincial
  platform's feed such as 12345), the source's platform (`PLATFORMS`, default
  `province_platform`). passed = rows of `silver.<source>` from the run's batches, checked =
  passed + failed; a row superseded in its delivery or replaced by a later delivery is no
  longer in silver, so departments may add up to less than their sources.
- by **category**: failed rows with at least one error of that national check category (a row
  can count in several); top **reasons**: the message with the value cut out (and one of its English reasons).

The trend repeats the figures for the last `TREND_RUNS` delivery dates up to the run date.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from spark_jobs.core.settings import Settings
from spark_jobs.quality.report_model import (
    DEFAULT_PLATFORM,
    PLATFORM_NAMES,
    PLATFORMS,
    TOP_REASONS,
    TREND_RUNS,
    Figures,
    Reason,
    ReportData,
    Scope,
    top,
)

log = logging.getLogger(__name__)


# --- reading -------------------------------------------------------------------------------
def load_table(spark, settings: Settings, layer: str, name: str) -> DataFrame | None:
    """The Delta table at its lake path, or None when there is none."""
    from delta.tables import DeltaTable

    path = settings.table_path(layer, name)
    try:
        if not DeltaTable.isDeltaTable(spark, path):
            return None
    except Exception:  # an unreadable path (e.g. a bucket not there yet) is no table
        return None
    return spark.read.format("delta").load(path)


def department_key(source: F.Column, department_code: F.Column) -> F.Column:
    """The row's department code, or its source's platform when the code is empty."""
    platform = F.lit(DEFAULT_PLATFORM)
    for src, name in PLATFORMS.items():
        platform = F.when(source == src, F.lit(name)).otherwise(platform)
    code = F.trim(department_code)
    return F.when(code.isNull() | (code == ""), platform).otherwise(code)


def quarantine(spark, settings: Settings) -> DataFrame | None:
    """`silver.quarantine` with every column of QUARANTINE_SCHEMA (an older table without
    severity or status reads as errors still quarantined) and the department key `dept`."""
    from spark_jobs.silver.quarantine import QUARANTINE_SCHEMA

    q = load_table(spark, settings, "silver", "quarantine")
    if q is None:
        return None
    defaults = {"severity": F.lit("error"), "status": F.lit("quarantined")}
    for f in QUARANTINE_SCHEMA.fields:
        if f.name not in q.columns:
            q = q.withColumn(f.name, defaults.get(f.name, F.lit(None)).cast(f.dataType))
    return q.withColumn("dept", department_key(F.col("source"), F.col("department_code")))


def run_files(spark, settings: Settings, run_date: str, runs: int) -> list[dict]:
    """Silver's ops rows (one per file) of the last `runs` delivery dates up to the run date."""
    ops = load_table(spark, settings, "ops", "batch_log")
    if ops is None:
        return []
    ops = ops.where(
        (F.col("stage") == "silver")
        & (F.col("status") == "done")
        & (F.col("delivery_date") <= F.lit(run_date).cast("date"))
    ).withColumn("day", F.date_format("delivery_date", "yyyy-MM-dd"))
    days = [
        r.day for r in ops.select("day").distinct().orderBy(F.desc("day")).limit(runs).collect()
    ]
    superseded = F.col("rows_superseded") if "rows_superseded" in ops.columns else F.lit(0)
    rows = ops.where(F.col("day").isin(days)).select(
        "source",
        "source_file",
        "batch_id",
        "day",
        F.coalesce("rows_read", F.lit(0)).alias("rows_read"),
        F.coalesce(superseded, F.lit(0)).alias("rows_superseded"),
    )
    return [r.asDict() for r in rows.collect()]


def value_cut(column: str) -> F.Column:
    """The text with the delivered and standardised values replaced by `…` (for grouping)."""
    out = F.col(column)
    for v in ("value", "standardised_value"):
        present = F.col(v).isNotNull() & (F.length(v) > 0)
        out = F.when(present, F.replace(out, F.col(v), F.lit("…"))).otherwise(out)
    return out


def with_day(q: DataFrame, batches: DataFrame, dates: list[str]) -> DataFrame:
    """Quarantine rows of these delivery dates, with `day`: the date its batch was logged
    with, else the row's own delivery date."""
    b = F.broadcast(batches)
    on = (q["_batch_id"] == b["batch_id"]) & (q["source"] == b["b_source"])
    out = q.join(b, on, "left").drop("batch_id", "b_source")
    out = out.withColumn("day", F.coalesce("day", F.date_format("delivery_date", "yyyy-MM-dd")))
    return out.where(F.col("day").isin(dates))


def batches_frame(spark, files: list[dict]) -> DataFrame:
    return spark.createDataFrame(
        [(f["batch_id"], f["source"], f["day"]) for f in files if f["batch_id"]],
        "batch_id string, b_source string, day string",
    )


def run_problems(
    spark, settings: Settings, run_date: str, files: list[dict] | None = None
) -> DataFrame | None:
    """The run's problems a department must act on: errors still quarantined and warnings,
    sorted by department, source, file, row and field (what the workbooks list). `files`:
    `run_files` of the run, as `collect_report_data` had them."""
    q = quarantine(spark, settings)
    if q is None:
        return None
    if files is None:
        files = run_files(spark, settings, run_date, TREND_RUNS)
    q = with_day(q, batches_frame(spark, files), [run_date])
    q = q.where(failed_problems_condition() | (F.col("severity") == "warning"))
    return q.select(
        "dept",
        "source",
        "_source_file",
        "_row_number",
        "field",
        "field_zh",
        "value",
        "standardised_value",
        "category",
        "severity",
        "message",
        "reason",
    ).orderBy("dept", "severity", "source", "_source_file", "_row_number", "field")


def failed_problems_condition() -> F.Column:
    return (F.col("severity") == "error") & (F.col("status") == "quarantined")


def failed_problems(q: DataFrame) -> DataFrame:
    return q.where(failed_problems_condition())


def collect_report_data(
    spark,
    settings: Settings,
    run_date: str,
    *,
    files: list[dict] | None = None,
    trend_runs: int = TREND_RUNS,
    top_reasons: int = TOP_REASONS,
) -> ReportData:
    """Every figure of the report for `run_date` (a `YYYY-MM-DD` delivery date); `files` are
    `run_files(..., trend_runs)` when the caller has them already."""
    if files is None:
        files = run_files(spark, settings, run_date, trend_runs)
    dates = sorted({f["day"] for f in files} | {run_date})[-trend_runs:]
    batches = batches_frame(spark, files)
    sources = sorted({f["source"] for f in files})
    q = quarantine(spark, settings)
    rows, cats, released, reasons = [], [], [], []
    if q is not None:
        rows, cats, released, reasons = _quarantine_figures(q, batches, dates, run_date)
        sources = sorted(set(sources) | {r["source"] for r in rows})
    silver, names = _silver_figures(spark, settings, batches, sources)

    src_day: dict[tuple[str, str], Figures] = defaultdict(Figures)  # (source, day)
    dep_day: dict[tuple[str, str, str], Figures] = defaultdict(Figures)  # (dept, source, day)
    for f in files:
        fig = src_day[(f["source"], f["day"])]
        fig.files += 1
        fig.checked += f["rows_read"]
        fig.superseded += f["rows_superseded"]
    for r in rows:
        for fig in (src_day[(r["source"], r["day"])], dep_day[(r["dept"], r["source"], r["day"])]):
            fig.failed += r["failed"]
            fig.warned += r["warned"]
    for r in cats:
        for fig in (src_day[(r["source"], r["day"])], dep_day[(r["dept"], r["source"], r["day"])]):
            fig.categories[r["category"]] = fig.categories.get(r["category"], 0) + r["n"]
    for r in released:
        src_day[(r["source"], r["day"])].released += r["n"]
        dep_day[(r["dept"], r["source"], r["day"])].released += r["n"]
    for r in silver:
        dep_day[(r["dept"], r["source"], r["day"])].passed += r["n"]
    for fig in src_day.values():
        fig.checked = max(fig.checked, fig.failed)  # quarantine rows whose ops row is missing
        fig.passed = fig.checked - fig.failed
    for fig in dep_day.values():
        fig.checked = fig.passed + fig.failed

    def scope(key: str, name: tuple[str, str], per_source: dict, scope_reasons) -> Scope:
        trend = {d: Figures() for d in dates}
        by_source: dict[str, Figures] = {}
        for (src, day), fig in per_source.items():
            trend[day].add(fig)
            if day == run_date:
                by_source[src] = fig
        return Scope(
            key,
            name[0],
            name[1],
            trend[run_date],
            by_source,
            top(scope_reasons, top_reasons),
            sorted(trend.items()),
        )

    titles = _source_titles(settings, sources)
    source_scopes = [
        scope(
            s,
            titles[s],
            {(s, d): fig for (src, d), fig in src_day.items() if src == s},
            [r for r in reasons if r.source == s],
        )
        for s in sources
    ]
    depts = sorted({k[0] for k in dep_day}, key=lambda k: (not k.isdigit(), k))
    dept_scopes = [
        scope(
            k,
            names.get(k) or PLATFORM_NAMES.get(k) or ("", ""),
            {(src, d): fig for (dk, src, d), fig in dep_day.items() if dk == k},
            [r for r in reasons if r.dept == k],
        )
        for k in depts
    ]
    total = Figures()
    for s in source_scopes:
        total.add(s.figures)
    return ReportData(run_date, total, source_scopes, dept_scopes, dates)


def _quarantine_figures(q: DataFrame, batches: DataFrame, dates: list[str], run_date: str):
    """Failed and warned rows, failed rows per category, released rows (per day, source,
    department) and the run's reasons, from the quarantine."""
    q_days = with_day(q, batches, dates)
    err = failed_problems_condition()
    key = ["day", "source", "dept", "_source_file", "_row_number"]
    per_row = q_days.groupBy(key).agg(
        F.max(err.cast("int")).alias("failed"),
        F.max((F.col("severity") == "warning").cast("int")).alias("warned"),
        F.collect_set(F.when(err, F.coalesce("category", F.lit("")))).alias("cats"),
    )
    per_row = per_row.withColumn(
        "warned", F.when(F.col("failed") == 1, 0).otherwise(F.col("warned"))
    )
    per_row.cache()
    try:
        rows = per_row.groupBy("day", "source", "dept").agg(
            F.sum("failed").alias("failed"), F.sum("warned").alias("warned")
        )
        cats = (
            per_row.select("day", "source", "dept", F.explode("cats").alias("category"))
            .groupBy("day", "source", "dept", "category")
            .agg(F.count(F.lit(1)).alias("n"))
        )
        rows_out = [r.asDict() for r in rows.collect()]
        cats_out = [r.asDict() for r in cats.collect()]
    finally:
        per_row.unpersist()
    released = (
        q.where((F.col("status") == "released") & F.col("released_on").isNotNull())
        .withColumn("day", F.date_format("released_on", "yyyy-MM-dd"))
        .where(F.col("day").isin(dates))
        .groupBy("day", "source", "dept")
        .agg(F.countDistinct("_source_file", "_row_number").alias("n"))
    )
    run_reasons = (
        failed_problems(q_days.where(F.col("day") == run_date))
        .groupBy(
            "source",
            "dept",
            F.coalesce("category", F.lit("")).alias("category"),
            "field",
            F.coalesce("field_zh", "field").alias("field_zh"),
            value_cut("message").alias("message"),
        )
        .agg(
            F.min(value_cut("reason")).alias("reason"),  # an example: reasons name details
            F.countDistinct("_source_file", "_row_number").alias("rows"),
        )
    )
    reasons = [Reason(**r.asDict()) for r in run_reasons.collect()]
    return rows_out, cats_out, [r.asDict() for r in released.collect()], reasons


def _silver_figures(spark, settings: Settings, batches: DataFrame, sources: list[str]):
    """Rows in `silver.<source>` per (day, source, department) of the trend's batches, and the
    most used name of each department code."""
    out: list[dict] = []
    name_counts: dict[str, Counter] = defaultdict(Counter)
    frames = []
    for source in sources:
        t = load_table(spark, settings, "silver", source)
        if t is None or "_batch_id" not in t.columns:
            continue
        code = F.col("department_code") if "department_code" in t.columns else F.lit(None)
        name = F.col("department_name") if "department_name" in t.columns else F.lit(None)
        frames.append(
            t.select(
                "_batch_id",
                F.lit(source).alias("source"),
                department_key(F.lit(source), code.cast("string")).alias("dept"),
                name.cast("string").alias("name"),
            )
        )
    if not frames:
        return out, {}
    # One Spark job for every source (a job per source cost about 1.5 s each).
    rows = frames[0]
    for frame in frames[1:]:
        rows = rows.unionByName(frame)
    b = F.broadcast(batches)
    counts = (
        rows.join(b, (F.col("_batch_id") == b["batch_id"]) & (F.col("source") == b["b_source"]))
        .groupBy("source", "day", "dept", "name")
        .agg(F.count(F.lit(1)).alias("n"))
    )
    for r in sorted(counts.collect(), key=lambda r: (r.source, r.day, r.dept or "", r.name or "")):
        out.append({"day": r.day, "source": r.source, "dept": r.dept, "n": r.n})
        if r.name:
            name_counts[r.dept][r.name] += r.n
    names = {k: (c.most_common(1)[0][0], "") for k, c in name_counts.items()}
    return out, names


def _source_titles(settings: Settings, sources: list[str]) -> dict[str, tuple[str, str]]:
    """(Chinese, English) title of each source from its contract, its name when it has none."""
    from spark_jobs.contracts import get_contract

    titles = {}
    for s in sources:
        try:
            t = get_contract(s, settings.contract_dir).title
            titles[s] = (t.get("zh", s), t.get("en", s))
        except Exception as exc:  # a source whose contract is gone or broken keeps its figures
            log.warning("quality report: no title for %s (%s)", s, exc)
            titles[s] = (s, s)
    return titles
