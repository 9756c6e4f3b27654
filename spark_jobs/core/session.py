"""The one SparkSession factory: every job, test, the dbt runner and `infra/spark-sql` use it.

Delta, the local jars, S3A and the catalog implementation are configured here and nowhere else;
which tables the catalog names is `catalog.py`'s job.

Credentials never go into the launch configuration: PySpark starts the JVM with every builder
setting as a `--conf key=value` argument of spark-submit, and a process's arguments are
readable by every user of the machine (`ps`, /proc/<pid>/cmdline). The MinIO keys are set on
the running session's Hadoop configuration instead (`s3a_credentials`), before anything reads
s3a://; `infra/spark-sql` passes them in a private properties file.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator, Mapping

from spark_jobs.core.catalog import register_lake_tables, registration_sql
from spark_jobs.core.class_archive import java_options
from spark_jobs.core.jit import jit_options
from spark_jobs.core.settings import Settings

log = logging.getLogger(__name__)


def spark_conf(settings: Settings) -> dict[str, str]:
    """Every Spark setting the lakehouse needs, as plain key/value pairs."""
    jars = sorted(str(p) for p in settings.jars_dir.glob("*.jar"))
    if not any("delta-spark" in j for j in jars):
        raise RuntimeError(
            f"No Delta jars in {settings.jars_dir}: run `bash infra/setup.sh` first "
            "(it resolves them with Maven from infra/pom.xml)."
        )
    conf = {
        "spark.master": settings.spark_master,
        "spark.app.name": "supervision-lakehouse",
        # On the JVM's class path at launch: nothing is copied (spark.jars would copy the 600 MB
        # AWS SDK bundle at every start) and nothing is resolved at run time.
        "spark.driver.extraClassPath": str(settings.jars_dir / "*"),
        "spark.executor.extraClassPath": str(settings.jars_dir / "*"),
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.sql.catalogImplementation": "in-memory",
        "spark.sql.warehouse.dir": settings.warehouse_dir,
        "spark.local.dir": str(settings.spark_local_dir),
        "spark.sql.session.timeZone": "Asia/Shanghai",
        "spark.sql.shuffle.partitions": "4",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # Small tables: rebuilding a Delta snapshot with the default 50 partitions costs seconds.
        "spark.databricks.delta.snapshotPartitions": "2",
        "spark.driver.memory": "2g",
        "spark.sql.ansi.enabled": "true",
        # PySpark otherwise records the Python call site of every Column function in the JVM
        # (four py4j round trips each): a quarter of silver's plan building, 12,000 calls for
        # the province's 18 contracts. Errors still name the failing expression and field.
        "spark.python.sql.dataFrameDebugging.enabled": "false",
        # With a byte limit per Arrow batch, Spark measures the batch it is filling for a
        # Python UDF after every row, and measuring an array column walks the whole batch:
        # 14 % of silver's JVM time at 1 M actions (a profile). Int.MaxValue turns the
        # measuring off; batches stay bounded by maxRecordsPerBatch (10,000 rows)
        # (docs/pitfalls.md).
        "spark.sql.execution.arrow.maxBytesPerBatch": "2147483647",
        # Python workers run the same interpreter (the project's venv) as the driver.
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
        # Spark 4 refuses GBK unless the legacy charset list is enabled (docs/pitfalls.md).
        "spark.sql.legacy.javaCharsets": "true",
        "spark.databricks.delta.schema.autoMerge.enabled": "false",
        "spark.databricks.delta.retentionDurationCheck.enabled": "true",
        # Every table this session creates gets deletion vectors: a MERGE that updates three
        # rows marks them in a small vector file instead of copying the rest of their Parquet
        # files (114,360 rows copied per day into gold.inspections at day 30 without them).
        # Older lakes: `python -m spark_jobs.core.maintenance deletion-vectors` (docs/pitfalls.md).
        "spark.databricks.delta.properties.defaults.enableDeletionVectors": "true",
        # The class-data-sharing archive, when setup made it: the JVM starts ~3 s sooner. The
        # JIT compiler chosen by the lake's size (core/jit.py): C1 only on a small lake. The
        # throughput collector: a batch job needs no short pauses, and G1's concurrent marking
        # threads took 5-10 % of the JVM's CPU on two cores (README, "Silver on two threads").
        "spark.driver.extraJavaOptions": " ".join(
            o
            for o in (
                f"-Dderby.system.home={settings.spark_local_dir}",
                "-XX:+UseParallelGC",
                java_options(settings),
                jit_options(settings),
            )
            if o
        ),
    }
    if settings.mode == "minio":
        conf.update(s3a_conf(settings))
    return conf


def s3a_conf(settings: Settings) -> dict[str, str]:
    """S3A for MinIO: path-style, plain http on loopback, a non-empty region (docs/pitfalls.md)."""
    if not settings.minio_access_key or not settings.minio_secret_key:
        raise RuntimeError(
            "LAKEHOUSE_MODE=minio needs LAKEHOUSE_MINIO_ACCESS_KEY and LAKEHOUSE_MINIO_SECRET_KEY"
        )
    return {
        "spark.hadoop.fs.s3a.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "spark.hadoop.fs.s3a.endpoint": settings.minio_endpoint,
        "spark.hadoop.fs.s3a.endpoint.region": settings.minio_region,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": (
            settings.minio_endpoint.startswith("https") and "true"
        )
        or "false",
        "spark.hadoop.fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "spark.hadoop.fs.s3a.change.detection.mode": "none",
        # MinIO gone mid-run: the task fails in about 20 s instead of S3A's default retries
        # (measured 319 s for one read on a closed port); three tries still ride out a blip
        "spark.hadoop.fs.s3a.attempts.maximum": "3",
        "spark.hadoop.fs.s3a.retry.limit": "3",
        "spark.hadoop.fs.s3a.connection.establish.timeout": "5s",
        "spark.hadoop.fs.s3a.fast.upload": "true",
    }


def s3a_credentials(settings: Settings) -> dict[str, str]:
    """The MinIO keys, kept out of `spark_conf` (see the module docstring)."""
    return {
        "spark.hadoop.fs.s3a.access.key": settings.minio_access_key,
        "spark.hadoop.fs.s3a.secret.key": settings.minio_secret_key,
    }


def apply_storage_conf(spark, settings: Settings) -> None:
    """Point a running session at the settings' storage, credentials included: every new
    session (get_spark), and tests that switch to MinIO mid-run."""
    if settings.mode != "minio":
        return
    hconf = spark.sparkContext._jsc.hadoopConfiguration()
    for key, value in {**s3a_conf(settings), **s3a_credentials(settings)}.items():
        hconf.set(key.removeprefix("spark.hadoop."), value)


def get_spark(settings: Settings | None = None, register: bool = True):
    """Return the process's SparkSession (creating it once) with the lake's tables registered."""
    from pyspark.sql import SparkSession

    settings = settings or Settings.from_env()
    if settings.mode == "minio":  # before the JVM starts: one clear line if MinIO is unusable
        from spark_jobs.core.storage import MinioStorage

        MinioStorage(settings).check()
    active = SparkSession.getActiveSession()
    if active is None:
        settings.spark_local_dir.mkdir(parents=True, exist_ok=True)
        builder = SparkSession.builder
        for key, value in spark_conf(settings).items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        # UDFs (pandas UDFs for identifier checks) run in Python workers started with
        # `SparkContext.pythonExec`, which PySpark reads from $PYSPARK_PYTHON (else `python3`, the
        # wrong interpreter) and not from spark.pyspark.python: point it at this interpreter,
        # where the project and its dependencies are installed, without touching os.environ.
        spark.sparkContext.pythonExec = sys.executable
    else:
        spark = active
    apply_storage_conf(spark, settings)
    if register:
        register_lake_tables(spark, settings)
    return spark


@contextlib.contextmanager
def session_conf(spark, values: Mapping[str, str | None]) -> Iterator[None]:
    """Runtime SQL settings for the duration of a block (None: unset), then each put back as
    it was before (unset if it was unset), also when the block fails."""
    before = {key: spark.conf.get(key, None) for key in values}
    try:
        put_conf(spark, values)
        yield
    finally:
        put_conf(spark, before)


def put_conf(spark, values: Mapping[str, str | None]) -> None:
    """Set runtime SQL settings on the session (None: unset, back to Spark's default)."""
    for key, value in values.items():
        if value is None:
            spark.conf.unset(key)
        else:
            spark.conf.set(key, value)


def main(argv: list[str]) -> int:
    """`python -m spark_jobs.core.session conf|init-sql`: used by infra/spark-sql, which
    writes `conf` (credentials included, in minio mode) to a file only its user can read."""
    settings = Settings.from_env()
    if argv[:1] == ["conf"]:
        conf = spark_conf(settings)
        if settings.mode == "minio":
            conf.update(s3a_credentials(settings))
        for key, value in conf.items():
            if key not in ("spark.sql.catalogImplementation", "spark.master"):
                print(f"{key}={value}")
        return 0
    if argv[:1] == ["init-sql"]:
        sys.stdout.write(registration_sql(settings))
        return 0
    print("usage: python -m spark_jobs.core.session conf|init-sql", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
