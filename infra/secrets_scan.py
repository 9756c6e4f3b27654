"""The secrets scan CI runs (infra/lint.sh): detect-secrets over every tracked file, against
the reviewed baseline `.secrets.baseline`.

Why not `detect-secrets-hook`: it rewrites the baseline and fails whenever a known finding only
moved to another line, which would fail CI on unrelated edits. Here a finding is new when its
file, type and secret hash are not in the baseline (line numbers do not matter), and nothing is
written. The baseline holds the plugins, the filters (synthetic `data_samples/` excluded) and
the findings reviewed as not secret (`is_secret: false`). To accept a reviewed false positive:
`detect-secrets scan --baseline .secrets.baseline`, then set its `is_secret` to false.

    python infra/secrets_scan.py [--root DIR] [FILE ...]   (default: `git ls-files` of DIR)
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
from pathlib import Path

from detect_secrets.core import baseline
from detect_secrets.core.secrets_collection import SecretsCollection


def tracked_files(root: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607 - git from PATH, as every developer runs it
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout
    return [name for name in out.decode().split("\0") if name]


def new_findings(root: Path, files: list[str]) -> list[tuple[str, int, str]]:
    """(file, line, type) of every finding not reviewed in the baseline."""
    # baseline paths and its exclude patterns are relative to the root
    with contextlib.chdir(root):
        known = baseline.load(baseline.load_from_file(".secrets.baseline"), ".secrets.baseline")
        found = SecretsCollection()
        for name in files:
            if Path(name).is_file():
                found.scan_file(name)  # applies the baseline's filters (exclude-files too)
    fresh = found - known
    return sorted((name, s.line_number, s.type) for name, s in fresh)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    p.add_argument("files", nargs="*")
    args = p.parse_args(argv)
    root = args.root.resolve()
    files = args.files or tracked_files(root)
    findings = new_findings(root, files)
    for name, line, kind in findings:
        print(f"secrets: {name}:{line}: {kind} (not in .secrets.baseline)")
    if findings:
        print(
            "secrets: move the value to an environment variable, or, if it is not a secret, "
            "add it to .secrets.baseline as reviewed (is_secret: false)"
        )
        return 1
    print(f"secrets: {len(files)} files, nothing new against .secrets.baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
