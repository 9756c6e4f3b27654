"""The main job's DAG runner (spark_jobs/pipeline/dag_runs.py) on a real SQLite metadata
database: a DAG run whose task fails stops the run with the DAG and the task named, and Airflow's
own output goes to the log, not the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spark_jobs.core.settings import REPO_ROOT

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory):
    home = tmp_path_factory.mktemp("dag_runs")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKEHOUSE_", "AIRFLOW"))}
    env |= {
        "LAKEHOUSE_HOME": str(home),
        "AIRFLOW_HOME": str(home / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "PATH": f"{BIN}:{env.get('PATH', '')}",
    }
    migrate = subprocess.run(
        [str(BIN / "airflow"), "db", "migrate"], env=env, capture_output=True, text=True,
        timeout=600, cwd=REPO_ROOT,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stdout[-2000:] + migrate.stderr[-2000:]
    return home, env


def _dag_runs(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "spark_jobs.pipeline.dag_runs", *args], env=env,
        capture_output=True, text=True, timeout=900, cwd=REPO_ROOT,
    )  # fmt: skip


def test_a_pattern_that_matches_no_dag_is_refused(airflow_env):
    home, env = airflow_env
    run = _dag_runs(env, "--log", str(home / "log"), "2024-06-28", "ingest_no_such_source*")
    assert run.returncode == 2
    assert "no DAG matches 'ingest_no_such_source*'" in run.stdout


def test_a_failed_task_stops_the_run_and_names_dag_and_task(airflow_env):
    home, env = airflow_env
    day = home / "storage" / "landing" / "supervision_items" / "2024-06-28"
    day.mkdir(parents=True)
    # The only file has a header that is not the contract's: it is rejected, so the ingest task
    # fails (every file rejected) and the run must stop there.
    (day / "supervision_items_2024-06-28.csv").write_text("not,the,header\n1,2,3\n", "utf-8")
    log = home / "dags.log"
    run = _dag_runs(env, "--log", str(log), "2024-06-28", "ingest_supervision_items")
    assert run.returncode == 1, run.stdout + run.stderr
    assert (
        "main: DAG ingest_supervision_items for 2024-06-28: run failed; "
        "tasks {'ingest_bronze': 'failed'}"
    ) in run.stdout
    assert "[DAG TEST]" not in run.stdout  # Airflow's output is in the log
    assert "[DAG TEST]" in log.read_text("utf-8")
    # the shared on-failure callback ran in the real task runner: one alert record
    alerts = [
        json.loads(line)
        for line in (home / "alerts" / "alerts.jsonl").read_text("utf-8").splitlines()
    ]
    assert [(a["kind"], a["dag_id"], a["task_id"], a["run_date"]) for a in alerts] == [
        ("task_failed", "ingest_supervision_items", "ingest_bronze", "2024-06-28")
    ]
    assert "ALERT task_failed" in log.read_text("utf-8")


def test_a_date_range_can_be_backfilled_with_airflows_backfill(airflow_env):
    """`infra/backfill.sh --dry-run`: Airflow's own backfill plans one pipeline run per date,
    oldest first, with the DAG's conf. (The real backfill needs the scheduler running the whole
    pipeline once per date: run by hand, README "Backfill".)"""
    _, env = airflow_env
    run = subprocess.run(
        ["bash", "infra/backfill.sh", "2024-06-28", "2024-06-30", "--dry-run", "--recompute-past"],
        env=env, capture_output=True, text=True, timeout=600, cwd=REPO_ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = run.stdout
    assert "dag_id = supervision_pipeline" in out
    assert "dag_run_conf = {'recompute_past': True}" in out
    planned = [line.split("|")[1].strip() for line in out.splitlines() if "+00:00 |" in line]
    assert planned == [f"2024-06-{d} 00:00:00+00:00" for d in (28, 29, 30)]
    bad = subprocess.run(
        ["bash", "infra/backfill.sh", "2024-06-28", "30.06.2024"],
        env=env, capture_output=True, text=True, timeout=60, cwd=REPO_ROOT,
    )  # fmt: skip
    assert bad.returncode == 2 and "dates are YYYY-MM-DD, got '30.06.2024'" in bad.stdout


def test_days_run_one_date_after_another_in_one_process(airflow_env):
    """`--days N` (the main job's days): the date and the days after it, in order, each day's
    DAG runs finished before the next day's start; a day without a pipeline run has no report
    and says so instead of failing."""
    home, env = airflow_env
    run = _dag_runs(
        env, "--log", str(home / "days.log"), "--days", "2", "2024-07-01", "ingest_knowledge"
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = [line.split(" done in ")[0] for line in run.stdout.splitlines()]
    assert lines == [
        "main: day 1 of 2: 2024-07-01",
        "main: ingest_knowledge 2024-07-01",
        f"main: no report for 2024-07-01 ({home}/reports/run-2024-07-01.json not written)",
        "main: day 2 of 2: 2024-07-02",
        "main: ingest_knowledge 2024-07-02",
        f"main: no report for 2024-07-02 ({home}/reports/run-2024-07-02.json not written)",
    ], run.stdout
    refused = _dag_runs(env, "--days", "0", "2024-07-01", "ingest_knowledge")
    assert refused.returncode == 2
    assert "main: --days takes a whole number of days, 1 or more" in refused.stdout
