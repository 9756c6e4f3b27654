"""The test session's JVM (a small lake: an empty landing zone) runs with C1 only
(core/jit.py), and still maps the class-data-sharing archive setup made."""

from __future__ import annotations

from spark_jobs.core.class_archive import archive_path


def vm_option(spark, name: str) -> str:
    jvm = spark._jvm
    bean_class = jvm.java.lang.Class.forName("com.sun.management.HotSpotDiagnosticMXBean")
    bean = jvm.java.lang.management.ManagementFactory.getPlatformMXBean(bean_class)
    return bean.getVMOption(name).getValue()


def test_the_session_jvm_runs_c1_only_with_its_class_archive(spark, base_settings):
    assert vm_option(spark, "TieredStopAtLevel") == "1"
    assert vm_option(spark, "UseCodeCacheFlushing") == "false"
    archive = archive_path(base_settings)
    if archive is not None and archive.is_file():  # setup made it (infra/setup.sh)
        assert vm_option(spark, "SharedArchiveFile") == str(archive)
        assert vm_option(spark, "UseSharedSpaces") == "true"
