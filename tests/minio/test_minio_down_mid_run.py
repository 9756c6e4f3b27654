"""MinIO taken away in the middle of a day, on real processes: the run fails in bounded time
with a message that names the endpoint; MinIO back (same port, keys and data), the rerun
finishes the day with the counts of a run that was never interrupted, the lake and the
national export in the bucket (the whole pipeline in MinIO mode: the run stopped before any
gold or export was written, so what the rerun leaves is a first day's)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from spark_jobs.core.settings import Settings
from spark_jobs.core.storage import MinioStorage
from spark_jobs.ingest.landing import stage_landing
from tests.faults.processes import DAY, DEMO, REPO, run_child
from tests.minio.server import _stop, start_minio

BUCKET = "midrun"


def test_minio_stopped_mid_run_fails_in_time_and_the_rerun_completes(tmp_path):
    proc, server = start_minio(tmp_path / "minio")
    try:
        server.client().make_bucket(BUCKET)
        home = tmp_path / "lakehouse"
        stage_landing(server.settings(Settings(home=home), BUCKET), DEMO)
        env = {
            "LAKEHOUSE_MODE": "minio",
            "LAKEHOUSE_MINIO_ENDPOINT": server.endpoint,
            "LAKEHOUSE_MINIO_ACCESS_KEY": server.access_key,
            "LAKEHOUSE_MINIO_SECRET_KEY": server.secret_key,
            "LAKEHOUSE_MINIO_BUCKET": BUCKET,
            "LAKEHOUSE_MASKING_KEY": "a-key-for-this-test-only",
        }
        marker = tmp_path / "marker"
        argv = ["tests.faults.day", DAY, "--at", "spark_jobs.silver.build:_merge"]
        argv += ["--nth", "2", "--marker", str(marker)]  # the actions' silver write
        child_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("LAKEHOUSE_")},
            "LAKEHOUSE_HOME": str(home),
            **env,
        }
        err_path = tmp_path / "run.err"
        with open(err_path, "wb") as err:
            child = subprocess.Popen(
                [sys.executable, "-m", *argv],
                cwd=REPO,
                env=child_env,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
            )
            deadline = time.monotonic() + 600
            while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert marker.exists(), err_path.read_text("utf-8")[-3000:]
            proc.kill()  # MinIO gone, as a crashed server or a lost network is
            proc.wait()
            stopped = time.monotonic()
            try:
                code = child.wait(timeout=180)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                pytest.fail("the run still hung 180 s after MinIO went away")
        failed_after = time.monotonic() - stopped
        tail = err_path.read_text("utf-8")[-6000:]
        assert code != 0
        assert failed_after < 120, f"failed only after {failed_after:.0f} s"
        assert server.endpoint.removeprefix("http://") in tail, tail[-2000:]

        proc, _ = start_minio(tmp_path / "minio", attempts=1, again=server)  # MinIO back
        result = run_child(home, ["tests.faults.day", DAY], env=env).result()
        storage = MinioStorage(server.settings(Settings(home=home), BUCKET))
        keys = storage.list(f"exports/national/{DAY}")
        batch = f"exports/national/{DAY}/{DAY.replace('-', '')}00001"
        manifest = json.loads(storage.read_bytes(f"{batch}/manifest.json"))
        gold_log = list(
            storage.client.list_objects(
                BUCKET, prefix="lake/gold/supervision_actions/_delta_log/", recursive=True
            )
        )
    finally:
        _stop(proc)

    silver = result["build_silver"]["supervision_actions"]
    assert (silver["read"], silver["accepted"], silver["quarantined"]) == (296, 290, 6)
    records = {k: v["inserts"] for k, v in result["export_national"]["records"].items()}
    assert records == {
        "coercion_action": 33,
        "inspection_action": 236,  # 180 and the 56 that penalties and coercions followed
        "other_action": 0,
        "penalty_action": 21,
    }
    assert result["build_gold"]["rows"]["supervision_actions"] == 290
    assert gold_log, "gold is not in the bucket"
    assert result["export_national"]["batch_no"] == batch.rsplit("/", 1)[1]
    assert f"{batch}/inspection_action/part-00000.jsonl" in keys
    assert manifest["row_count"] == 290  # the first batch: every accepted action, as `i`
