"""The gold build's parts and arguments, without Spark: every mart belongs to exactly one part,
each part runs after the parts whose marts it reads, and excluded sources take their
downstream marts with them."""

from __future__ import annotations

import re

import yaml

from spark_jobs.core.settings import Settings
from spark_jobs.gold.build_records import kept_as_of, published_run_dates, record_run_date
from spark_jobs.gold.part_inputs import tables_read
from spark_jobs.gold.publish import build_args, combined_column_tests
from spark_jobs.pipeline.gold_parts import AS_OF_PARTS, GOLD_PARTS, MODELS, SNAPSHOTS, gold_models
from spark_jobs.quality.gate_record import failed_gate_sources, write_gate_record

REF = re.compile(r"ref\(\s*'(\w+)'\s*\)")


def _materialised() -> dict[str, str]:
    """{model: sql} of every model that writes a gold table (marts and metrics)."""
    return {
        p.stem: p.read_text("utf-8")
        for folder in ("marts", "metrics", "risk")
        for p in (MODELS / folder).rglob("*.sql")
    }


def _upstream(parts: dict[str, tuple[str, ...]], part: str) -> set[str]:
    seen, todo = set(), list(parts[part])
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo += parts[p]
    return seen


def test_every_gold_table_belongs_to_exactly_one_part():
    owners: dict[str, list[str]] = {}
    for part in GOLD_PARTS:
        for model in gold_models(part):
            owners.setdefault(model, []).append(part)
    assert set(owners) == set(_materialised()) | set(SNAPSHOTS)
    assert {m: p for m, p in owners.items() if len(p) != 1} == {}
    assert {f"repository_{n}" for n in range(1, 9)} <= set(GOLD_PARTS)


def test_each_part_runs_after_the_parts_whose_marts_it_reads():
    owner = {m: part for part in GOLD_PARTS for m in gold_models(part)}
    for part in GOLD_PARTS:
        before = _upstream(GOLD_PARTS, part)
        assert part not in before, f"{part} depends on itself"
        for model in gold_models(part):
            if model in SNAPSHOTS:
                continue
            sql = _materialised()[model]
            for ref in REF.findall(sql):
                if ref in owner and owner[ref] != part:
                    assert owner[ref] in before, f"{model} ({part}) reads {ref} ({owner[ref]})"


def test_every_part_is_a_tag_in_the_project():
    project = yaml.safe_load((MODELS.parent / "dbt_project.yml").read_text("utf-8"))
    text = yaml.safe_dump(project)
    for part in GOLD_PARTS:
        assert part in text, part


# the column tests each model's declared_column_checks runs in one query (test_column_checks)
COMBINED = [
    "test_name:not_null", "test_name:unique", "test_name:accepted_values", "test_name:at_least",
    "test_name:not_before",
]  # fmt: skip


def test_build_args_exclude_what_depends_on_missing_sources():
    assert build_args((), ()) == ["build", "--exclude", *COMBINED]
    assert build_args(["tag:repository_5"], ["hotline_12345", "knowledge"]) == [
        "build",
        "--select",
        "tag:repository_5",
        "--indirect-selection",
        "buildable",
        "--exclude",
        "source:silver.hotline_12345+",
        "source:silver.knowledge+",
        *COMBINED,
    ]


def _kind(test) -> str:
    return test if isinstance(test, str) else next(iter(test))


def test_every_model_with_combined_column_tests_runs_declared_column_checks():
    """The pipeline leaves the column tests of those kinds out of its builds: a model that
    declares one and lacks `declared_column_checks` would go unchecked."""
    kinds = set(combined_column_tests())
    unchecked, checked = [], 0
    for path in sorted([*MODELS.rglob("*.yml"), *(MODELS.parent / "snapshots").rglob("*.yml")]):
        doc = yaml.safe_load(path.read_text("utf-8")) or {}
        for node in [*(doc.get("models") or []), *(doc.get("snapshots") or [])]:
            declared = {
                _kind(t) for c in node.get("columns") or [] for t in c.get("data_tests") or []
            }
            if declared & kinds:
                checked += 1
                if "declared_column_checks" not in map(_kind, node.get("data_tests") or []):
                    unchecked.append(node["name"])
    assert unchecked == []
    assert checked >= 50  # every mart, metric, risk model, staging model and the snapshot


