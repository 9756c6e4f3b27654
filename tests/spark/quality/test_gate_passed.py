"""The gate task keeps the pass of a silver table that has not changed since it passed
(`spark_jobs/quality/gate_passed.py`) and validates every other table: a changed one, one made
again, and one that failed."""

from __future__ import annotations

import json
import shutil

import pytest

from spark_jobs.pipeline import tasks
from spark_jobs.quality.gate import QualityGateFailed
from spark_jobs.quality.gate_passed import passed_path
from tests.spark.quality.test_quality import (
    ACTIONS_SCHEMA,
    DUP_ACTION_ID,
    ITEMS_SCHEMA,
    action,
    all_files,
    item,
    write_silver,
)

pytestmark = pytest.mark.slow  # Great Expectations validations: the whole-suite tier


@pytest.fixture
def gated(spark, lake, monkeypatch):
    """A lake with a valid catalog and two actions; the gate task reads it from the env."""
    monkeypatch.setenv("LAKEHOUSE_HOME", str(lake.home))
    write_silver(spark, lake, "supervision_items", [item("33000000000001")], ITEMS_SCHEMA)
    write_silver(spark, lake, "supervision_actions", [action(1), action(2)], ACTIONS_SCHEMA)
    return lake


def _validations(lake) -> list:
    """The validation results Great Expectations stored (one per table validated)."""
    root = lake.home / "gx" / "uncommitted" / "validations"
    return sorted(p for p in all_files(root) if p.suffix == ".json")


def _since(out: dict) -> dict:
    return {name: entry.get("unchanged_since") for name, entry in out.items()}


def test_an_unchanged_table_keeps_its_pass_and_a_changed_one_is_validated_again(spark, gated):
    first = tasks.quality_gate("2024-06-28")
    assert _since(first) == {"supervision_items": None, "supervision_actions": None}
    assert first["supervision_actions"]["success"] and first["supervision_actions"]["evaluated"] > 0
    stored = _validations(gated)
    assert len(stored) == 2

    again = tasks.quality_gate("2024-06-29")
    assert _since(again) == {"supervision_items": "2024-06-28", "supervision_actions": "2024-06-28"}
    for name in again:
        assert again[name]["success"] and again[name]["failed"] == 0
        assert again[name]["evaluated"] == first[name]["evaluated"]
    assert _validations(gated) == stored  # nothing validated

    rows = [action(1), action(2), action(3)]
    write_silver(spark, gated, "supervision_actions", rows, ACTIONS_SCHEMA)
    third = tasks.quality_gate("2024-06-30")
    assert _since(third) == {"supervision_items": "2024-06-28", "supervision_actions": None}
    assert len(_validations(gated)) == 3
    kept = json.loads(passed_path(gated).read_text("utf-8"))
    assert kept["supervision_actions"]["run_date"] == "2024-06-30"
    assert kept["supervision_items"]["run_date"] == "2024-06-28"


def test_a_table_that_failed_is_validated_every_time(spark, gated):
    rows = [action(1, action_id=DUP_ACTION_ID), action(2, action_id=DUP_ACTION_ID)]
    write_silver(spark, gated, "supervision_actions", rows, ACTIONS_SCHEMA)
    for day in ("2024-06-28", "2024-06-29"):
        with pytest.raises(
            QualityGateFailed, match="expect_column_values_to_be_unique on action_id"
        ):
            tasks.quality_gate(day)
    assert len(_validations(gated)) == 3  # the catalog once, the actions twice
    assert set(json.loads(passed_path(gated).read_text("utf-8"))) == {"supervision_items"}


def test_a_table_made_again_at_the_same_version_is_validated_again(spark, gated):
    tasks.quality_gate("2024-06-28")
    shutil.rmtree(gated.table_path("silver", "supervision_actions"))
    rows = [action(1, action_id=DUP_ACTION_ID), action(2, action_id=DUP_ACTION_ID)]
    write_silver(spark, gated, "supervision_actions", rows, ACTIONS_SCHEMA)  # version 0 again
    with pytest.raises(QualityGateFailed, match="action_id"):
        tasks.quality_gate("2024-06-29")
