"""The small-lake mode by the lake's size (`core/codegen.py`: interpreted expressions, adaptive
execution off, two shuffle partitions): the mode a task chooses, the size it is chosen on, the
session's own settings back after it, and the same silver values in both modes."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from spark_jobs.contracts import get_contract
from spark_jobs.core.codegen import (
    ADAPTIVE,
    FACTORY_MODE,
    SHUFFLE_PARTITIONS,
    WHOLE_STAGE,
    fit_to_lake,
    layer_bytes,
    set_mode,
)
from spark_jobs.core.settings import REPO_ROOT
from spark_jobs.ingest import bronze
from spark_jobs.silver import build as silver
from spark_jobs.silver.quarantine import quarantine_rows
from spark_jobs.silver.rules import validate

DEMO = REPO_ROOT / "data_samples" / "demo" / "landing" / "supervision_actions" / "2024-06-28"


def _mode(spark) -> tuple[str | None, ...]:
    return tuple(
        spark.conf.get(k) for k in (FACTORY_MODE, WHOLE_STAGE, ADAPTIVE, SHUFFLE_PARTITIONS)
    )


SMALL = ("NO_CODEGEN", "false", "false", "2")
LARGE = ("FALLBACK", "true", "true", "4")  # Spark's defaults; the session's 4 partitions


def _disk_bytes(root: Path, suffix: str | None = None) -> int:
    """Bytes of the files under `root`: without the `.crc` checksums Hadoop's local file system
    writes beside its files (suffix None), or only those ending in `suffix`."""
    return sum(
        f.stat().st_size
        for f in root.rglob("*")
        if f.is_file() and (f.suffix == suffix if suffix else f.suffix != ".crc")
    )


def _hadoop_crc(table: str) -> int:
    """Bytes of the `.<name>.crc` files Hadoop's local file system writes beside its own."""
    return sum(f.stat().st_size for f in Path(table).rglob(".*.crc"))


def _parquet_bytes(table: Path) -> int:
    return sum(f.stat().st_size for f in table.glob("*.parquet"))


def test_bronze_is_sized_by_its_live_files_not_its_storage(spark, lake):
    """OPTIMIZE and overwrites leave the replaced files until VACUUM: the size that chooses the
    mode is what the latest commit's checksum states, the files a query reads."""
    path = lake.table_path("bronze", "sizes")
    spark.range(1000).write.format("delta").save(path)
    before = _parquet_bytes(Path(path))
    spark.range(2000, 2010).repartition(1).write.format("delta").mode("overwrite").save(path)
    stored = _parquet_bytes(Path(path))
    live = layer_bytes(spark, lake)
    assert live == stored - before  # the one file of the second commit
    assert 0 < live < before < stored
    other = lake.table_path("bronze", "others")
    spark.range(10).repartition(1).write.format("delta").save(other)
    assert layer_bytes(spark, lake) == live + _parquet_bytes(Path(other))
    # A table whose latest commit has no checksum counts its folder: data files and log (and
    # perhaps the local file system's own .crc files)
    for crc in (Path(other) / "_delta_log").glob("0*.crc"):
        crc.unlink()
    folder = layer_bytes(spark, lake) - live
    assert _disk_bytes(Path(other)) <= folder <= _disk_bytes(Path(other)) + _hadoop_crc(other)


def test_a_small_lake_interprets_and_a_zero_threshold_compiles(spark, lake):
    try:
        assert layer_bytes(spark, lake) == 0  # no bronze yet
        assert fit_to_lake(spark, lake) is True
        assert _mode(spark) == SMALL
        path = lake.table_path("bronze", "sizes")
        spark.range(1000).write.format("delta").save(path)
        assert layer_bytes(spark, lake) == _parquet_bytes(Path(path)) > 0
        assert fit_to_lake(spark, dataclasses.replace(lake, interpreted_below_mb=0)) is False
        assert _mode(spark) == LARGE
    finally:
        set_mode(spark, interpreted=True)


