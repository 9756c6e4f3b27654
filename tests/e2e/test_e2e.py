"""End to end: the README's main job (the synthetic province's 18 sources through Airflow's
test runner on SQLite: ingest DAGs, then the pipeline DAG) twice, then a fresh `spark-sql`
process queries the gold tables by name, as the README's analysts do."""

import json
import os
import subprocess

import pytest

from spark_jobs.contracts import all_contracts
from spark_jobs.core.settings import REPO_ROOT
from spark_jobs.pipeline.gold_parts import GOLD_PARTS, gold_models
from tests.analyst_queries import readme_queries, rows_per_query

pytestmark = pytest.mark.e2e


def _run(cmd, env, timeout=1500):
    proc = subprocess.run(
        cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return proc.stdout


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    home = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKEHOUSE_", "AIRFLOW"))}
    env["LAKEHOUSE_HOME"] = str(home)
    first = _run(["bash", "infra/main.sh"], env)
    report1 = json.loads((home / "reports" / "run-2024-06-28.json").read_text("utf-8"))
    export_dir = home / "storage" / "exports" / "national" / "2024-06-28"
    files1 = {p.relative_to(export_dir).as_posix(): p.read_bytes() for p in export_dir.rglob("*")
              if p.is_file()}  # fmt: skip
    second = _run(["bash", "infra/main.sh"], env)
    report2 = json.loads((home / "reports" / "run-2024-06-28.json").read_text("utf-8"))
    files2 = {p.relative_to(export_dir).as_posix(): p.read_bytes() for p in export_dir.rglob("*")
              if p.is_file()}  # fmt: skip
    return {
        "home": home,
        "env": env,
        "out": first,
        "out2": second,
        "report1": report1,
        "report2": report2,
        "files1": files1,
        "files2": files2,
    }


def test_main_job_runs_every_source_through_every_layer(runs):
    out = runs["out"]
    contracts = {c.name for c in all_contracts(REPO_ROOT / "schemas")}
    for source in contracts:
        assert f"main: ingest_{source} 2024-06-28 done" in out, source
    assert "main: supervision_actions_pipeline 2024-06-28 done" in out
    assert "National export:" in out and "Data Docs:" in out and "dbt docs:" in out
    rows = runs["report1"]["rows"]
    for source in contracts:
        assert rows[f"bronze.{source}"] > 0 and rows[f"silver.{source}"] > 0, source
    # Every mart of the eight repositories, the cross-repository views and the metrics.
    for part in GOLD_PARTS:
        for model in gold_models(part):
            assert rows[f"gold.{model}"] > 0, (part, model)
    assert runs["report1"]["gold_skipped_sources"] == []
    # The province's supervision actions: 1,002 delivered rows (ground truth: 24 row faults,
    # of which the full-width digits are repaired and 2 rows are superseded by a later copy).
    assert rows["bronze.supervision_actions"] == 1002
    assert rows["silver.supervision_actions"] == rows["gold.supervision_actions"] == 981
    parts = ("inspections", "penalties", "coercive_measures", "other_actions")
    assert sum(rows[f"gold.{p}"] for p in parts) == 981
    coverage = {c["department_code"]: c for c in runs["report1"]["coverage"]}
    assert coverage["31"]["items_covered"] == 5 and coverage["31"]["meets_100_target"] is True
    assert coverage["25"]["items_covered"] == 2 and coverage["25"]["meets_80_target"] is False


def test_nothing_lost_every_row_read_is_accepted_quarantined_or_superseded(runs):
    silver = [r for r in runs["report1"]["operations"] if r["stage"] == "silver"]
    assert {r["source"] for r in silver} == {c.name for c in all_contracts(REPO_ROOT / "schemas")}
    for r in silver:
        assert r["status"] == "done", r
        assert r["read"] == r["accepted"] + r["quarantined"] + (r["superseded"] or 0), r
        assert r["accepted"] == runs["report1"]["rows"][f"silver.{r['source']}"], r


def test_second_run_changes_no_counts_and_export_is_byte_identical(runs):
    assert runs["report2"]["rows"] == runs["report1"]["rows"]
    assert runs["report2"]["quarantine_rows"] == runs["report1"]["quarantine_rows"]
    assert runs["files1"] == runs["files2"]
    assert "ingest_bronze skipped" in runs["out2"]  # bronze skips what it already holds
    # One national batch for the day, re-written byte for byte by the second run: the first
    # batch of a new exchange sends every record (`i`), in the national field names.
    manifest = json.loads(runs["files1"]["2024062800001/manifest.json"])
    assert manifest["batch_no"] == "2024062800001"
    actions = ("inspection_action", "penalty_action", "coercion_action", "other_action")
    assert sum(manifest["datasets"][d]["inserts"] for d in actions) == 981
    assert manifest["datasets"]["supervised_entity"]["inserts"] > 0
    assert manifest["datasets"]["officer"]["inserts"] > 0
    text = runs["files1"]["2024062800001/inspection_action/part-00000.jsonl"].decode("utf-8")
    record = json.loads(text.splitlines()[0])
    assert record["cd_batch"] == "2024062800001" and record["cd_operation"] == "i"
    assert record["检查行为编号"] == record["cd_id"] and len(record["监管事项目录编码"]) == 14
    assert not {"contact_phone", "contact_name", "contact_name_masked"} & set(record)


def test_fresh_spark_sql_answers_the_readme_query_of_every_repository(runs, tmp_path):
    queries = ["SHOW TABLES IN gold", "SELECT count(*) FROM gold.supervision_actions"]
    readme = readme_queries()
    answers = rows_per_query(runs["home"], queries + readme, tmp_path / "queries.sql")
    tables = {line.strip() for line in answers[0]}  # spark-sql prints the table names only
    assert tables >= {m for part in GOLD_PARTS for m in gold_models(part)}
    assert answers[1] == ["981"]
    for query, rows in zip(readme, answers[2:], strict=True):
        assert rows, f"README query returned no rows after the main job:\n{query}"


def test_no_raw_personal_data_outside_silver(runs):
    """The scanner (check-digit aware; names are those delivered in the landing files) finds
    no raw ID number, mobile or contact name in gold, the exports, the Airflow and dags-test
    logs, the Great Expectations results and Data Docs, or the reports; it does find the
    delivered ones in silver, so it is looking."""
    from spark_jobs.checks.pii_scan import known_names_from_landing, scan_paths

    home = runs["home"]
    storage = home / "storage"
    names = known_names_from_landing([storage / "landing"], REPO_ROOT / "schemas")
    outside = [
        storage / "lake" / "gold",
        storage / "exports",
        home / "airflow" / "logs",
        home / "airflow" / "dags-test.log",
        home / "gx",
        home / "data_docs",
        home / "reports",
    ]
    findings = scan_paths([p for p in outside if p.exists()], names)
    assert findings == [], "\n".join(
        f"{f.path} {f.location} {f.kind} {f.excerpt}" for f in findings
    )
    assert scan_paths([storage / "lake" / "silver" / "supervision_actions"], names)
