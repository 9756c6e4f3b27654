"""The pipeline's tasks, one function each; the Airflow DAG calls exactly these.

Each task takes the run date (the delivery date, `YYYY-MM-DD`), reads its settings from the
environment and gets the one SparkSession. Each is idempotent: re-running it for the same date
leaves the same tables and files.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import sys
import threading
from datetime import date

from spark_jobs.contracts import all_contracts, build_order
from spark_jobs.core.catalog import lake_tables
from spark_jobs.core.codegen import fit_to_lake
from spark_jobs.core.delta import table_rows
from spark_jobs.core.session import get_spark
from spark_jobs.core.settings import LAYERS, Settings
from spark_jobs.core.storage import Storage
from spark_jobs.exports import national as export
from spark_jobs.pipeline.gold_parts import GOLD_PARTS
from spark_jobs.pipeline.report import report_path
from spark_jobs.silver import build as silver

# The sources gold (dbt) reads today; silver and the gate cover every contract.
# Bronze is written by the ingest DAGs only.
SOURCES = ("supervision_items", "supervision_actions")
log = logging.getLogger(__name__)


def _ctx(run_date: str | date, warm: tuple[str, ...] = ()):
    """Settings, the session and the run date. `warm`: modules the task will import, imported
    on a thread while the JVM starts (Airflow runs each task in a new process: the gate's Great
    Expectations takes 6 s to import and dbt 3 s, each as long as the JVM's start)."""
    importer = threading.Thread(target=_import_all, args=(warm,), daemon=True)
    importer.start()
    settings = Settings.from_env()
    day = run_date if isinstance(run_date, date) else date.fromisoformat(str(run_date)[:10])
    spark = get_spark(settings)
    fit_to_lake(spark, settings)  # interpreted expressions on a small lake (core/codegen.py)
    importer.join()
    return settings, spark, day


def _import_all(modules: tuple[str, ...]) -> None:
    for module in modules:  # an import error is raised again where the task imports it
        with contextlib.suppress(ImportError):
            importlib.import_module(module)


def _contracts(settings: Settings):
    """Every contract in build order (a table after those it references)."""
    return build_order(all_contracts(settings.contract_dir))


def _has_table(spark, settings: Settings, layer: str, name: str) -> bool:
    from delta.tables import DeltaTable

    return DeltaTable.isDeltaTable(spark, settings.table_path(layer, name))


def build_silver(run_date) -> dict:
    """Silver for every source with bronze batches not yet in silver, or held rows that a
    changed reference may release (`silver.build_all`)."""
    settings, spark, _ = _ctx(run_date)
    return silver.build_all(spark, settings, _contracts(settings))


def quality_gate(run_date) -> dict:
    """Run the gate of every silver table, each on its own: a failing source is reported and
    does not stop the others. Every failed source is recorded for the run date
    (`quality/gate_record.py`): the gold tasks exclude its marts, so gold is never built on a
    table that failed its gate. The task itself fails only when the catalog or the actions
    (`SOURCES`, what the national export reads) failed; the other failures are in the result,
    the Data Docs and the quality report. A table that passed and has not changed since
    (same Delta commit, same suite) keeps its pass without a validation
    (`quality/gate_passed.py`); its entry says since which run date."""
    settings, spark, day = _ctx(run_date, warm=("great_expectations.data_context",))
    from spark_jobs.quality import gate_passed
    from spark_jobs.quality.gate import QualityGateFailed, enforce_quality_gate, gate_session
    from spark_jobs.quality.gate_record import write_gate_record

    out, failures, failed_sources, verdicts = {}, [], [], {}
    with gate_session(settings) as session:  # one GE project load, the Data Docs built once
        passed = gate_passed.passes(settings)  # read inside the project's lock
        for c in _contracts(settings):
            name = c.name
            if not _has_table(spark, settings, "silver", name):
                continue
            state = gate_passed.table_state(spark, settings, name)
            suite = gate_passed.suite_fingerprint(settings, name)
            kept = gate_passed.kept_pass(passed, name, state, suite)
            if kept is not None:
                log.info("quality gate %s: unchanged since its pass on %s", name, kept["run_date"])
                out[name] = gate_passed.kept_summary(settings, kept)
                continue
            try:
                result = enforce_quality_gate(
                    spark, settings, f"silver.{name}", name, run_name=str(day), session=session
                )
            except QualityGateFailed as exc:
                failed_sources.append(name)
                if name in SOURCES:
                    failures.append(exc)
                result = exc.result
            verdicts[name] = gate_passed.verdict(state, suite, day.isoformat(), result)
            out[name] = {
                "success": result.success,
                "evaluated": result.evaluated,
                "failed": result.failed,
                "data_docs": str(result.docs_index),
            }
        gate_passed.remember(settings, verdicts)
    write_gate_record(settings, day.isoformat(), failed_sources)  # gold excludes their marts
    if failures:
        error = QualityGateFailed("\n".join(str(f) for f in failures), failures[0].result)
        error.sources = sorted(failed_sources)  # type: ignore[attr-defined]  # the alert names them
        raise error  # the DAGs' on-failure callback records a quality_gate alert
    if failed_sources:  # the task goes on, gold holds their marts back: a warning alert
        from spark_jobs.core.alerts import record_alert

        record_alert(
            settings,
            kind="quality_gate",
            severity="warning",
            message=f"quality gate failed for {len(failed_sources)} source(s) on {day}; their "
            "gold marts are held back (Data Docs and the quality report say why)",
            run_date=day.isoformat(),
            sources=failed_sources,
        )
    return out


def build_gold(run_date) -> dict:
    """dbt builds, tests and publishes gold (`spark_jobs.gold.publish`): the eight
    repositories' marts, the cross-repository views, then the run date's coverage rate. A
    failing test publishes nothing (gold stays as it was). Returns rows per gold table
    (coverage_rate: the run date's rows) and the sources skipped for having no silver yet."""
    settings, spark, day = _ctx(run_date, warm=("dbt.cli.main",))
    from spark_jobs.gold.publish import build_and_publish

    result = build_and_publish(settings, day.isoformat())
    counts = {  # from the Delta checksums where they state them (core/delta.table_rows)
        t: table_rows(spark, location, f"gold.{t}")
        for layer, t, location in sorted(lake_tables(settings))
        if layer == "gold"
    }
    if "coverage_rate" in counts:
        counts["coverage_rate"] = (
            spark.table("gold.coverage_rate").where(f"run_date = DATE'{day.isoformat()}'").count()
        )
    return {
        "rows": counts,
        "skipped_sources": result["skipped_sources"],
        "held_by_gate": result["held_by_gate"],
    }


def build_gold_part(run_date, part: str, recompute_past: bool = False) -> dict:
    """`build_gold` for one part of `GOLD_PARTS` (dbt `tag:<part>`): its own write, audit and
    publish, so a failing test in one repository does not hold back the others. A re-run of
    a date before the newest published one keeps that date's indicators unless
    `recompute_past` (`spark_jobs.gold.publish`)."""
    from spark_jobs.gold.publish import build_without_spark

    if part not in GOLD_PARTS:
        raise ValueError(f"unknown gold part {part!r}: one of {sorted(GOLD_PARTS)}")
    day = run_date if isinstance(run_date, date) else date.fromisoformat(str(run_date)[:10])
    select = [f"tag:{part}"]
    # a part with nothing to build is known from the lake's files: no JVM, no dbt (publish.py)
    known = build_without_spark(Settings.from_env(), day.isoformat(), select, None, recompute_past)
    if known is not None:
        return known
    settings, _, day = _ctx(day, warm=("dbt.cli.main",))
    from spark_jobs.gold.publish import build_and_publish

    return build_and_publish(
        settings, day.isoformat(), select=select, recompute_past=recompute_past
    )


def export_national(run_date) -> dict:
    """The day's national batch (only what changed since the last batch not rejected), then
    the fix queue of the national feedback against what was sent."""
    from spark_jobs.exports.feedback import build_fix_queue

    settings, spark, day = _ctx(run_date)
    manifest = export.export(spark, settings, day)
    return {
        "batch_no": manifest["batch_no"],
        "location": manifest.get("location"),
        "skipped": manifest.get("skipped"),
        "records": {
            name: {k: d[k] for k in ("inserts", "updates", "deletes")}
            for name, d in manifest.get("datasets", {}).items()
        },
        "fix_queue": build_fix_queue(spark, settings),
    }


def report(run_date) -> dict:
    """What the run did, for people: rows per layer, quarantine, coverage, where things are."""
    from spark_jobs.dashboard import build_dashboard
    from spark_jobs.gold.docs_site import publish_docs, source_freshness
    from spark_jobs.gold.publish import unbuilt_sources
    from spark_jobs.quality.report import build_quality_reports

    settings, spark, day = _ctx(run_date)
    quality_reports = build_quality_reports(spark, settings, day)
    not_delivered, held = unbuilt_sources(spark, settings, day.isoformat())
    unbuilt = [*not_delivered, *held]
    freshness = source_freshness(settings, not_delivered, day.isoformat(), unbuilt)
    dbt_docs = publish_docs(settings, day.isoformat(), unbuilt)
    dashboard = build_dashboard(spark, settings, day)
    q = lambda sql: spark.sql(sql).collect()  # noqa: E731
    ops_rows = q(
        "SELECT source, stage, status, count(*) AS files, sum(rows_read) AS read, "
        "sum(rows_accepted) AS accepted, sum(rows_quarantined) AS quarantined, "
        "sum(rows_superseded) AS superseded "
        "FROM ops.batch_log GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    )
    delivered = q(
        "SELECT source, "  # noqa: S608 - day is a date
        "count_if(stage = 'bronze' AND status = 'ingested') AS files_ingested, "
        "count_if(stage = 'bronze' AND status = 'skipped_duplicate') AS files_skipped, "
        "count_if(stage = 'bronze' AND status = 'rejected') AS files_rejected, "
        "count_if(stage = 'bronze' AND status = 'waiting') AS files_waiting, "
        "sum(CASE WHEN stage = 'silver' THEN rows_read END) AS rows_read, "
        "sum(CASE WHEN stage = 'silver' THEN rows_accepted END) AS rows_accepted, "
        "sum(CASE WHEN stage = 'silver' THEN rows_quarantined END) AS rows_quarantined, "
        "sum(CASE WHEN stage = 'silver' THEN rows_superseded END) AS rows_superseded "
        f"FROM ops.batch_log WHERE delivery_date = DATE'{day}' GROUP BY 1 ORDER BY 1"
    )
    summary = {
        "run_date": day.isoformat(),
        "delivered": [r.asDict() for r in delivered],
        "mode": settings.mode,
        "rows": {  # from each table's Delta checksum where it states them (core/delta.py)
            f"{layer}.{t}": table_rows(spark, location, f"{layer}.{t}")
            for layer, t, location in sorted(
                lake_tables(settings), key=lambda x: LAYERS.index(x[0])
            )
            if layer in ("bronze", "silver", "gold") and t != "quarantine"
        },
        "quarantine_rows": spark.table("silver.quarantine").where("status = 'quarantined'").count(),
        "operations": [r.asDict() for r in ops_rows],
        "coverage": [
            {
                k: (str(v) if not isinstance(v, (int, bool, str)) else v)
                for k, v in r.asDict().items()
            }
            for r in q(
                "SELECT department_code, department_name, items_total, "  # noqa: S608 - day is a date
                "items_covered, coverage_rate, meets_80_target, "
                "meets_100_target FROM gold.coverage_rate "
                f"WHERE run_date = DATE'{day}' ORDER BY 1"
            )
        ],
        "export": f"{settings.exports_root}/{day}",
        "quality_report": quality_reports["html"],
        "rejection_workbooks": quality_reports["workbooks"],
        "data_docs": str(settings.data_docs_dir / "index.html"),
        "source_freshness": freshness,
        "gold_skipped_sources": not_delivered,
        "dbt_docs": str(dbt_docs),
        "dashboard": dashboard["html"],
        "headline": dashboard["headline"],
        "lake": settings.lake_root,
    }
    Storage.for_settings(settings)  # validates MinIO settings in minio mode
    path = report_path(settings.home, day.isoformat())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), "utf-8")
    return summary


TASKS = [build_silver, quality_gate, build_gold, export_national, report]


def run_all(run_date) -> dict:
    """Ingest this pipeline's sources (the ingest DAGs' own function), then run every task in
    order, all in this process (tests and the MinIO mode use this)."""
    from spark_jobs.ingest.task import ingest_source

    out: dict = {"ingest": {s: ingest_source(s, run_date)["outcome"] for s in SOURCES}}
    for task in TASKS:
        out[task.__name__] = task(run_date)
    return out


if __name__ == "__main__":  # python -m spark_jobs.pipeline.tasks <task> <date> [<part>]
    name, day, *rest = sys.argv[1:]
    result = run_all(day) if name == "all" else globals()[name](day, *rest)
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
