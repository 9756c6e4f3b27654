"""The test session's JVM runs the compilers `core/jit.py` chose for its settings (C1 only for
the quick tier's short-lived JVMs on an empty landing zone, both for a longer run:
tests/conftest.py) and the throughput collector, and still maps the class-data-sharing archive
setup made."""

from __future__ import annotations

import os

from spark_jobs.core.class_archive import archive_path
from spark_jobs.core.jit import jit_options


def vm_option(spark, name: str) -> str:
    jvm = spark._jvm
    bean_class = jvm.java.lang.Class.forName("com.sun.management.HotSpotDiagnosticMXBean")
    bean = jvm.java.lang.management.ManagementFactory.getPlatformMXBean(bean_class)
    return bean.getVMOption(name).getValue()


def test_the_session_jvm_runs_the_chosen_compilers_with_its_class_archive(
    spark, base_settings, pytestconfig
):
    from tests.conftest import LONG_RUN

    c1_only = bool(jit_options(base_settings))
    if "LAKEHOUSE_QUICK_JIT_BELOW_KB" not in os.environ:  # else the environment decided
        assert c1_only == (not pytestconfig.stash[LONG_RUN])
    assert vm_option(spark, "TieredStopAtLevel") == ("1" if c1_only else "4")
    assert vm_option(spark, "UseCodeCacheFlushing") == ("false" if c1_only else "true")
    assert vm_option(spark, "UseParallelGC") == "true"  # the throughput collector (session.py)
    archive = archive_path(base_settings)
    if archive is not None and archive.is_file():  # setup made it (infra/setup.sh)
        assert vm_option(spark, "SharedArchiveFile") == str(archive)
        assert vm_option(spark, "UseSharedSpaces") == "true"
