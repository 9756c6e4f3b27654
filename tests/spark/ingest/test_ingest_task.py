"""`ingest_source`, the function every ingest DAG calls, against a real lake."""

from __future__ import annotations

from spark_jobs.core.storage import Storage
from spark_jobs.ingest.task import ingest_source
from tests.synthetic import DEMO

SOURCE = "supervision_items"  # small: one UTF-8 CSV of the sample deliveries
SAMPLE = DEMO / "landing" / SOURCE / "2024-06-28" / "supervision_items_2024-06-28.csv"
SAMPLE_ROWS = 23


def test_ingest_source_lands_one_small_source(spark, lake):
    storage = Storage.for_settings(lake)
    storage.write_bytes(f"landing/{SOURCE}/2024-06-28/{SAMPLE.name}", SAMPLE.read_bytes())

    first = ingest_source(SOURCE, "2024-06-28", settings=lake, spark=spark)
    assert first["outcome"] == "new_data"
    assert first["table"] == f"bronze.{SOURCE}"
    assert first["counts"] == {"ingested": 1, "skipped_duplicate": 0, "rejected": 0, "waiting": 0}
    assert first["rows_ingested"] == SAMPLE_ROWS
    assert [(f["status"], f["rows"]) for f in first["files"]] == [("ingested", SAMPLE_ROWS)]
    assert first["event"]["rows"] == SAMPLE_ROWS
    assert spark.table(f"bronze.{SOURCE}").count() == SAMPLE_ROWS

    again = ingest_source(SOURCE, "2024-06-28", settings=lake, spark=spark)
    assert again["outcome"] == "nothing_new"
    assert again["counts"] == {"ingested": 0, "skipped_duplicate": 1, "rejected": 0, "waiting": 0}
    assert spark.table(f"bronze.{SOURCE}").count() == SAMPLE_ROWS

    # a day with only a broken file: every file rejected, recorded in ops.batch_log
    storage.write_bytes(f"landing/{SOURCE}/2024-06-29/broken.csv", b"\xef\xbb\xbfnot,the,header\n")
    bad = ingest_source(SOURCE, "2024-06-29", settings=lake, spark=spark)
    assert bad["outcome"] == "all_rejected"
    assert bad["counts"] == {"ingested": 0, "skipped_duplicate": 0, "rejected": 1, "waiting": 0}
    assert "broken.csv" in bad["files"][0]["reason"]
    logged = spark.sql(
        "SELECT status, reason FROM ops.batch_log "
        f"WHERE source = '{SOURCE}' AND source_file LIKE '%broken.csv'"
    ).collect()
    assert [r.status for r in logged] == ["rejected"]

    assert ingest_source(SOURCE, "2024-06-30", settings=lake, spark=spark)["outcome"] == "no_files"
    assert spark.table(f"bronze.{SOURCE}").count() == SAMPLE_ROWS