def test_gate_record_is_per_run_date(tmp_path):
    settings = Settings(home=tmp_path)
    assert failed_gate_sources(settings, "2024-06-28") == []
    write_gate_record(settings, "2024-06-28", ["knowledge", "approvals", "knowledge"])
    assert failed_gate_sources(settings, "2024-06-28") == ["approvals", "knowledge"]
    assert failed_gate_sources(settings, "2024-06-29") == []
    write_gate_record(settings, "2024-06-28", [])  # a re-run that passes replaces the verdict
    assert failed_gate_sources(settings, "2024-06-28") == []


MACRO = re.compile(r"{%-?\s*macro\s+(\w+)\(.*?{%-?\s*endmacro\s*-?%}", re.S)


def _uses_run_date(sql: str, macros: set[str]) -> bool:
    return "run_date()" in sql or any(f"{m}(" in sql for m in macros)


def test_every_model_computed_on_the_run_date_is_tagged_as_of_run_date():
    """A re-run of a past date keeps the models tagged `as_of_run_date`: a model that reads the
    run date (directly, through a macro, or through an ephemeral model) without the tag would
    be recomputed and change what was reported for that day."""
    macros: set[str] = set()
    for path in (MODELS.parent / "macros").glob("*.sql"):
        text = path.read_text("utf-8")
        macros |= {m.group(1) for m in MACRO.finditer(text) if "run_date()" in m.group(0)}
    assert {"run_date", "metric_periods", "risk_window_start"} <= macros
    macros.discard("run_date")
    ephemeral = {
        p.stem
        for folder in ("staging", "intermediate")
        for p in (MODELS / folder).rglob("*.sql")
        if _uses_run_date(p.read_text("utf-8"), macros)
    }
    # none reads it today (coverage_items, a tagged metric, does); the check still applies
    assert _uses_run_date("from ({{ metric_periods() }}) as periods", macros)
    project = yaml.safe_load((MODELS.parent / "dbt_project.yml").read_text("utf-8"))
    folders = project["models"]["supervision_lakehouse"]
    tagged_folders = {
        f
        for f, c in folders.items()
        if isinstance(c, dict) and "as_of_run_date" in c.get("+tags", [])
    }
    assert tagged_folders == {"metrics", "risk"}
    untagged = []
    for folder in ("marts", "metrics", "risk"):
        for path in (MODELS / folder).rglob("*.sql"):
            sql = path.read_text("utf-8")
            reads = _uses_run_date(sql, macros) or bool(set(REF.findall(sql)) & ephemeral)
            tagged = folder in tagged_folders or "'as_of_run_date'" in sql
            if reads and not tagged:
                untagged.append(path.stem)
    assert untagged == []
    # The parts built on every run date (never skipped as unchanged) are those holding one.
    as_of_models = {
        p.stem
        for folder in ("marts", "metrics", "risk")
        for p in (MODELS / folder).rglob("*.sql")
        if folder in tagged_folders or "'as_of_run_date'" in p.read_text("utf-8")
    }
    assert {p for p in GOLD_PARTS if as_of_models & set(gold_models(p))} == AS_OF_PARTS


def test_what_a_part_reads_outside_gold():
    """Through staging and intermediate models and the macros it calls, not through another
    part's marts (their gold versions stand for them)."""
    assert tables_read("repository_3") == {"silver.enforcement_officers"}
    assert tables_read("repository_1") == {
        "silver.supervision_items",
        "silver.inspection_checklists",
    }  # the snapshot and the checklists' mart read them through stg_ models
    # the draws job's tables, looked up by name in the macro published_draws
    assert {"draws.draw_objects", "draws.draw_records"} <= tables_read("cross_repository")
    # the actions' part reads the catalog's silver through stg_, not the catalog's mart
    assert tables_read("repository_4") == {"silver.supervision_actions", "silver.supervision_items"}
    assert "ops.risk_warning_feedback" in tables_read("risk")
    assert all(not t.startswith("gold.") for p in GOLD_PARTS for t in tables_read(p))


