"""The JVM class archive's name and option (spark_jobs/core/class_archive.py), without a JVM."""

from __future__ import annotations

import os

from spark_jobs.core import class_archive
from spark_jobs.core.jit import QUICK_JIT
from spark_jobs.core.session import spark_conf


def test_no_archive_no_option(jvm_settings):
    assert class_archive.java_options(jvm_settings) == ""
    assert "SharedArchiveFile" not in spark_conf(jvm_settings)["spark.driver.extraJavaOptions"]


def test_the_archive_of_this_jvm_and_these_jars_is_mapped(jvm_settings):
    path = class_archive.archive_path(jvm_settings)
    assert path.parent == jvm_settings.jvm_cache and path.name.startswith("spark-")
    path.parent.mkdir()
    path.write_bytes(b"archive")
    options = spark_conf(jvm_settings)["spark.driver.extraJavaOptions"].split()
    assert options == [
        f"-Dderby.system.home={jvm_settings.spark_local_dir}",
        "-XX:+UseParallelGC",  # the throughput collector (core/session.py)
        f"-XX:SharedArchiveFile={path}",
        *QUICK_JIT,  # an empty landing zone: C1 only (core/jit.py)
    ]


def test_a_changed_jar_names_another_archive(jvm_settings):
    before = class_archive.fingerprint(jvm_settings)
    jar = jvm_settings.jars_dir / "delta-spark_2.13-4.0.0.jar"
    jar.write_bytes(b"a newer jar")
    assert class_archive.fingerprint(jvm_settings) != before
    changed = class_archive.fingerprint(jvm_settings)
    os.utime(jar, ns=(1, 1))  # same size, another time
    assert class_archive.fingerprint(jvm_settings) != changed
    touched = class_archive.fingerprint(jvm_settings)
    (jvm_settings.jars_dir / "hadoop-aws-3.4.1.jar").write_bytes(b"jar")
    assert class_archive.fingerprint(jvm_settings) != touched


def test_another_jdk_names_another_archive(jvm_settings, monkeypatch, tmp_path):
    before = class_archive.fingerprint(jvm_settings)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "other-jdk"))
    assert class_archive.fingerprint(jvm_settings) != before


def test_without_a_jdk_spark_starts_without_an_archive(jvm_settings, monkeypatch, capsys):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(class_archive.shutil, "which", lambda name: None)
    assert class_archive.archive_path(jvm_settings) is None
    assert class_archive.java_options(jvm_settings) == ""
    assert class_archive.build(jvm_settings) is None
    assert "no JDK found" in capsys.readouterr().err
