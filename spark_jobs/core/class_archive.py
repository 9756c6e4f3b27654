"""A class-data-sharing archive for the Spark JVM: every Spark process starts about 3 s sooner.

Half of a Spark JVM's start (`get_spark`: 6.5-7.4 s on the 2-core machine) is spent loading,
parsing and verifying the same tens of thousands of classes of Spark, Delta, Scala and Hadoop
from their jars. HotSpot's class-data sharing (CDS) maps them from an archive instead: a JVM
started with `-XX:ArchiveClassesAtExit=<file>` writes the classes it loaded into that file when
it exits, and one started with `-XX:SharedArchiveFile=<file>` maps them (JDK 13 and later).
Measured: `get_spark` 6.5-7.4 s -> 2.9-3.9 s; the first Delta write of a process 7.2-7.7 s ->
5.5-5.7 s. Every Spark process pays its start once: each Airflow task run by a scheduler
(34 a province day), each CLI command, each test process.

`python -m spark_jobs.core.class_archive` (run by `infra/setup.sh`) makes the archive once: a
training run starts Spark with the lakehouse's settings, writes, merges and reads a Delta table
in a temporary lake, and exits; the archive goes into `Settings.jvm_cache` (`.cache/jvm/`,
git-ignored; `LAKEHOUSE_JVM_CACHE`) through a temporary name and a rename. Its file name holds
a fingerprint of the JVM and of every jar on Spark's class path (name, size, time), so an
upgraded JDK or a new jar gets a new archive from the next setup, and `spark_conf` uses the
archive only when the one for the current fingerprint exists. HotSpot checks the archive again
when it maps it (the JVM build, each jar's size and time) and runs without it when anything
differs (`-Xshare:auto`, the default; it logs "Unable to use shared archive"): a stale or
broken archive costs the speed-up, never a wrong class or a failed start.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from spark_jobs.core.settings import Settings

# A training run loads a few classes HotSpot cannot archive (old class-file versions, generated
# accessors) and warns about each one; they are loaded from the jars as before.
_QUIET = "-Xlog:cds=off -Xlog:cds+dynamic=off"


def java_home() -> Path | None:
    """The JDK spark-submit starts: $JAVA_HOME, else the `java` on PATH (bin/spark-class)."""
    if os.environ.get("JAVA_HOME"):
        return Path(os.environ["JAVA_HOME"]).resolve()
    java = shutil.which("java")
    return Path(java).resolve().parent.parent if java else None


def _spark_jars() -> Path:
    """PySpark's own jars folder (Spark's class path), found without importing PySpark."""
    import importlib.util

    spec = importlib.util.find_spec("pyspark")
    if spec is None or spec.origin is None:
        raise RuntimeError("pyspark is not installed: run `bash infra/setup.sh`")
    return Path(spec.origin).parent / "jars"


def fingerprint(settings: Settings) -> str | None:
    """What the archive depends on: the JVM build and every jar on the class path (name, size,
    time), or None without a JDK."""
    home = java_home()
    if home is None:
        return None
    digest = hashlib.sha256(str(home).encode())
    jvm = [*home.glob("lib/server/libjvm.so"), *home.glob("lib/modules")]
    jars = sorted([*_spark_jars().glob("*.jar"), *settings.jars_dir.glob("*.jar")])
    for path in [*jvm, *jars]:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def archive_path(settings: Settings) -> Path | None:
    """Where the archive of the current JVM and jars is (or would be)."""
    key = fingerprint(settings)
    return settings.jvm_cache / f"spark-{key}.jsa" if key else None


def java_options(settings: Settings) -> str:
    """The driver JVM option that maps the archive, or "" when there is none yet."""
    path = archive_path(settings)
    if path is None or not path.is_file():
        return ""
    return f"-XX:SharedArchiveFile={path}"


def _train(settings: Settings, out: Path) -> None:
    """Start Spark as the lakehouse does, with the dump option, do what every task does first
    (Delta create, append, MERGE, read, a join and an aggregate, CSV and JSON), and exit:
    the JVM writes every class it loaded into `out` as it exits."""
    from delta.tables import DeltaTable
    from pyspark.sql import SparkSession

    from spark_jobs.core.session import spark_conf

    conf = spark_conf(settings)
    conf["spark.driver.extraJavaOptions"] = (
        " ".join(
            o for o in conf["spark.driver.extraJavaOptions"].split() if "SharedArchiveFile" not in o
        )
        + f" -XX:ArchiveClassesAtExit={out} {_QUIET}"
    )
    settings.spark_local_dir.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    table = str(settings.home / "training" / "table")
    rows = spark.range(200).selectExpr(
        "id", "cast(id % 7 AS string) AS k", "date_add(DATE'2024-06-28', cast(id % 3 AS int)) AS d"
    )
    rows.write.format("delta").save(table)
    rows.where("id < 50").write.format("delta").mode("append").save(table)
    (
        DeltaTable.forPath(spark, table)
        .alias("t")
        .merge(rows.where("id > 100").alias("s"), "t.id = s.id")
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute()
    )
    read = spark.read.format("delta").load(table)
    read.groupBy("k").count().join(read.select("k", "d").distinct(), "k").collect()
    read.createOrReplaceTempView("training")
    spark.sql(
        "SELECT k, row_number() OVER (PARTITION BY k ORDER BY id) AS n FROM training"
    ).collect()
    text = settings.home / "training" / "text"
    read.write.csv(str(text / "csv"), header=True)
    read.write.json(str(text / "json"))
    spark.read.csv(str(text / "csv"), header=True).count()
    spark.read.json(str(text / "json")).count()
    # The archive is written by the JVM's exit, which PySpark's gateway starts when its stdin
    # closes: wait for it here, so the caller finds the file complete when this process ends.
    gateway = spark.sparkContext._gateway
    if gateway is None:  # not a JVM this process started: nothing to wait for
        return
    jvm = gateway.proc
    spark.stop()
    jvm.stdin.close()
    jvm.wait(timeout=600)


def build(settings: Settings) -> Path | None:
    """Make the archive for the current JVM and jars unless it is there; returns its path
    (None when it could not be made: Spark then starts without it, as before)."""
    path = archive_path(settings)
    if path is None:
        print("class archive: no JDK found (JAVA_HOME, java on PATH)", file=sys.stderr)
        return None
    if path.is_file():
        print(f"class archive: up to date ({path.name})")
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="class-archive-") as home:
        env = {**os.environ, "LAKEHOUSE_HOME": home, "LAKEHOUSE_MODE": "local"}
        done = subprocess.run(  # noqa: S603 - this interpreter and module, no user input
            [sys.executable, "-m", "spark_jobs.core.class_archive", "--train", str(tmp)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        print(
            f"class archive: WARNING: the training run did not write it (exit {done.returncode});"
            f" Spark starts without it\n{tail}",
            file=sys.stderr,
        )
        return None
    for old in path.parent.glob("spark-*.jsa"):  # archives of an earlier JDK or jar set
        old.unlink()
    tmp.replace(path)
    size = path.stat().st_size / 2**20
    print(f"class archive: built {path.name} ({size:.0f} MB) in {time.monotonic() - started:.0f} s")
    return path


def main(argv: list[str]) -> int:
    """`python -m spark_jobs.core.class_archive`: build the archive unless it is up to date
    (always exits 0: the archive only makes starts faster). `--train <file>` is the child."""
    if argv[:1] == ["--train"] and len(argv) == 2:
        _train(Settings.from_env(), Path(argv[1]))
        return 0
    try:
        build(Settings.from_env())
    except Exception as error:  # an optimisation never fails setup
        print(
            f"class archive: WARNING: not built ({error}); Spark starts without it", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