def test_build_args_keep_the_run_date_models_of_a_past_date():
    assert build_args(["tag:metrics"], ["knowledge"], keep_as_of=True) == [
        "build", "--select", "tag:metrics", "--indirect-selection", "buildable",
        "--exclude", "source:silver.knowledge+", "tag:as_of_run_date+", *COMBINED,
    ]  # fmt: skip
    assert build_args((), (), keep_as_of=True) == [
        "build", "--exclude", "tag:as_of_run_date+", *COMBINED,
    ]  # fmt: skip


def test_a_selection_is_kept_only_for_a_date_it_was_published_for(tmp_path):
    settings = Settings(home=tmp_path)
    assert kept_as_of(settings, "2024-06-28", ["tag:metrics"]) is None
    record_run_date(settings, "2024-06-28", ["tag:metrics"])
    record_run_date(settings, "2024-06-28", ["tag:risk"])
    record_run_date(settings, "2024-06-29", ["tag:metrics"])
    record_run_date(settings, "2024-06-29", ["tag:metrics"])  # a re-run records nothing new
    assert published_run_dates(settings) == {
        "2024-06-28": ["tag:metrics", "tag:risk"], "2024-06-29": ["tag:metrics"],
    }  # fmt: skip
    assert kept_as_of(settings, "2024-06-28", ["tag:metrics"]) == "2024-06-29"
    assert kept_as_of(settings, "2024-06-28", ["tag:risk"]) == "2024-06-29"
    assert kept_as_of(settings, "2024-06-29", ["tag:metrics"]) is None  # the newest date
    # Never published for that date (its build failed then): computed now, not kept.
    assert kept_as_of(settings, "2024-06-28", ["tag:repository_6"]) is None
    assert kept_as_of(settings, "2024-06-27", ["tag:metrics"]) is None


def test_a_parts_rerun_compares_its_own_and_its_upstream_gold_tables_only():
    """`gold_scope`: what a part's build writes or reads (its parts, transitively); a later
    part's commit leaves an earlier part's build current, so its rerun is not rebuilt."""
    from spark_jobs.gold.build_records import gold_scope

    assert gold_scope(["tag:repository_1"]) == set(gold_models("repository_1"))
    repo4 = gold_scope(["tag:repository_4"])
    assert repo4 == set(gold_models("repository_4")) | set(gold_models("repository_1")) | set(
        gold_models("repository_3")
    )
    assert "coverage_rate" not in repo4  # metrics come after: not read by repository 4
    risk = gold_scope(["tag:risk"])
    assert set(gold_models("repository_4")) <= risk and set(gold_models("repository_1")) <= risk
    assert gold_scope([]) is None and gold_scope(["tag:nothing"]) is None


def test_no_model_or_macro_reads_a_lake_table_by_a_literal_name():
    """A part is skipped when nothing it reads changed, and what it reads is found through
    `ref`, `source` and `adapter.get_relation(schema=..., identifier=...)`: a table named
    in the SQL itself (`from silver.x`) would be read without being looked at."""
    literal = re.compile(r"\b(from|join)\s+`?(silver|gold|draws|ops|bronze|exchange)`?\.", re.I)
    comments = re.compile(r"--[^\n]*|\{#.*?#\}", re.S)
    project = MODELS.parent
    found = [
        f"{path.relative_to(project)}: {m.group(0)}"
        for folder in ("models", "macros", "snapshots", "tests")
        for path in (project / folder).rglob("*.sql")
        for m in literal.finditer(comments.sub("", path.read_text("utf-8")))
    ]
    assert found == []
    assert literal.search(comments.sub("", "-- from gold.x\nselect 1 from silver.y"))
