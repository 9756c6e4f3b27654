"""End to end: the README's main job (Airflow `dags test` on SQLite) twice, then a fresh
`spark-sql` process queries the gold tables by name."""

import json
import os
import subprocess

import pytest

from spark_jobs.core.settings import REPO_ROOT

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
    files1 = {p.name: p.read_bytes() for p in export_dir.rglob("*") if p.is_file()}
    second = _run(["bash", "infra/main.sh"], env)
    report2 = json.loads((home / "reports" / "run-2024-06-28.json").read_text("utf-8"))
    files2 = {p.name: p.read_bytes() for p in export_dir.rglob("*") if p.is_file()}
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


def test_main_job_prints_rows_per_layer_coverage_and_export(runs):
    out = runs["out"]
    assert "bronze.supervision_actions" in out and "gold.supervision_actions" in out
    assert "National export:" in out and "Data Docs:" in out
    rows = runs["report1"]["rows"]
    assert rows["bronze.supervision_actions"] == 240
    assert rows["silver.supervision_actions"] == 234
    assert rows["gold.supervision_actions"] == 234
    assert rows["gold.supervision_items"] == 23
    assert runs["report1"]["quarantine_rows"] == 6
    coverage = {c["department_code"]: c for c in runs["report1"]["coverage"]}
    assert coverage["31"]["items_covered"] == 8 and coverage["31"]["meets_100_target"] is True
    assert coverage["25"]["meets_80_target"] is False


def test_second_run_changes_no_counts_and_export_is_byte_identical(runs):
    assert runs["report2"]["rows"] == runs["report1"]["rows"]
    assert runs["report2"]["quarantine_rows"] == runs["report1"]["quarantine_rows"]
    assert runs["files1"] == runs["files2"]
    manifest = json.loads(runs["files1"]["manifest.json"])
    assert manifest["row_count"] == 234 and manifest["contract"]["version"] == "1.0.0"
    lines = runs["files1"]["part-00000.jsonl"].decode("utf-8").splitlines()
    assert len(lines) == 234
    record = json.loads(lines[0])
    assert "contact_phone" not in record and "contact_name" not in record
    assert "****" in record["contact_phone_masked"]


def test_fresh_spark_sql_lists_and_queries_gold_tables(runs):
    out = _run(
        [
            "bash",
            "infra/spark-sql",
            "-e",
            "SHOW TABLES IN gold; SELECT count(*) FROM gold.supervision_actions; "
            "SELECT department_code, items_covered FROM gold.coverage_rate ORDER BY 1",
        ],
        runs["env"] | {"LAKEHOUSE_HOME": str(runs["home"])},
        timeout=600,
    )
    lines = out.split()
    assert {"supervision_actions", "supervision_items", "coverage_rate"} <= set(lines)
    assert "234" in lines


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
