"""No secret on any process's command line (issue 12): a process's arguments are readable by
every user of the machine (`ps`, /proc/<pid>/cmdline). PySpark starts its JVM with every
builder setting as a `--conf` argument, so the MinIO keys must not be builder settings.

A job process (get_spark, a Delta write to MinIO) and the `infra/spark-sql` shell run for real
while every process's command line is read again and again; the secret key must never show,
and both must still reach MinIO with it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spark_jobs.core.settings import REPO_ROOT

pytestmark = pytest.mark.minio

BUCKET = "cmdline"
JOB = """
from spark_jobs.core.session import get_spark
spark = get_spark(register=False)
spark.range(3).write.format("delta").mode("overwrite").save("s3a://cmdline/lake/probe")
print("rows", spark.read.format("delta").load("s3a://cmdline/lake/probe").count())
"""


def _command_lines() -> dict[int, str]:
    out = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                out[int(proc.name)] = (
                    (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                )
            except OSError:
                continue  # gone in the meantime
    return out


def _run_watching(
    cmd: list[str], env: dict[str, str], secret: str, log: Path
) -> tuple[str, set[str], bool]:
    """Run `cmd` to the end; return its output, every command line that held `secret`, and
    whether a Spark JVM was seen (so the watch did overlap the launch)."""
    with log.open("w") as err:
        proc = subprocess.Popen(
            cmd, env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=err, text=True
        )
    leaked, jvm_seen = set(), False
    while proc.poll() is None:
        for line in _command_lines().values():
            if secret in line:
                leaked.add(line[:300])
            jvm_seen |= "org.apache.spark.deploy.SparkSubmit" in line
        time.sleep(0.05)
    output = proc.stdout.read()
    assert proc.returncode == 0, output[-2000:] + log.read_text()[-3000:]
    return output, leaked, jvm_seen


def test_minio_keys_never_appear_on_a_command_line(minio_server, tmp_path):
    minio_server.client().make_bucket(BUCKET)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LAKEHOUSE_")},
        "LAKEHOUSE_HOME": str(tmp_path / "home"),
        "LAKEHOUSE_MODE": "minio",
        "LAKEHOUSE_MINIO_ENDPOINT": minio_server.endpoint,
        "LAKEHOUSE_MINIO_ACCESS_KEY": minio_server.access_key,
        "LAKEHOUSE_MINIO_SECRET_KEY": minio_server.secret_key,
        "LAKEHOUSE_MINIO_BUCKET": BUCKET,
        "LAKEHOUSE_MASKING_KEY": "a-key-for-this-test-only",
    }
    secret = minio_server.secret_key
    assert len(secret) >= 8

    output, leaked, jvm_seen = _run_watching(
        [sys.executable, "-c", JOB], env, secret, tmp_path / "job.log"
    )
    assert "rows 3" in output
    assert jvm_seen and leaked == set()

    query = "SELECT count(*) AS n FROM delta.`s3a://cmdline/lake/probe`"
    output, leaked, jvm_seen = _run_watching(
        [str(REPO_ROOT / "infra" / "spark-sql"), "-e", query], env, secret, tmp_path / "sql.log"
    )
    assert output.split() == ["3"]
    assert jvm_seen and leaked == set()