def test_a_lake_over_the_threshold_compiles(spark, lake, monkeypatch):
    monkeypatch.setattr("spark_jobs.core.codegen.layer_bytes", lambda *_: 16 * 1024 * 1024)
    try:
        assert fit_to_lake(spark, lake) is False
        assert _mode(spark) == LARGE
        monkeypatch.setattr("spark_jobs.core.codegen.layer_bytes", lambda *_: 16 * 1024 * 1024 - 1)
        assert fit_to_lake(spark, lake) is True
        assert _mode(spark) == SMALL
    finally:
        set_mode(spark, interpreted=True)  # the test session's mode (tests/conftest.py)
    assert _mode(spark) == SMALL


def test_ingest_counts_the_delivery_with_bronze(spark, lake):
    """A big delivery on an empty lake is ingested compiled, a small one in the small-lake mode
    (`ingest_source` passes its landing folder to `fit_to_lake`)."""
    from spark_jobs.ingest.task import ingest_source

    one_mb = dataclasses.replace(lake, interpreted_below_mb=1)
    folder = Path(one_mb.landing_root) / "supervision_items" / "2024-06-28"
    folder.mkdir(parents=True)
    demo = (
        DEMO.parent.parent / "supervision_items" / "2024-06-28" / "supervision_items_2024-06-28.csv"
    )
    (folder / demo.name).write_bytes(demo.read_bytes())
    try:
        assert fit_to_lake(spark, one_mb, delivery="supervision_items/2024-06-28") is True
        # a second file of 1 MB takes the day over the threshold; bronze alone is still empty
        (folder / "padding.csv").write_bytes(b"x" * 1024 * 1024)
        assert fit_to_lake(spark, one_mb, delivery="supervision_items/2024-06-28") is False
        assert _mode(spark) == LARGE
        assert fit_to_lake(spark, one_mb) is True
        (folder / "padding.csv").unlink()
        set_mode(spark, interpreted=False)  # so that only ingest's own choice can make it small
        summary = ingest_source("supervision_items", "2024-06-28", settings=one_mb, spark=spark)
        assert summary["rows_ingested"] == 23
        assert _mode(spark) == SMALL
    finally:
        set_mode(spark, interpreted=True)


def _delivered(lake, source: str):
    """The demo's delivery of `source` as bronze rows (Arrow), read by the product's readers."""
    contract = get_contract(source, lake.contract_dir)
    folder = DEMO.parent.parent / source / "2024-06-28"
    return contract, [
        bronze.bronze_rows(contract, f.read_bytes(), f"{source}/2024-06-28/{f.name}",
                           date(2024, 6, 28))
        for f in sorted(folder.iterdir())
    ]  # fmt: skip


def _classified(spark, delivered, references=None):
    contract, tables = delivered
    rows = spark.createDataFrame(tables[0])
    for table in tables[1:]:
        rows = rows.unionByName(spark.createDataFrame(table))
    return silver.classify(contract, validate(spark, contract, rows, references))


def _silver_values(spark, lake, items, actions) -> tuple[list, list]:
    """The demo's actions (checked against its catalog) as silver would keep them: accepted
    rows and quarantine rows, sorted."""
    catalog = silver.accepted_rows(items[0], _classified(spark, items), lake).cache()
    classified = _classified(spark, actions, {"supervision_items": catalog}).cache()
    try:
        accepted = silver.accepted_rows(actions[0], classified, lake).drop("_silver_at")
        quarantined = quarantine_rows(actions[0], classified)
        return sorted(map(str, accepted.collect())), sorted(map(str, quarantined.collect()))
    finally:
        classified.unpersist()
        catalog.unpersist()


@pytest.mark.slow  # 20 s alone, 45 s in the quick tier: whole-stage code generated the first time
def test_silver_computes_the_same_values_interpreted_and_compiled(spark, lake):
    items, actions = _delivered(lake, "supervision_items"), _delivered(lake, "supervision_actions")
    try:
        set_mode(spark, interpreted=True)
        interpreted = _silver_values(spark, lake, items, actions)
        set_mode(spark, interpreted=False)
        compiled = _silver_values(spark, lake, items, actions)
    finally:
        set_mode(spark, interpreted=True)
    assert len(interpreted[0]) == 290 and len(interpreted[1]) > 0
    assert interpreted == compiled
