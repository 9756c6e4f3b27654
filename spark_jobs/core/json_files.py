"""Small JSON files under the lakehouse home (gold's build records, the gate's verdicts, silver's
release checks): read as `{}` when absent, written whole through a temporary name, so a crash
leaves the old file or the new one, never half."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_json(path: Path) -> Any:
    """The file's JSON, or `{}` when there is no file yet."""
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def write_json(path: Path, data: Any) -> None:
    """Write to `<name>.tmp`, then rename over `path` (atomic on one file system)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True, indent=1), "utf-8")
    tmp.replace(path)
