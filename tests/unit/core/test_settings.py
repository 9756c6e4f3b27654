"""Secrets come from the environment: the public development masking key never leaves local
mode (tokens made with a known key can be reversed by hashing every mobile number)."""

from __future__ import annotations

import pytest

from spark_jobs.core.settings import DEVELOPMENT_MASKING_KEY, Settings


def test_local_mode_falls_back_to_the_development_key(monkeypatch):
    monkeypatch.delenv("LAKEHOUSE_MODE", raising=False)
    monkeypatch.delenv("LAKEHOUSE_MASKING_KEY", raising=False)
    assert Settings.from_env().masking_key == DEVELOPMENT_MASKING_KEY


@pytest.mark.parametrize("unset", [None, "", "   "])
def test_minio_mode_refuses_to_start_without_a_masking_key(monkeypatch, unset):
    monkeypatch.setenv("LAKEHOUSE_MODE", "minio")
    if unset is None:
        monkeypatch.delenv("LAKEHOUSE_MASKING_KEY", raising=False)
    else:
        monkeypatch.setenv("LAKEHOUSE_MASKING_KEY", unset)
    with pytest.raises(ValueError, match="LAKEHOUSE_MASKING_KEY must be set in minio mode"):
        Settings.from_env()


def test_minio_mode_uses_the_key_from_the_environment(monkeypatch):
    monkeypatch.setenv("LAKEHOUSE_MODE", "minio")
    monkeypatch.setenv("LAKEHOUSE_MASKING_KEY", "k" * 32)
    settings = Settings.from_env()
    assert settings.masking_key == "k" * 32
    assert "k" * 32 not in repr(settings)  # never printed with the settings
