"""Gold for the synthetic province: every repository's marts built, tested and published by
dbt (`spark_jobs.gold.publish`) on the silver of all eighteen sources, then checked as an
analyst would: row counts against silver, the documented columns against the tables, no
personal data, and the README's query per repository from a fresh `infra/spark-sql`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from spark_jobs.checks.pii_scan import known_names_from_landing, scan_paths
from spark_jobs.gold.dbt_runner import dbt_target_path
from spark_jobs.gold.publish import build_and_publish, gold_versions
from spark_jobs.pipeline.gold_parts import GOLD_PARTS, gold_models
from tests.analyst_queries import readme_queries, rows_per_query
from tests.spark.conftest import PROVINCE_DAY
from tests.synthetic import SCHEMAS

pytestmark = pytest.mark.slow  # the whole province through gold: not in the quick tier


@pytest.fixture(scope="module")
def gold(spark, province):
    result = build_and_publish(province.lake, PROVINCE_DAY.isoformat())

    def table(name: str):
        return province.table("gold", name)

    return result, table


def test_every_repository_is_published(spark, province, gold):
    result, _ = gold
    assert result["skipped_sources"] == []
    expected = {m for part in GOLD_PARTS for m in gold_models(part)}
    assert set(gold_versions(spark, province.lake)) == expected
    assert set(result["published"]) == expected


def test_marts_hold_every_silver_row_once(spark, province, gold):
    _, table = gold
    silver = {c.name: province.table("silver", c.name).count() for c in province.contracts}
    one_to_one = {
        "supervision_items": "supervision_items",
        "inspection_checklists": "inspection_checklists",
        "supervised_entities": "supervised_entities",
        "enforcement_officers": "enforcement_officers",
        "supervision_actions": "supervision_actions",
        "credit_classes": "credit_classes",
        "public_opinion": "third_party_opinion",
        "monitoring_readings": "third_party_readings",
        "knowledge_base": "knowledge",
        "approval_supervision_linkage": "approvals",
    }
    for mart, source in one_to_one.items():
        assert table(mart).count() == silver[source] > 0, mart
    assert table("complaints").count() == (
        silver["hotline_12345"]
        + silver["complaints_12315"]
        + silver["national_dispatched_complaints"]
    )
    assert table("credit_events").count() == sum(
        silver[s]
        for s in (
            "credit_penalties",
            "credit_abnormal_operations",
            "credit_serious_violations",
            "credit_red_black_lists",
        )
    )
    # The national data sets partition the actions.
    parts = ("inspections", "penalties", "coercive_measures", "other_actions")
    assert sum(table(p).count() for p in parts) == silver["supervision_actions"]
    officers = spark.sql(
        "SELECT sum(size(array_distinct(officer_license_nos))) FROM delta.`"
        + province.lake.table_path("silver", "supervision_actions")
        + "`"
    ).first()[0]
    assert table("action_officers").count() == officers


def test_complaint_lifecycle_and_chain_values(gold):
    _, table = gold
    statuses = {
        (r.channel, r.lifecycle_status)
        for r in table("complaints").select("channel", "lifecycle_status").collect()
    }
    assert {c for c, _ in statuses} == {"12345", "12315", "national"}
    assert None not in {s for _, s in statuses}
    closed = table("complaints").where("lifecycle_status = 'closed'")
    assert closed.where("closed_date IS NULL OR working_days_to_close IS NULL").count() == 0
    chain = table("entity_supervision_chain")
    # step_no numbers each entity's events 1..n in date order.
    bad = (
        chain.groupBy("uscc")
        .agg({"step_no": "max", "*": "count"})
        .where("`max(step_no)` != `count(1)`")
    )
    assert bad.count() == 0
    assert {r.step for r in chain.select("step").distinct().collect()} == {
        "licence", "inspection", "penalty", "credit", "complaint",
    }  # fmt: skip


def test_documented_columns_are_the_tables_columns(province, gold):
    """Every gold table has exactly the columns its .yml documents, in order."""
    _, table = gold
    manifest = json.loads((dbt_target_path(province.lake) / "manifest.json").read_text())
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["config"]["materialized"] == "ephemeral":
            continue
        documented = list(node["columns"])
        assert table(node["name"]).columns == documented, node["name"]


def test_no_personal_data_reaches_gold(spark, province, gold):
    _, table = gold
    personal = {f.name for c in province.contracts for f in c.pii_fields}
    not_personal = {f.name for c in province.contracts for f in c.fields if f.pii == "none"}
    for name in gold_versions(spark, province.lake):
        assert not (personal - not_personal) & set(table(name).columns), name
    names = known_names_from_landing([Path(province.lake.landing_root)], SCHEMAS)
    assert names  # the scanner knows the delivered names, so it can find them
    findings = scan_paths([Path(province.lake.lake_root) / "gold"], names)
    assert findings == [], "\n".join(
        f"{f.path} {f.location} {f.kind} {f.excerpt}" for f in findings
    )


def test_readme_queries_return_rows_from_a_fresh_spark_sql(province, gold, tmp_path):
    queries = readme_queries()
    tables = {t for q in queries for t in re.findall(r"gold\.(\w+)", q)}
    for part in GOLD_PARTS:
        if part.startswith("repository_"):
            assert tables & set(gold_models(part)), f"no README query reads {part}"
    for n, rows in enumerate(rows_per_query(province.lake.home, queries, tmp_path / "q.sql")):
        assert rows, f"README query {n} returned no rows:\n{queries[n]}"
