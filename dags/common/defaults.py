"""Default task arguments (with the alerting on-failure callback) and the one Spark pool every
DAG of the lakehouse uses."""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import CronDataIntervalTimetable

from common.alerts import on_failure_alert

# Every task starts a Spark driver and writes Delta tables (ops.batch_log among them): the pool
# keeps one Spark job on the lake at a time, instead of 18 JVMs at once on a small machine and
# concurrent commits S3A cannot arbitrate (docs/pitfalls.md). `infra/main.sh` creates it;
# a scheduler does not run tasks of a pool that does not exist; `airflow dags test` ignores pools.
SPARK_POOL = "lakehouse_spark"

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "pool": SPARK_POOL,
    # a task that ends failed writes an alert record and an ALERT line (common/alerts.py)
    "on_failure_callback": on_failure_alert,
}

START_DATE = datetime(2024, 1, 1)


def daily():
    """One run per UTC day as a data interval: the 00:00 UTC run (08:00 Beijing) gets `ds` =
    the day that just ended, whose landing folder is complete. Plain "@daily" in Airflow 3 would
    give the day that is starting."""
    return CronDataIntervalTimetable("@daily", timezone="UTC")
