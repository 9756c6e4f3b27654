"""Daily housekeeping of the lakehouse: late feeds, compaction, vacuum, pruning.

- `late_feeds`: every source expected daily (`spark_jobs/core/arrivals.yaml`) that has no file
  in `landing/<source>/<ds>/` although its expected time has passed fails this task with
  `LateFeeds`, and so does a paged dump of the day still lacking pages once its time has passed
  (bronze holds its pages `waiting`); the shared on-failure callback records a `late_feed` alert
  naming the sources and logs it. Landing zone only, no Spark.
- `optimize_tables`, then `vacuum_tables`: OPTIMIZE every Delta table of the lake, then VACUUM
  with a retention that keeps the exports' time travel (`LAKEHOUSE_VACUUM_RETENTION_HOURS`,
  default 720 h; below Delta's 7 days only with `LAKEHOUSE_VACUUM_ALLOW_SHORT_RETENTION=1`).
- `prune_quality_outputs`: validation results, Data Docs pages, quality and run reports and
  gate records older than `LAKEHOUSE_QUALITY_RETENTION_DAYS` (default 90).

Thin on purpose: each task calls one function of `spark_jobs.core` and returns what it did
(tables, files removed, bytes). Runs at 00:00 UTC with `ds` = the day that ended, in the
`lakehouse_spark` pool like every Spark task, so it never compacts a table the pipeline is
writing. Every step is idempotent.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from common.alerts import LateFeeds
from common.defaults import DEFAULT_ARGS, START_DATE, daily
from common.xcom import to_xcom


@dag(
    dag_id="lakehouse_housekeeping",
    description="late feeds → alerts; OPTIMIZE + VACUUM the Delta tables; prune quality outputs",
    schedule=daily(),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["housekeeping", "alerts"],
    doc_md=__doc__,
)
def lakehouse_housekeeping():
    @task(task_id="late_feeds", retries=0)
    def late_feeds(ds=None):
        """spark_jobs.core.arrivals.late_feeds for the day that ended."""
        from spark_jobs.core.arrivals import describe_late, late_feeds
        from spark_jobs.core.settings import Settings

        result = to_xcom(late_feeds(Settings.from_env(), ds))
        if result["late"] or result["incomplete"]:
            sources = {e["source"] for e in result["late"] + result["incomplete"]}
            raise LateFeeds(describe_late(result), sorted(sources))
        return result

    @task(task_id="optimize_tables")
    def optimize_tables():
        """spark_jobs.core.maintenance.optimize_tables on every table of the lake, after
        enable_deletion_vectors and drop_unread_change_feeds (nothing to do on a lake made
        with deletion vectors and dbt's per-mart change data feed)."""
        from spark_jobs.core import maintenance
        from spark_jobs.core.session import get_spark
        from spark_jobs.core.settings import Settings
        from spark_jobs.exports.datasets import feed_tables

        settings = Settings.from_env()
        spark = get_spark(settings)
        upgraded = maintenance.enable_deletion_vectors(spark, settings)
        feeds = maintenance.drop_unread_change_feeds(spark, settings, feed_tables())
        return to_xcom(
            {
                **maintenance.optimize_tables(spark, settings),
                "deletion_vectors": upgraded,
                "change_feeds": feeds,
            }
        )

    @task(task_id="vacuum_tables")
    def vacuum_tables():
        """spark_jobs.core.maintenance.vacuum_tables with the configured retention."""
        from spark_jobs.core.maintenance import vacuum_tables
        from spark_jobs.core.session import get_spark
        from spark_jobs.core.settings import Settings

        settings = Settings.from_env()
        return to_xcom(vacuum_tables(get_spark(settings), settings))

    @task(task_id="prune_quality_outputs")
    def prune_quality_outputs():
        """spark_jobs.core.maintenance.prune_quality_outputs (no Spark)."""
        from spark_jobs.core.maintenance import prune_quality_outputs
        from spark_jobs.core.settings import Settings

        return to_xcom(prune_quality_outputs(Settings.from_env()))

    late_feeds()
    optimize_tables() >> vacuum_tables()
    prune_quality_outputs()


lakehouse_housekeeping()
