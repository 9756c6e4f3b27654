"""Shared fixtures: one SparkSession for the whole run, and a fresh lake per test that wants one.

Spark starts once (about 15 s); each `lake` is a new directory, and the catalog names are
re-pointed at it by `register_lake_tables`, so tests never see each other's tables.
"""
from __future__ import annotations

import dataclasses
import logging
import os

import pytest

from spark_jobs.settings import Settings

pytest_plugins = ["tests.minio_server"]
logging.getLogger("py4j").setLevel(logging.WARNING)  # its shutdown messages outlive pytest's streams


@pytest.fixture(scope="session")
def base_settings(tmp_path_factory) -> Settings:
    home = tmp_path_factory.mktemp("lakehouse")
    os.environ["LAKEHOUSE_HOME"] = str(home)
    os.environ.pop("LAKEHOUSE_MODE", None)
    return Settings.from_env()


@pytest.fixture(scope="session")
def spark(base_settings):
    from spark_jobs.session import get_spark

    session = get_spark(base_settings)
    yield session
    session.stop()


@pytest.fixture
def lake(spark, tmp_path, base_settings) -> Settings:
    """Settings for a new, empty local lake under this test's tmp_path (shares the session)."""
    return dataclasses.replace(base_settings, home=tmp_path / "lakehouse")
