"""Fixtures of the core unit tests."""

from __future__ import annotations

import dataclasses

import pytest

from spark_jobs.core.settings import Settings


@pytest.fixture
def jvm_settings(tmp_path):
    """A lake with a Delta jar and no class archive yet: what `spark_conf` needs."""
    jars = tmp_path / "jars"
    jars.mkdir()
    (jars / "delta-spark_2.13-4.0.0.jar").write_bytes(b"jar")
    return dataclasses.replace(
        Settings(), home=tmp_path / "lake", jars_dir=jars, jvm_cache=tmp_path / "jvm"
    )
