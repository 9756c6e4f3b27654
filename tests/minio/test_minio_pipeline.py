"""MinIO mode: the whole pipeline with the landing zone and the lake in a real MinIO bucket."""

import json

import pytest

from spark_jobs.core.storage import MinioStorage
from spark_jobs.ingest.landing import stage_landing
from spark_jobs.pipeline import tasks as pipeline
from tests.synthetic import DEMO

pytestmark = pytest.mark.minio


def test_pipeline_runs_against_real_minio(spark, base_settings, minio_server, monkeypatch):
    settings = minio_server.settings(base_settings, bucket="pipeline")
    for key, value in {
        "LAKEHOUSE_MODE": "minio",
        "LAKEHOUSE_MINIO_ENDPOINT": settings.minio_endpoint,
        "LAKEHOUSE_MINIO_ACCESS_KEY": settings.minio_access_key,
        "LAKEHOUSE_MINIO_SECRET_KEY": settings.minio_secret_key,
        "LAKEHOUSE_MINIO_BUCKET": "pipeline",
        "LAKEHOUSE_MASKING_KEY": "a-key-for-this-test-only",
    }.items():
        monkeypatch.setenv(key, value)
    stage_landing(settings, DEMO / "landing")
    result = pipeline.run_all("2024-06-28")

    assert result["build_silver"]["supervision_actions"]["quarantined"] == 6
    assert result["report"]["rows"]["gold.supervision_actions"] == 290
    assert result["report"]["lake"] == "s3a://pipeline/lake"
    storage = MinioStorage(settings)
    batch = "exports/national/2024-06-28/2024062800001"
    keys = storage.list("exports/national/2024-06-28")
    assert (
        f"{batch}/manifest.json" in keys and f"{batch}/inspection_action/part-00000.jsonl" in keys
    )
    manifest = json.loads(storage.read_bytes(f"{batch}/manifest.json"))
    assert manifest["row_count"] == 290  # the first batch: every action of the demo, as `i`
    assert any(
        k.startswith("lake/gold/supervision_actions/_delta_log/")
        for k in storage.client.list_objects(
            "pipeline", prefix="lake/gold/supervision_actions/_delta_log/", recursive=True
        )
        for k in [k.object_name]
    )
