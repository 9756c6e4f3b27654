"""The lake on the real MinIO server: the SDK (landing uploads) and Spark + Delta over S3A.

Proves that hadoop-aws 3.4.2 with its AWS SDK v2 bundle (.cache/jars) talks to the pinned MinIO
build: object listing, Delta commits (put-if-absent of the log), reads and table history.
"""

from __future__ import annotations

import secrets

import pytest

from spark_jobs.core.session import apply_storage_conf

pytestmark = pytest.mark.minio

LANDING_KEY = "landing/监管行动/2024-06/双随机抽查结果.csv"
CSV_TEXT = (
    "统一社会信用代码,企业名称,检查结果\n91110000MA01ABCD1X,北京示例科技有限公司,未发现问题\n"
)


@pytest.fixture
def bucket(minio_server) -> str:
    """A new, empty bucket for one test."""
    name = f"lh-test-{secrets.token_hex(4)}"
    minio_server.client().make_bucket(name)
    return name


def test_sdk_uploads_lists_and_reads_a_chinese_key(minio_server, bucket, tmp_path):
    client = minio_server.client()
    assert client.bucket_exists(bucket)
    local = tmp_path / "双随机抽查结果.csv"
    local.write_text(CSV_TEXT, encoding="utf-8")

    client.fput_object(bucket, LANDING_KEY, str(local), content_type="text/csv; charset=utf-8")

    listed = [o.object_name for o in client.list_objects(bucket, prefix="landing/", recursive=True)]
    assert listed == [LANDING_KEY]
    response = client.get_object(bucket, LANDING_KEY)
    try:
        assert response.read().decode("utf-8") == CSV_TEXT
    finally:
        response.close()
        response.release_conn()
    assert client.stat_object(bucket, LANDING_KEY).size == len(CSV_TEXT.encode("utf-8"))


def test_spark_reads_a_landing_file_with_a_chinese_key(
    minio_server, bucket, spark, base_settings, tmp_path
):
    settings = minio_server.settings(base_settings, bucket)
    local = tmp_path / "upload.csv"
    local.write_text(CSV_TEXT, encoding="utf-8")
    minio_server.client().fput_object(bucket, LANDING_KEY, str(local))
    apply_storage_conf(spark, settings)

    df = spark.read.option("header", "true").csv(f"{settings.storage_root}/{LANDING_KEY}")

    rows = df.collect()
    assert [r["企业名称"] for r in rows] == ["北京示例科技有限公司"]
    assert rows[0]["统一社会信用代码"] == "91110000MA01ABCD1X"


def test_delta_table_on_minio_writes_reads_and_keeps_history(
    minio_server, bucket, spark, base_settings
):
    settings = minio_server.settings(base_settings, bucket)
    apply_storage_conf(spark, settings)
    path = settings.table_path("silver", "t")
    assert path == f"s3a://{bucket}/lake/silver/t"

    first = spark.createDataFrame([(1, "甲"), (2, "乙"), (3, "丙")], "id INT, name STRING")
    first.write.format("delta").mode("overwrite").save(path)
    assert spark.read.format("delta").load(path).count() == 3

    second = spark.createDataFrame([(4, "丁"), (5, "戊")], "id INT, name STRING")
    second.write.format("delta").mode("append").save(path)

    table = spark.read.format("delta").load(path)
    assert table.count() == 5
    assert sorted(r.id for r in table.collect()) == [1, 2, 3, 4, 5]
    history = spark.sql(f"DESCRIBE HISTORY delta.`{path}`").collect()
    assert sorted(h.version for h in history) == [0, 1]
    assert [h.operation for h in sorted(history, key=lambda h: h.version)] == ["WRITE", "WRITE"]

    # The objects really are in the bucket: two commits in the Delta log.
    keys = [
        o.object_name
        for o in minio_server.client().list_objects(
            bucket, prefix="lake/silver/t/_delta_log/", recursive=True
        )
    ]
    assert f"lake/silver/t/_delta_log/{0:020d}.json" in keys
    assert f"lake/silver/t/_delta_log/{1:020d}.json" in keys


def test_unusable_minio_is_one_clear_line_naming_the_endpoint(minio_server, base_settings):
    """Down before start, or wrong keys: before the JVM starts, one line that names the
    endpoint and what to fix (S3A alone retried for 2.5 minutes, then printed a Java trace)."""
    import dataclasses
    import socket

    from spark_jobs.core.session import get_spark
    from spark_jobs.core.storage import MinioStorage, StorageUnavailable

    good = minio_server.settings(base_settings, bucket="not-created-yet")
    MinioStorage(good).check()  # a bucket that does not exist yet is fine

    where = f"MinIO at {minio_server.endpoint}"
    cases = {
        "minio_secret_key": (
            "wrong-secret-key",
            f"{where} refuses LAKEHOUSE_MINIO_SECRET_KEY (it does not match the access key)",
        ),
        "minio_access_key": (
            "nobody",
            f"{where} does not know the access key in LAKEHOUSE_MINIO_ACCESS_KEY",
        ),
    }
    for field, (value, message) in cases.items():
        bad = dataclasses.replace(good, **{field: value})
        with pytest.raises(StorageUnavailable) as err:
            get_spark(bad)  # the check runs first, whether or not a session is up
        assert str(err.value) == message

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = dataclasses.replace(good, minio_endpoint=f"http://127.0.0.1:{port}")
    with pytest.raises(StorageUnavailable) as err:
        MinioStorage(down).check()
    assert str(err.value) == (
        f"MinIO at http://127.0.0.1:{port} is not reachable ([Errno 111] Connection refused): "
        "start it (infra/minio.sh start) or correct LAKEHOUSE_MINIO_ENDPOINT"
    )
    # An ingest checks before it lists the landing zone (a day with nothing delivered starts
    # no JVM, so get_spark's check would not run): the same line.
    from spark_jobs.ingest.task import ingest_source

    with pytest.raises(StorageUnavailable) as listing:
        ingest_source("supervision_items", "2024-06-28", settings=down)
    assert str(listing.value) == str(err.value)
