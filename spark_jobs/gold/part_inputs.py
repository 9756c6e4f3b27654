"""What a gold build reads, as fingerprints (`spark_jobs.gold.publish` compares them with its
last published builds'): `build_inputs` for a build, `part_fingerprint` for one part, whose
inputs unchanged since its last published build mean it is not built again on a new run date.

On a later day a few sources deliver (the province's second day: 5 of 18), yet every part of
gold was rebuilt: a `table` mart rewritten in full (a new Delta version, a copy of its files),
every incremental mart probed, every test run. The marts do not read the run date (every model
that does is tagged `as_of_run_date`, `tests/unit/gold/test_gold_parts.py`), so a part without
such a model, built from the same tables, the same dbt project and the same vars, comes out
the same: `build_and_publish` skips it when its fingerprint and its gold (its own tables and
those of the parts it reads) are those its last published build left.

What a part reads is found in the project's files, without dbt: the `ref`s and `source`s of its
models, snapshots and their yml (tests), followed through the staging and intermediate models
(other parts' marts stand for themselves: their gold versions are compared), and the tables the
macros it calls look up by name (`adapter.get_relation(..., schema='draws', identifier=...)`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from spark_jobs.core.catalog import lake_tables
from spark_jobs.core.delta import latest_version
from spark_jobs.core.settings import Settings
from spark_jobs.gold.dbt_runner import PROJECT_DIR
from spark_jobs.pipeline.gold_parts import AS_OF_PARTS, GOLD_PARTS, SNAPSHOTS, part_folder

# what dbt reads of dbt_project/ (not target/, logs/ or the generated docs)
PROJECT_PARTS = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "snapshots",
    "tests",
    "seeds",
)
REF = re.compile(r"""\bref\(\s*['"](\w+)['"]\s*\)""")
SOURCE = re.compile(r"""\bsource\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]\s*\)""")
CALL = re.compile(r"\b(\w+)\(")
MACRO = re.compile(r"\{%-?\s*macro\s+(\w+)\(.*?\{%-?\s*endmacro\s*-?%\}", re.S)
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
RELATION = re.compile(r"""schema\s*=\s*['"](\w+)['"]\s*,\s*identifier\s*=\s*['"](\w+)['"]""")


def project_hash() -> str:
    """Every file dbt reads of the project, hashed (a change anywhere rebuilds)."""
    project = hashlib.sha256()
    for path in sorted(PROJECT_DIR.rglob("*")):
        rel = path.relative_to(PROJECT_DIR).as_posix()
        if path.is_file() and rel.split("/")[0] in PROJECT_PARTS:
            project.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return project.hexdigest()


def selection_key(select: Sequence[str]) -> str:
    """The dbt selection as one key of the build records (`all` for everything)."""
    return " ".join(sorted(select)) or "all"


def input_versions(spark, settings: Settings) -> dict[str, int]:
    """`layer.table` → Delta version of every silver table and every other table a part reads
    outside gold: listed once per build, for `build_inputs` and `part_fingerprint`."""
    reads = {t for part in GOLD_PARTS for t in tables_read(part)}
    return {
        f"{layer}.{table}": latest_version(spark, location)
        for layer, table, location in lake_tables(settings)
        if layer == "silver" or f"{layer}.{table}" in reads
    }


def build_inputs(
    versions: Mapping[str, int],
    run_date: str | None,
    select: Sequence[str],
    excluded: Sequence[str],
    keep_as_of: bool,
    vars: Mapping[str, Any] | None,
) -> str:
    """A fingerprint of everything a gold build reads: every silver table's version (from
    `input_versions`), the dbt project's files, the selection, the excluded sources and the
    vars. With `run_date` None, the fingerprint of what the marts read (no run date, no
    run-date models): the same for every date built on the same silver and project
    (`marts_unchanged`)."""
    silver = {t.removeprefix("silver."): v for t, v in versions.items() if t.startswith("silver.")}
    what = {
        "run_date": run_date,
        "select": selection_key(select),
        "excluded": sorted(excluded),
        "keep_as_of": keep_as_of if run_date is not None else None,
        "vars": vars or {},
        "silver": silver,
        "project": project_hash(),
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()


def _text(sql: Path) -> str:
    """A model's SQL and its yml (its tests name the models they read)."""
    yml = sql.with_suffix(".yml")
    return sql.read_text("utf-8") + (yml.read_text("utf-8") if yml.exists() else "")


@cache
def _project() -> tuple[dict[str, str], set[str], dict[str, str]]:
    """(model or snapshot name → its text, the names that belong to a gold part, macro name →
    body)."""
    texts = {p.stem: _text(p) for p in (PROJECT_DIR / "models").rglob("*.sql")}
    for snapshot in (PROJECT_DIR / "snapshots").glob("*.sql"):
        texts[snapshot.stem] = snapshot.read_text("utf-8")
    in_parts = {p.stem for part in GOLD_PARTS for p in part_folder(part).glob("*.sql")}
    in_parts |= set(SNAPSHOTS)
    macros = {}
    for path in (PROJECT_DIR / "macros").rglob("*.sql"):
        for match in MACRO.finditer(path.read_text("utf-8")):
            macros[match.group(1)] = match.group(0)
    return texts, in_parts, macros


def tables_read(part: str) -> set[str]:
    """`layer.table` of every lake table outside gold that the models of `part` read."""
    texts, in_parts, macros = _project()
    own = {p.stem for p in part_folder(part).glob("*.sql")}
    own |= {name for name, owner in SNAPSHOTS.items() if owner == part}
    todo = [("model", name) for name in sorted(own)]
    done: set[tuple[str, str]] = set()
    found: set[str] = set()
    while todo:
        kind, name = item = todo.pop()
        if item in done or (kind == "model" and name not in texts):
            continue
        done.add(item)
        text = texts[name] if kind == "model" else macros[name]
        found |= {f"{schema}.{table}" for schema, table in SOURCE.findall(text)}
        found |= {f"{schema}.{table}" for schema, table in RELATION.findall(text)}
        todo += [("model", r) for r in REF.findall(text) if r in own or r not in in_parts]
        todo += [("macro", m) for m in set(CALL.findall(text)) & set(macros)]
    return {t for t in found if not t.startswith("gold.")}


@cache
def _sql_texts() -> dict[str, str]:
    """Model or snapshot name → its SQL alone (a yml's tests are not graph edges of dbt's)."""
    texts = {p.stem: p.read_text("utf-8") for p in (PROJECT_DIR / "models").rglob("*.sql")}
    for snapshot in (PROJECT_DIR / "snapshots").glob("*.sql"):
        texts[snapshot.stem] = snapshot.read_text("utf-8")
    return texts


def upstream_sources(name: str) -> set[str]:
    """`schema.table` of every source upstream of model `name` in dbt's graph: its `source`s
    and those of every model it `ref`s, transitively, other parts' marts included, and those
    the macros it calls name (dbt records a macro's `source`/`ref` calls as the model's)."""
    macros = _project()[2]
    sql = _sql_texts()
    todo, done, found = [("model", name)], set(), set()
    while todo:
        kind, item = key = todo.pop()
        if key in done or (kind == "model" and item not in sql):
            continue
        done.add(key)
        # a Jinja comment is never rendered, so dbt records no ref or source written in it
        text = JINJA_COMMENT.sub("", sql[item] if kind == "model" else macros[item])
        found |= {f"{schema}.{table}" for schema, table in SOURCE.findall(text)}
        todo += [("model", r) for r in REF.findall(text)]
        todo += [("macro", m) for m in set(CALL.findall(text)) & set(macros)]
    return found


def nothing_to_build(part: str, excluded: Sequence[str]) -> bool:
    """True when every model and snapshot of `part` lies downstream of a source the build
    leaves out (`--exclude source:silver.<name>+`, `publish.build_args`): dbt would find
    nothing to do. The demo delivery (the catalog and the actions) leaves seven parts so."""
    gone = {f"silver.{name}" for name in excluded}
    own = {p.stem for p in part_folder(part).glob("*.sql")}
    own |= {name for name, owner in SNAPSHOTS.items() if owner == part}
    return bool(own) and all(upstream_sources(name) & gone for name in own)


def part_fingerprint(
    versions: Mapping[str, int],
    part: str,
    excluded: Sequence[str],
    vars: Mapping[str, Any] | None,
) -> str | None:
    """A fingerprint of what `part` reads outside gold (each table's Delta version from
    `input_versions`, or None while it does not exist), the project, the sources it leaves out
    and the vars; None for a part holding a model computed on the run date (rebuilt every run
    date)."""
    if part in AS_OF_PARTS:
        return None
    reads = tables_read(part)
    what = {
        "part": part,
        "tables": {t: versions.get(t) for t in reads},
        "excluded": sorted(s for s in excluded if f"silver.{s}" in reads),
        "vars": vars or {},
        "project": project_hash(),
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()
