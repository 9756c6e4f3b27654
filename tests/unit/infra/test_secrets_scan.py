"""The secrets scan in infra/lint.sh (lint itself runs it over the repository): a planted
credential is reported with its file and line, a reviewed finding that moved to another line
stays accepted, and the synthetic data_samples/ are not scanned."""

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("secrets_scan", ROOT / "infra" / "secrets_scan.py")
secrets_scan = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(secrets_scan)

# AWS's documented example access key id, flagged like a real one; assembled here so that
# this file itself does not hold it
LEAK = "aws_access_key_id = " + '"AKIA' + 'IOSFODNN7EXAMPLE"\n'


@pytest.fixture
def root(tmp_path):
    shutil.copy(ROOT / ".secrets.baseline", tmp_path / ".secrets.baseline")
    return tmp_path


def test_a_planted_key_is_reported_with_file_and_line(root, capsys):
    (root / "settings.py").write_text('"""settings"""\n\n' + LEAK)
    assert secrets_scan.main(["--root", str(root), "settings.py"]) == 1
    out = capsys.readouterr().out
    assert "secrets: settings.py:3: AWS Access Key (not in .secrets.baseline)" in out


def test_a_reviewed_finding_that_moved_stays_accepted(root):
    (root / "settings.py").write_text(LEAK)
    assert secrets_scan.new_findings(root, ["settings.py"])
    data = json.loads((root / ".secrets.baseline").read_text())
    data["results"] = {}
    (root / ".secrets.baseline").write_text(json.dumps(data))
    # review it into the baseline at line 1, then move it to line 4
    found = secrets_scan.SecretsCollection()
    with secrets_scan.contextlib.chdir(root):
        found.scan_file("settings.py")
    data["results"] = found.json()
    (root / ".secrets.baseline").write_text(json.dumps(data))
    (root / "settings.py").write_text("\n\n\n" + LEAK)
    assert secrets_scan.new_findings(root, ["settings.py"]) == []


def test_synthetic_data_samples_are_not_scanned(root):
    (root / "data_samples").mkdir()
    (root / "data_samples" / "rows.csv").write_text(LEAK)
    assert secrets_scan.new_findings(root, ["data_samples/rows.csv"]) == []
