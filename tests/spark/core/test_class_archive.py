"""The class archive `infra/setup.sh` built is what a lakehouse Spark process maps, and a broken
one does not stop Spark from starting (spark_jobs/core/class_archive.py). Real JVMs, started in
child processes: the shared session of the tests started before these settings could matter."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest

from spark_jobs.core import class_archive
from spark_jobs.core.settings import Settings

pytestmark = pytest.mark.slow

START = "from spark_jobs.core.session import get_spark; print('rows', get_spark().range(3).count())"


def start_spark(tmp_path, **env) -> tuple[str, list[str]]:
    """Start Spark as every task does, in a child; return its output and the class-load log
    lines of its driver JVM (the largest log: spark-submit's launcher JVM writes one too)."""
    logs = tmp_path / "class-load"
    logs.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", START],
        env={
            **os.environ,
            "LAKEHOUSE_HOME": str(tmp_path / "lake"),
            "LAKEHOUSE_MODE": "local",
            "JAVA_TOOL_OPTIONS": f"-Xlog:class+load=info:file={logs}/load-%p.log",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    driver = max(logs.iterdir(), key=lambda p: p.stat().st_size)
    return done.stdout + done.stderr, driver.read_text("utf-8", "replace").splitlines()


def test_spark_maps_the_archive_setup_built(tmp_path):
    path = class_archive.archive_path(Settings.from_env())
    assert path is not None and path.is_file(), f"infra/setup.sh did not build {path}"
    out, loaded = start_spark(tmp_path)
    assert "rows 3" in out
    shared = [line for line in loaded if "source: shared objects file (top)" in line]
    # Spark, Delta, Scala and Hadoop classes come from the archive, not from their jars
    assert len(shared) > 5000, (len(shared), len(loaded))
    assert any("org.apache.spark.SparkContext " in line for line in shared)


def test_a_broken_archive_costs_the_speed_up_not_the_start(tmp_path):
    cache = tmp_path / "jvm"
    settings = Settings.from_env()
    broken = cache / class_archive.archive_path(settings).name
    cache.mkdir()
    broken.write_bytes(b"not an archive" * 100)
    out, loaded = start_spark(tmp_path, LAKEHOUSE_JVM_CACHE=str(cache))
    assert "rows 3" in out
    # the child was given the broken archive, and ran without it
    in_cache = dataclasses.replace(settings, jvm_cache=cache)
    assert class_archive.java_options(in_cache) == f"-XX:SharedArchiveFile={broken}"
    assert not [line for line in loaded if "shared objects file (top)" in line]
