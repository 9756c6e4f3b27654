"""The benchmarks are scripts, not collected by pytest and run by hand: a module or function
they name that moved or was renamed surfaces only when someone runs them (`bench_ingest.py`
imported `source_contracts` from where it no longer was for weeks). Every name a benchmark
imports from the project, and every attribute it reads from a project module, must exist."""

import ast
import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parents[2] / "benchmarks").glob("*.py"))
PROJECT = ("spark_jobs", "tests")


def _project_names(path: Path) -> list[tuple[str, str, int]]:
    """(module, attribute, line) for each `from <project module> import name` and each
    `<imported project module>.attribute` read in the file."""
    tree = ast.parse(path.read_text("utf-8"))
    names, modules = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PROJECT):
            for alias in node.names:
                names.append((node.module, alias.name, node.lineno))
                full = f"{node.module}.{alias.name}"
                try:
                    importlib.import_module(full)
                    modules[alias.asname or alias.name] = full
                except ImportError:
                    pass  # a function or class, not a module
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            names.append((modules[node.value.id], node.attr, node.lineno))
    return names


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_every_project_name_a_benchmark_uses_exists(path):
    missing = [
        f"{path.name}:{line}: {module}.{name}"
        for module, name, line in _project_names(path)
        if not hasattr(importlib.import_module(module), name)
    ]
    assert missing == []


def test_the_check_finds_a_name_that_is_gone(tmp_path):
    script = tmp_path / "bench_x.py"
    script.write_text(
        "from spark_jobs.ingest import bronze\n"
        "from spark_jobs.ingest.task import source_contracts\n"
        "bronze.read_json_dump\n",
        "utf-8",
    )
    gone = [
        (m, n) for m, n, _ in _project_names(script) if not hasattr(importlib.import_module(m), n)
    ]
    assert gone == [
        ("spark_jobs.ingest.task", "source_contracts"),
        ("spark_jobs.ingest.bronze", "read_json_dump"),
    ]
