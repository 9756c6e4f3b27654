"""`part_inputs.nothing_to_build` (read from the project's files) against dbt's own selection:
for the sources a build leaves out, a part has nothing to build exactly when `dbt ls` of its
build selection (`publish.build_args`) lists no model and no snapshot. A gold task trusts the
first to skip its part without starting Spark or dbt (`publish.build_without_spark`)."""

from __future__ import annotations

import json

import pytest

from spark_jobs.contracts import all_contracts
from spark_jobs.gold.dbt_runner import run_dbt
from spark_jobs.gold.part_inputs import nothing_to_build
from spark_jobs.gold.publish import build_args, gold_vars
from spark_jobs.pipeline.gold_parts import GOLD_PARTS


def _built_by_dbt(settings, left_out: list[str]) -> dict[str, list[str]]:
    """{part: the models and snapshots dbt would build for it} with `left_out` excluded."""
    args = build_args([f"tag:{p}" for p in GOLD_PARTS], left_out)
    args[0] = "ls"
    args += ["--resource-types", "model", "snapshot", "--output", "json"]
    args += ["--output-keys", "name", "tags"]
    result = run_dbt(args, settings, vars=gold_vars("2024-06-28", left_out))
    built: dict[str, list[str]] = {part: [] for part in GOLD_PARTS}
    for line in result.result:
        node = json.loads(line)
        for tag in node["tags"]:
            if tag in built:
                built[tag].append(node["name"])
    return built


@pytest.mark.parametrize(
    "delivered",
    [
        ("supervision_items", "supervision_actions"),  # the demo delivery
        ("supervision_actions",),
        ("supervised_entities", "credit_penalties", "hotline_12345"),
        None,  # every source
    ],
    ids=["demo", "actions-only", "three-sources", "all"],
)
def test_nothing_to_build_agrees_with_dbts_selection(lake, delivered):
    names = [c.name for c in all_contracts(lake.contract_dir)]
    left_out = [] if delivered is None else [n for n in names if n not in delivered]
    built = _built_by_dbt(lake, left_out)
    assert {p: not built[p] for p in GOLD_PARTS} == {
        p: nothing_to_build(p, left_out) for p in GOLD_PARTS
    }, built
