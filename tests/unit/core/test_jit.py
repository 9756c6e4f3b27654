"""The JIT compiler chosen by the landing zone's size when the JVM starts (core/jit.py)."""

from __future__ import annotations

import dataclasses

import pytest

from spark_jobs.core.jit import QUICK_JIT, jit_options, landing_bytes
from spark_jobs.core.session import spark_conf
from spark_jobs.core.settings import REPO_ROOT, Settings

KB = 1024


def deliver(jvm_settings: Settings, name: str, size: int) -> None:
    path = jvm_settings.home / "storage" / "landing" / "supervision_actions" / "2024-06-28" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)


def java_options(jvm_settings: Settings) -> list[str]:
    return spark_conf(jvm_settings)["spark.driver.extraJavaOptions"].split()


def test_a_small_landing_zone_starts_the_jvm_with_c1_only(jvm_settings):
    assert landing_bytes(jvm_settings) == 0  # no landing zone yet
    assert java_options(jvm_settings)[-3:] == list(QUICK_JIT)
    deliver(jvm_settings, "a.csv", 300 * KB)
    deliver(jvm_settings, "b.csv", 212 * KB - 1)
    assert landing_bytes(jvm_settings) == 512 * KB - 1
    assert java_options(jvm_settings)[-3:] == list(QUICK_JIT)


def test_from_the_threshold_on_both_compilers_run(jvm_settings):
    deliver(jvm_settings, "a.csv", 512 * KB)
    assert jit_options(jvm_settings) == ""
    assert not set(QUICK_JIT) & set(java_options(jvm_settings))
    bigger = dataclasses.replace(jvm_settings, quick_jit_below_kb=513)
    assert jit_options(bigger) == " ".join(QUICK_JIT)


def test_the_default_puts_the_demo_below_and_the_province_day_above():
    """The two deliveries the threshold was measured between (the module's docstring)."""

    def size(folder):
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())

    threshold = Settings().quick_jit_below_kb * KB
    assert size(REPO_ROOT / "data_samples" / "demo" / "landing") < threshold
    assert size(REPO_ROOT / "data_samples" / "province" / "landing") >= threshold


def test_zero_keeps_the_jvm_default_even_on_an_empty_lake(jvm_settings):
    assert jit_options(dataclasses.replace(jvm_settings, quick_jit_below_kb=0)) == ""


def test_the_threshold_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("LAKEHOUSE_QUICK_JIT_BELOW_KB", raising=False)
    assert Settings.from_env().quick_jit_below_kb == 512
    monkeypatch.setenv("LAKEHOUSE_QUICK_JIT_BELOW_KB", "0")
    assert Settings.from_env().quick_jit_below_kb == 0
    monkeypatch.setenv("LAKEHOUSE_QUICK_JIT_BELOW_KB", "0.5")
    with pytest.raises(
        ValueError, match=r"QUICK_JIT_BELOW_KB must be a whole number \(kilobytes\)"
    ):
        Settings.from_env()
