"""One stored dbt parse for every lake: a new lake's first dbt call starts from it.

dbt keeps its parse of the project in `<target>/partial_parse.msgpack` and re-uses it when the
project's files, the profile and the vars are those it was made with (dbt checks each itself
and parses again when one differs). The target folder is per lake (`<home>/dbt/target`), so
every new lake (each test lake, each benchmark run, a new deployment) paid a full parse:
`dbt parse` on a new lake took 5.8 s in a new process, 2.1 s in one that had run dbt before
(3.6 s and 0.5 s from the stored copy). The parse holds nothing lake-specific: the lake root
and the run date reach dbt as session settings (`dbt_runner`). So `shared_parse` keeps a
copy per set of vars in `Settings.dbt_parse_cache` (`.cache/dbt-parse/` in the checkout,
git-ignored): it puts the copy into a lake's target when the lake's own parse is missing or
was made with other vars, and stores the lake's parse back whenever dbt wrote a new one. Files are written under a temporary
name and renamed, so no process reads half of one; a stale copy costs dbt a parse, never a
wrong result.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

PARSE_FILE = "partial_parse.msgpack"  # dbt's name (dbt.constants.PARTIAL_PARSE_FILE_NAME)
KEY_FILE = "partial_parse.vars"  # beside it: the key of the vars it was made with


def vars_key(vars_json: str) -> str:
    """The cache key of the vars dbt is given (the JSON `dbt_runner.dbt_args` passes)."""
    return hashlib.sha256(vars_json.encode("utf-8")).hexdigest()[:16]


def _replace(path: Path, data: bytes) -> None:
    """Write `data` under a temporary name, then rename it to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


@contextlib.contextmanager
def shared_parse(cache_dir: Path, target: Path, vars_json: str | None) -> Iterator[None]:
    """Around one dbt invocation with `vars_json` (None: a command without vars, left alone)."""
    if vars_json is None:
        yield
        return
    key = vars_key(vars_json)
    own, key_file, stored = target / PARSE_FILE, target / KEY_FILE, cache_dir / f"{key}.msgpack"
    own_key = key_file.read_text("utf-8") if key_file.is_file() else None
    if stored.is_file() and (own_key != key or not own.is_file()):
        _replace(own, stored.read_bytes())
        _replace(key_file, key.encode())
    before = _stamp(own)
    yield
    after = _stamp(own)
    if after is not None and after != before:  # dbt parsed (all or part) with these vars
        _replace(key_file, key.encode())
        _replace(stored, own.read_bytes())
