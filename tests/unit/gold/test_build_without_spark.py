"""A gold part with nothing to build answers from the lake's files, without a JVM.

A scheduler runs each gold part in a process of its own. On the demo delivery (the catalog and
the actions) seven of the eleven parts read only sources that never delivered, and each such
task took about 11 s in a new process (JVM, the lake's registration, dbt's start) to hear dbt
say "Nothing to do"; now about 2.5 s (`publish.build_without_spark`). The lake here is a few
Delta logs on local disk: a test fails if the part starts Spark."""

from __future__ import annotations

import json

import pytest

from spark_jobs.contracts import all_contracts
from spark_jobs.core.settings import Settings
from spark_jobs.gold.build_records import last_build, published_run_dates
from spark_jobs.gold.part_inputs import nothing_to_build
from spark_jobs.pipeline import tasks
from spark_jobs.pipeline.gold_parts import GOLD_PARTS

DELIVERED = ("supervision_items", "supervision_actions")  # the demo's two sources


class SparkStarted(RuntimeError):
    pass


@pytest.fixture
def demo_lake(tmp_path, monkeypatch) -> Settings:
    """A local lake whose silver holds the demo's two tables (one commit each), and a
    `get_spark` that refuses to start."""
    settings = Settings(home=tmp_path)
    for table in DELIVERED:
        log = tmp_path / "storage" / "lake" / "silver" / table / "_delta_log"
        log.mkdir(parents=True)
        (log / f"{0:020d}.json").write_text(json.dumps({"commitInfo": {}}) + "\n")
    monkeypatch.setenv("LAKEHOUSE_HOME", str(tmp_path))
    monkeypatch.delenv("LAKEHOUSE_MODE", raising=False)

    def no_spark(*_a, **_k):
        raise SparkStarted("get_spark called")

    monkeypatch.setattr(tasks, "get_spark", no_spark)
    return settings


def test_a_part_whose_sources_never_delivered_starts_no_spark(demo_lake, caplog):
    caplog.set_level("INFO", logger="spark_jobs.gold.publish")
    result = tasks.build_gold_part("2024-06-28", "repository_8")

    assert result["nothing_to_build"] is True and result["published"] == {}
    assert "knowledge" in result["skipped_sources"]
    assert "supervision_actions" not in result["skipped_sources"]
    # recorded like a build dbt found nothing to do for: the run date is published for the part
    assert published_run_dates(demo_lake) == {"2024-06-28": ["tag:repository_8"]}
    assert last_build(demo_lake, "2024-06-28", ["tag:repository_8"])["gold"] == {}
    # the task's log says once what was left out, and why nothing was built
    messages = [r.getMessage() for r in caplog.records]
    assert sum("no silver table yet" in m for m in messages) == 1, messages
    assert any("tag:repository_8" in m and "nothing to build" in m for m in messages), messages


def test_a_part_with_a_delivered_source_still_builds(demo_lake, caplog):
    caplog.set_level("INFO", logger="spark_jobs.gold.publish")
    with pytest.raises(SparkStarted):
        tasks.build_gold_part("2024-06-28", "repository_4")  # the actions: dbt must run
    assert published_run_dates(demo_lake) == {}
    # the look before Spark is silent: build_and_publish logs what it leaves out, once
    assert not [r for r in caplog.records if "no silver table yet" in r.getMessage()]


def test_a_crashed_build_is_recovered_with_spark_first(demo_lake):
    marker = demo_lake.home / "gold_audit" / "pending.json"
    marker.parent.mkdir(parents=True)
    marker.write_text(json.dumps({"run_date": "2024-06-27", "versions": {}}))
    with pytest.raises(SparkStarted):  # only Spark can restore what the crash left
        tasks.build_gold_part("2024-06-28", "repository_8")


def test_which_parts_the_demo_delivery_leaves_with_nothing_to_build():
    contracts = all_contracts(Settings().contract_dir)
    left_out = [c.name for c in contracts if c.name not in DELIVERED]
    idle = {part for part in GOLD_PARTS if nothing_to_build(part, left_out)}
    assert idle == {f"repository_{n}" for n in (2, 3, 5, 6, 7, 8)} | {"risk"}
    assert not any(nothing_to_build(part, []) for part in GOLD_PARTS)


def test_a_ref_in_a_jinja_comment_is_no_edge(monkeypatch):
    """dbt never renders `{# ... #}`, so a `ref` or `source` there is not in its graph: taking it
    for one would call a part empty that dbt builds."""
    from spark_jobs.gold import part_inputs

    texts = {
        "mart": "{# was: select * from {{ source('silver', 'knowledge') }} #}\n"
        "select * from {{ ref('stage') }}",
        "stage": "select * from {{ source('silver', 'supervision_actions') }}",
    }
    monkeypatch.setattr(part_inputs, "_sql_texts", lambda: texts)
    assert part_inputs.upstream_sources("mart") == {"silver.supervision_actions"}
