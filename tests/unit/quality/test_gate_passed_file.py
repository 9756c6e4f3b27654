"""The gate's kept passes (`spark_jobs/quality/gate_passed.py`), without Spark: what matches,
what is forgotten, and the suite's fingerprint."""

from __future__ import annotations

from types import SimpleNamespace

from spark_jobs.core.settings import REPO_ROOT, Settings
from spark_jobs.quality import gate_passed

SCHEMAS = REPO_ROOT / "schemas"


def test_a_pass_is_kept_for_the_same_commit_and_suite_only(tmp_path):
    settings = Settings(home=tmp_path)
    passed = SimpleNamespace(success=True, evaluated=12)
    entry = gate_passed.verdict("3:ab12", "s1", "2024-06-28", passed)
    gate_passed.remember(settings, {"supervision_items": entry})
    assert (
        gate_passed.kept_pass(gate_passed.passes(settings), "supervision_items", "3:ab12", "s1")
        == entry
    )
    assert (
        gate_passed.kept_pass(gate_passed.passes(settings), "supervision_items", "4:cd34", "s1")
        is None
    )
    assert (
        gate_passed.kept_pass(gate_passed.passes(settings), "supervision_items", "3:ab12", "s2")
        is None
    )
    assert (
        gate_passed.kept_pass(gate_passed.passes(settings), "supervision_actions", "3:ab12", "s1")
        is None
    )
    summary = gate_passed.kept_summary(settings, entry)
    assert summary["unchanged_since"] == "2024-06-28" and summary["evaluated"] == 12


def test_a_failure_forgets_the_pass(tmp_path):
    settings = Settings(home=tmp_path)
    assert gate_passed.remember(settings, {}) is None  # nothing to write
    assert not gate_passed.passed_path(settings).exists()
    passed = SimpleNamespace(success=True, evaluated=5)
    entry = gate_passed.verdict("1:aa", "s", "2024-06-28", passed)
    gate_passed.remember(settings, {"approvals": entry, "knowledge": entry})
    failed = SimpleNamespace(success=False, evaluated=5)
    assert gate_passed.verdict("2:bb", "s", "2024-06-29", failed) is None
    gate_passed.remember(settings, {"approvals": None})
    assert gate_passed.kept_pass(gate_passed.passes(settings), "approvals", "1:aa", "s") is None
    assert gate_passed.kept_pass(gate_passed.passes(settings), "knowledge", "1:aa", "s") == entry


def test_the_suite_fingerprint_follows_the_suite(tmp_path):
    settings = Settings(home=tmp_path, contract_dir=SCHEMAS)
    items = gate_passed.suite_fingerprint(settings, "supervision_items")
    assert items == gate_passed.suite_fingerprint(settings, "supervision_items")
    assert items != gate_passed.suite_fingerprint(settings, "supervision_actions")
    # a contract that changes a field's rule changes the suite
    changed = tmp_path / "schemas"
    changed.mkdir()
    for path in SCHEMAS.glob("*.yaml"):
        (changed / path.name).write_text(path.read_text("utf-8"), "utf-8")
    contract = changed / "supervision_items.yaml"
    text = contract.read_text("utf-8")
    assert "required: true" in text
    contract.write_text(text.replace("required: true", "required: false", 1), "utf-8")
    moved = Settings(home=tmp_path, contract_dir=changed)
    assert gate_passed.suite_fingerprint(moved, "supervision_items") != items
