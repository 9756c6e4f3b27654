"""The size below which pipeline tasks interpret Spark's expressions (`core/codegen.py`): read
from the environment as whole megabytes, compared with bronze's bytes."""

from __future__ import annotations

import dataclasses

import pytest

from spark_jobs.core.codegen import interpreted_for
from spark_jobs.core.settings import Settings


@pytest.mark.parametrize(("value", "megabytes"), [(None, 16), ("", 16), (" 12 ", 12), ("0", 0)])
def test_the_threshold_is_read_in_whole_megabytes(monkeypatch, value, megabytes):
    if value is None:
        monkeypatch.delenv("LAKEHOUSE_INTERPRETED_BELOW_MB", raising=False)
    else:
        monkeypatch.setenv("LAKEHOUSE_INTERPRETED_BELOW_MB", value)
    assert Settings.from_env().interpreted_below_mb == megabytes


@pytest.mark.parametrize("value", ["1.5", "-1", "16MB", "１６"])
def test_a_threshold_that_is_not_a_whole_number_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("LAKEHOUSE_INTERPRETED_BELOW_MB", value)
    with pytest.raises(ValueError, match="LAKEHOUSE_INTERPRETED_BELOW_MB must be a whole number"):
        Settings.from_env()


def test_bronze_below_the_threshold_is_interpreted_and_at_it_compiled():
    settings = dataclasses.replace(Settings(), interpreted_below_mb=16)
    assert interpreted_for(settings, 0)
    assert interpreted_for(settings, 16 * 1024 * 1024 - 1)
    assert not interpreted_for(settings, 16 * 1024 * 1024)
    assert not interpreted_for(dataclasses.replace(settings, interpreted_below_mb=0), 0)
