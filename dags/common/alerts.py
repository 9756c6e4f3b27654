"""The on-failure callback every DAG of the lakehouse shares (`DEFAULT_ARGS`), and the failures
that name what they are about.

When a task ends failed (after its retries), the callback writes one alert record
(`spark_jobs.core.alerts`: a JSON line under `<home>/alerts/`, no Spark needed, so a dead JVM
still alerts) with the DAG, task, run, run date, try, the exception and the task log folder,
and logs one `ALERT ...` line in the task log. The kind comes from the exception: a failed
quality gate (`QualityGateFailed`, with the sources that failed) is `quality_gate`, a late feed
(`LateFeeds`, raised by the housekeeping DAG) is `late_feed`, anything else `task_failed`.
"""

from __future__ import annotations

import logging
import re

from airflow.sdk.exceptions import AirflowFailException

log = logging.getLogger(__name__)

_GATE_TABLE = re.compile(r"quality gate failed for silver\.(\w+)")


class LateFeeds(AirflowFailException):
    """Sources whose delivery did not arrive by its expected time (no retry: a retry five
    minutes later would find the same empty folder; re-run the check once files are there)."""

    alert_kind = "late_feed"

    def __init__(self, message: str, sources: list[str]) -> None:
        super().__init__(message)
        self.sources = sorted(sources)


def _kind_and_sources(error) -> tuple[str, list[str]]:
    if error is None:
        return "task_failed", []
    kind = getattr(error, "alert_kind", None)
    sources = list(getattr(error, "sources", None) or [])
    if kind is None and type(error).__name__ == "QualityGateFailed":
        kind = "quality_gate"
        sources = sources or _GATE_TABLE.findall(str(error))
    return kind or "task_failed", sources


def _run_date(context) -> str | None:
    from common.assets import run_date

    try:
        return run_date(context.get("ds"), context.get("triggering_asset_events"))
    except (ValueError, KeyError, AttributeError, TypeError):
        return None


def on_failure_alert(context) -> None:
    """Airflow's `on_failure_callback`: one alert record and one log line; never raises."""
    try:
        from spark_jobs.core.alerts import record_alert
        from spark_jobs.core.settings import Settings

        ti = context.get("ti") or context.get("task_instance")
        error = context.get("exception")
        kind, sources = _kind_and_sources(error)
        dag_id = getattr(ti, "dag_id", None)
        task_id = getattr(ti, "task_id", None)
        run_id = context.get("run_id") or getattr(ti, "run_id", None)
        message = str(error) if error is not None else "task failed (no exception in context)"
        record_alert(
            Settings.from_env(),
            kind=kind,
            severity="error",
            message=f"{dag_id}.{task_id} failed: {message}",
            dag_id=dag_id,
            task_id=task_id,
            run_id=run_id,
            run_date=_run_date(context),
            try_number=getattr(ti, "try_number", None),
            sources=sources,
            exception=f"{type(error).__name__}: {message}" if error is not None else None,
            log_hint=f"$AIRFLOW_HOME/logs/dag_id={dag_id}/run_id={run_id}/task_id={task_id}/",
        )
    except Exception:  # an alert that cannot be written must not hide the task's own error
        log.exception("ALERT could not be recorded for %s", context.get("ti"))
