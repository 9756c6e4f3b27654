"""The one SparkSession factory: every job, test, the dbt runner and `infra/spark-sql` use it.

Delta, the local jars, S3A and the catalog are configured here and nowhere else.

Catalog choice: the lake is the catalog. Spark keeps an in-process catalog, and at start every
Delta table found under `<lake>/<layer>/<table>` is registered by name as `<layer>.<table>`
(path-based, external). Nothing is shared between processes but the Delta logs themselves, so two
Spark processes at once can neither lock nor corrupt a metastore, and a new process (a fresh
`spark-sql`, a later Airflow task) sees every table by name. See README, "Catalog".
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from .settings import LAYERS, REPO_ROOT, Settings

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
        # Python workers run the same interpreter (the project's venv) as the driver.
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
        # Spark 4 refuses GBK unless the legacy charset list is enabled (PITFALLS.md).
        "spark.sql.legacy.javaCharsets": "true",
        "spark.databricks.delta.schema.autoMerge.enabled": "false",
        "spark.databricks.delta.retentionDurationCheck.enabled": "true",
        "spark.driver.extraJavaOptions": "-Dderby.system.home=" + str(settings.spark_local_dir),
    }
    if settings.mode == "minio":
        conf.update(s3a_conf(settings))
    return conf


def s3a_conf(settings: Settings) -> dict[str, str]:
    """S3A for MinIO: path-style, plain http on loopback, a non-empty region (PITFALLS.md)."""
    if not settings.minio_access_key or not settings.minio_secret_key:
        raise RuntimeError(
            "LAKEHOUSE_MODE=minio needs LAKEHOUSE_MINIO_ACCESS_KEY and LAKEHOUSE_MINIO_SECRET_KEY"
        )
    return {
        "spark.hadoop.fs.s3a.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "spark.hadoop.fs.s3a.endpoint": settings.minio_endpoint,
        "spark.hadoop.fs.s3a.endpoint.region": settings.minio_region,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": settings.minio_endpoint.startswith("https")
        and "true" or "false",
        "spark.hadoop.fs.s3a.access.key": settings.minio_access_key,
        "spark.hadoop.fs.s3a.secret.key": settings.minio_secret_key,
        "spark.hadoop.fs.s3a.aws.credentials.provider":
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "spark.hadoop.fs.s3a.change.detection.mode": "none",
        "spark.hadoop.fs.s3a.fast.upload": "true",
    }


def apply_storage_conf(spark, settings: Settings) -> None:
    """Point an existing session at the settings' storage (tests switch to MinIO mid-run)."""
    if settings.mode != "minio":
        return
    hconf = spark.sparkContext._jsc.hadoopConfiguration()
    for key, value in s3a_conf(settings).items():
        hconf.set(key.removeprefix("spark.hadoop."), value)


def get_spark(settings: Settings | None = None, register: bool = True):
    """Return the process's SparkSession (creating it once) with the lake's tables registered."""
    from pyspark.sql import SparkSession

    settings = settings or Settings.from_env()
    active = SparkSession.getActiveSession()
    if active is None:
        settings.spark_local_dir.mkdir(parents=True, exist_ok=True)
        # Python workers import spark_jobs (UDFs): they inherit this from the launched JVM.
        paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        if str(REPO_ROOT) not in paths:
            os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), *paths])
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = SparkSession.builder
        for key, value in spark_conf(settings).items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
    else:
        spark = active
        apply_storage_conf(spark, settings)
    if register:
        register_lake_tables(spark, settings)
    return spark


def lake_tables(settings: Settings) -> list[tuple[str, str, str]]:
    """(layer, table, location) of every Delta table in the lake, found without starting Spark."""
    found = []
    if settings.mode == "minio":
        from .storage import MinioStorage

        client = MinioStorage(settings)
        for layer in LAYERS:
            for obj in client.client.list_objects(client.bucket, prefix=f"lake/{layer}/"):
                table = obj.object_name.rstrip("/").rsplit("/", 1)[-1]
                probe = client.client.list_objects(
                    client.bucket, prefix=f"lake/{layer}/{table}/_delta_log/")
                if obj.is_dir and next(iter(probe), None) is not None:
                    found.append((layer, table, settings.table_path(layer, table)))
        return found
    for layer in LAYERS:
        base = Path(settings.lake_root) / layer
        if base.is_dir():
            for child in sorted(base.iterdir()):
                if (child / "_delta_log").is_dir():
                    found.append((layer, child.name, settings.table_path(layer, child.name)))
    return found


def register_lake_tables(spark, settings: Settings) -> list[str]:
    """Register every Delta table under the lake as `<layer>.<table>`; return their names."""
    for layer in LAYERS:
        spark.sql(f"CREATE DATABASE IF NOT EXISTS {layer}")
    names = []
    for layer, table, location in lake_tables(settings):
        register_table(spark, layer, table, location)
        names.append(f"{layer}.{table}")
    # Names left from another lake (tests, a moved lake) must not be read by mistake.
    for stale in set(_registered) - set(names):
        spark.sql(f"DROP TABLE IF EXISTS {stale}")  # external: the files stay
        del _registered[stale]
    return names


_registered: dict[str, str] = {}


def register_table(spark, layer: str, table: str, location: str) -> None:
    """Name a path-based Delta table in this session's catalog (no-op when already there).

    A name that points at another location (a test's other lake, a moved lake) is re-pointed;
    dropping an external table's name never deletes its files.
    """
    name = f"{layer}.{table}"
    if _registered.get(name) == location and spark.catalog.tableExists(name):
        return
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {layer}")
    if name in _registered or spark.catalog.tableExists(name):
        spark.sql(f"DROP TABLE IF EXISTS {name}")
    spark.sql(f"CREATE TABLE {name} USING DELTA LOCATION '{location}'")
    _registered[name] = location


def registration_sql(settings: Settings) -> str:
    """The SQL a non-Python client (the spark-sql CLI) runs at start to see the lake's tables."""
    lines = [f"CREATE DATABASE IF NOT EXISTS {layer};" for layer in LAYERS]
    lines += [f"CREATE TABLE IF NOT EXISTS {layer}.{table} USING DELTA LOCATION '{location}';"
              for layer, table, location in lake_tables(settings)]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """`python -m spark_jobs.session conf|init-sql`: used by infra/spark-sql."""
    settings = Settings.from_env()
    if argv[:1] == ["conf"]:
        for key, value in spark_conf(settings).items():
            if key not in ("spark.sql.catalogImplementation", "spark.master"):
                print(f"{key}={value}")
        return 0
    if argv[:1] == ["init-sql"]:
        sys.stdout.write(registration_sql(settings))
        return 0
    print("usage: python -m spark_jobs.session conf|init-sql", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
