"""The Delta change data feed is on for exactly the gold marts the national exchange reads.

The exchange (spark_jobs/exports) reads the feed of the table each data set of
`datasets.yaml` names; dbt turns the feed on per model in dbt_project.yml. A data set whose
mart lacks it would send a snapshot instead of changes after every full rebuild; a mart that has
it without a reader pays for pre- and post-images in every MERGE (about 3 s a day on the actions
mart) for nothing."""

from __future__ import annotations

from pathlib import Path

import yaml

from spark_jobs.exports.datasets import load_config
from spark_jobs.pipeline.gold_parts import MODELS

PROJECT = MODELS.parent / "dbt_project.yml"
CDF = "delta.enableChangeDataFeed"


def _feed_models(node: dict, path: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """{model or folder name: its path} of every node of the models config that turns the
    change data feed on."""
    found = {}
    props = node.get("+tblproperties") or {}
    if str(props.get(CDF, "")).lower() == "true":
        found[path[-1] if path else ""] = path
    for key, child in node.items():
        if not key.startswith("+") and isinstance(child, dict):
            found.update(_feed_models(child, (*path, key)))
    return found


def test_the_feed_is_on_for_exactly_the_exported_gold_marts():
    config = yaml.safe_load(PROJECT.read_text("utf-8"))["models"]["supervision_lakehouse"]
    feed = _feed_models(config)
    exported = {d.table_name for d in load_config().datasets.values() if d.layer == "gold"}
    assert exported == {
        "inspections",
        "penalties",
        "coercive_measures",
        "other_actions",
        "supervised_entities",
        "enforcement_officers",
    }
    assert set(feed) == exported
    for path in feed.values():  # each a model, at its own file's place
        assert (MODELS / Path(*path).with_suffix(".sql")).is_file(), path
