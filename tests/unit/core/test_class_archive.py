"""The JVM class archive's name and option (spark_jobs/core/class_archive.py), without a JVM."""

from __future__ import annotations

import dataclasses
import os

import pytest

from spark_jobs.core import class_archive
from spark_jobs.core.jit import QUICK_JIT
from spark_jobs.core.session import spark_conf
from spark_jobs.core.settings import Settings


@pytest.fixture
def settings(tmp_path):
    jars = tmp_path / "jars"
    jars.mkdir()
    (jars / "delta-spark_2.13-4.0.0.jar").write_bytes(b"jar")
    return dataclasses.replace(
        Settings(), home=tmp_path / "lake", jars_dir=jars, jvm_cache=tmp_path / "jvm"
    )


def test_no_archive_no_option(settings):
    assert class_archive.java_options(settings) == ""
    assert "SharedArchiveFile" not in spark_conf(settings)["spark.driver.extraJavaOptions"]


def test_the_archive_of_this_jvm_and_these_jars_is_mapped(settings):
    path = class_archive.archive_path(settings)
    assert path.parent == settings.jvm_cache and path.name.startswith("spark-")
    path.parent.mkdir()
    path.write_bytes(b"archive")
    options = spark_conf(settings)["spark.driver.extraJavaOptions"].split()
    assert options == [
        f"-Dderby.system.home={settings.spark_local_dir}",
        f"-XX:SharedArchiveFile={path}",
        *QUICK_JIT,  # an empty landing zone: C1 only (core/jit.py)
    ]


def test_a_changed_jar_names_another_archive(settings):
    before = class_archive.fingerprint(settings)
    jar = settings.jars_dir / "delta-spark_2.13-4.0.0.jar"
    jar.write_bytes(b"a newer jar")
    assert class_archive.fingerprint(settings) != before
    changed = class_archive.fingerprint(settings)
    os.utime(jar, ns=(1, 1))  # same size, another time
    assert class_archive.fingerprint(settings) != changed
    touched = class_archive.fingerprint(settings)
    (settings.jars_dir / "hadoop-aws-3.4.1.jar").write_bytes(b"jar")
    assert class_archive.fingerprint(settings) != touched


def test_another_jdk_names_another_archive(settings, monkeypatch, tmp_path):
    before = class_archive.fingerprint(settings)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "other-jdk"))
    assert class_archive.fingerprint(settings) != before


def test_without_a_jdk_spark_starts_without_an_archive(settings, monkeypatch, capsys):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(class_archive.shutil, "which", lambda name: None)
    assert class_archive.archive_path(settings) is None
    assert class_archive.java_options(settings) == ""
    assert class_archive.build(settings) is None
    assert "no JDK found" in capsys.readouterr().err
