"""Put a folder of deliveries into the landing zone (a local folder or a MinIO bucket).

What a department's exchange job does, and what `infra/main.sh` does with the sample tree:
`<folder>/<source>/<yyyy-mm-dd>/<file>` becomes `landing/<source>/<yyyy-mm-dd>/<file>`. And
which landing names bronze refuses unread (`landing_refusal`).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from spark_jobs.core.settings import Settings
from spark_jobs.core.storage import MinioStorage, Storage

# what a landing key must not hold, with the words the refusal uses
_BAD_NAME = (
    (re.compile(r"\.\."), "'..'"),
    (re.compile(r"[\x00-\x1f\x7f]"), "a control character"),
    (re.compile(r"\s"), "whitespace"),
    (re.compile(r"\\"), "a backslash"),
)


def landing_refusal(storage: Storage, key: str) -> str | None:
    """Why the landing file `key` (`<source>/<date>/<name>`) is refused unread, or None."""
    for pattern, what in _BAD_NAME:
        if pattern.search(key):
            return (
                f"{key!r}: file name refused: it contains {what}; deliver it again under a "
                "name without whitespace, control characters, backslashes or '..'"
            )
    problem = storage.refusal(f"landing/{key}")
    return f"{key}: refused: {problem.removeprefix('landing/')}" if problem else None


def stage_landing(settings: Settings, folder: Path) -> list[str]:
    """Copy every file under `folder` into the run's landing zone; return the keys written.
    A symbolic link is not followed (its target was not delivered): it is named on stderr."""
    storage = Storage.for_settings(settings)
    if isinstance(storage, MinioStorage):
        storage.ensure_bucket()
    keys = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        if path.is_symlink():
            print(f"landing: {path} is a symbolic link: not copied", file=sys.stderr)
            continue
        key = f"landing/{path.relative_to(folder).as_posix()}"
        storage.write_bytes(key, path.read_bytes())
        keys.append(key)
    return keys


def main(argv: list[str]) -> int:
    """`python -m spark_jobs.ingest.landing <folder>`: upload a delivery tree."""
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print(
            "usage: python -m spark_jobs.ingest.landing <folder of <source>/<date>/<file>>",
            file=sys.stderr,
        )
        return 2
    per_folder = Counter(
        key.rsplit("/", 1)[0] for key in stage_landing(Settings.from_env(), Path(argv[0]))
    )
    for folder, files in sorted(per_folder.items()):
        print(f"  {folder}/  {files} file(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
