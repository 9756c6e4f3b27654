"""End to end: the README's main job (the synthetic province's 18 sources for three days in a
row through Airflow's test runner on SQLite: ingest DAGs, then the pipeline DAG, day after
day), then a fresh `spark-sql` process queries the gold tables by name, as the README's
analysts do. A re-run of a processed day (no table and no export byte changes) is proved by
`tests/faults/test_kill.py`, on the catalog and the actions: re-running the last day here too
(about 4 minutes) put CI past its time limit. The later days' answer is the generator's ground_truth_days.csv."""

import csv
import dataclasses
import json
import os
import subprocess
from pathlib import Path

import pytest

from spark_jobs.contracts import all_contracts
from spark_jobs.core.settings import REPO_ROOT
from spark_jobs.gold.dbt_runner import dbt_target_path
from spark_jobs.pipeline.gold_parts import GOLD_PARTS, SNAPSHOTS, gold_models
from tests.analyst_queries import readme_queries, rows_per_query

pytestmark = pytest.mark.e2e


def _run(cmd, env, timeout=1500):
    proc = subprocess.run(
        cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return proc.stdout


DAYS = ("2024-06-28", "2024-06-29", "2024-06-30")  # the main job's default: three days
GENERATED = REPO_ROOT / "data_samples" / "large" / "main-province-3d-x1"


def _exports(home: Path) -> dict[str, bytes]:
    root = home / "storage" / "exports" / "national"
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for day in DAYS
        for p in (root / day).rglob("*")
        if p.is_file()
    }


def _reports(home: Path) -> dict[str, dict]:
    return {
        day: json.loads((home / "reports" / f"run-{day}.json").read_text("utf-8")) for day in DAYS
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    home = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKEHOUSE_", "AIRFLOW"))}
    for name in ("DAYS", "SCALE", "SAMPLES", "RUN_DATE"):  # the README's command, as is
        env.pop(name, None)
    env["LAKEHOUSE_HOME"] = str(home)
    first = _run(["bash", "infra/main.sh"], env, timeout=4200)
    (home / "main-first.out").write_text(first, "utf-8")  # what the terminal showed, kept
    reports1, files1 = _reports(home), _exports(home)
    dashboard = home / "reports" / "dashboard" / DAYS[-1] / "dashboard.html"
    with open(GENERATED / "ground_truth_days.csv", encoding="utf-8") as fh:
        later = list(csv.DictReader(fh))
    return {
        "home": home,
        "env": env,
        "out": first,
        "report1": reports1[DAYS[0]],  # day 1 as its run left it
        "reports1": reports1,
        "files1": files1,
        "dashboard": dashboard,
        "later": later,
    }


def test_main_job_runs_every_source_through_every_layer(runs):
    out = runs["out"]
    contracts = {c.name for c in all_contracts(REPO_ROOT / "schemas")}
    for day in DAYS:
        for source in contracts:
            assert f"main: ingest_{source} {day} done" in out, (day, source)
        assert f"main: supervision_pipeline {day} done" in out
        assert f"Delivered on {day} (files: ingested/skipped/rejected/waiting; rows):" in out
    assert "National export:" in out and "Data Docs:" in out and "dbt docs:" in out
    rows = runs["report1"]["rows"]
    for source in contracts:
        assert rows[f"bronze.{source}"] > 0 and rows[f"silver.{source}"] > 0, source
    # Every mart of the eight repositories, the cross-repository views and the metrics.
    for part in GOLD_PARTS:
        for model in gold_models(part):
            assert rows[f"gold.{model}"] > 0, (part, model)
    assert runs["report1"]["gold_skipped_sources"] == []
    # The province's supervision actions: 1,097 delivered rows, the inspections that penalties,
    # coercions and other acts follow among them (ground truth: 25 labelled rows, of which the 2
    # full-width digits are repaired and 3 rows are superseded by a later copy).
    assert rows["bronze.supervision_actions"] == 1097
    assert rows["silver.supervision_actions"] == rows["gold.supervision_actions"] == 1074
    parts = ("inspections", "penalties", "coercive_measures", "other_actions")
    assert sum(rows[f"gold.{p}"] for p in parts) == 1074
    coverage = {c["department_code"]: c for c in runs["report1"]["coverage"]}
    assert coverage["31"]["items_covered"] == 5 and coverage["31"]["meets_100_target"] is True
    assert coverage["25"]["items_covered"] == 2 and coverage["25"]["meets_80_target"] is False


def _delivered(runs, day: str, source: str) -> dict:
    return next(r for r in runs["reports1"][day]["delivered"] if r["source"] == source)


def test_the_later_days_arrive_as_their_ground_truth_says(runs):
    """Day 2 and day 3 of the province (tests/synthetic/profiles/days.py): new actions and
    work orders, corrections, a retired item, a re-sent file skipped, a late file of day 2
    landing on day 3, and the credit platform's listings dump of day 2 sent in two parts:
    held `waiting` on day 2, landed whole once on day 3."""
    later, out = runs["later"], runs["out"]
    for day in DAYS[1:]:
        files = {r["file"] for r in later if r["delivery_date"] == day and r["row_number"]}
        rows = [r for r in later if r["delivery_date"] == day and r["row_number"]]
        actions = _delivered(runs, day, "supervision_actions")
        expected = [r for r in rows if r["source"] == "supervision_actions"]
        assert actions["rows_read"] == actions["rows_accepted"] == len(expected), day
        assert actions["files_ingested"] == len(
            {f for f in files if f.startswith("supervision_actions/")}
        )
        assert _delivered(runs, day, "enforcement_officers")["files_skipped"] == 1  # re-sent
        orders = _delivered(runs, day, "hotline_12345")
        assert orders["rows_accepted"] == sum(r["source"] == "hotline_12345" for r in rows)
    # the listings dump of day 2: page 1 waiting on day 2, the whole dump (and day 3's) on day 3
    day2 = _delivered(runs, DAYS[1], "credit_abnormal_operations")
    assert (day2["files_ingested"], day2["files_waiting"], day2["rows_read"]) == (0, 1, None)
    day3 = _delivered(runs, DAYS[2], "credit_abnormal_operations")
    listings = [r for r in later if r["source"] == "credit_abnormal_operations" and r["row_number"]]
    assert (day3["files_ingested"], day3["files_waiting"]) == (4, 0)
    assert day3["rows_read"] == day3["rows_accepted"] == len(listings) == 16
    rows = runs["reports1"][DAYS[-1]]["rows"]
    assert rows["bronze.credit_abnormal_operations"] == 10 + 16  # day 1's ten, each row once
    assert rows["silver.credit_abnormal_operations"] == 6 + 16
    (late,) = [r for r in later if r["change"] == "late_file"]
    assert late["file"].endswith(f"_{DAYS[1]}.csv") and late["delivery_date"] == DAYS[2]
    assert "credit_abnormal_operations       files 0/0/0/1" in out  # day 2's summary


def test_nothing_lost_every_row_read_is_accepted_quarantined_or_superseded(runs):
    names = {c.name for c in all_contracts(REPO_ROOT / "schemas")}
    for day in (DAYS[0], DAYS[-1]):  # day 1's files, then every file of the three days
        report = runs["reports1"][day]
        silver = [r for r in report["operations"] if r["stage"] == "silver"]
        assert {r["source"] for r in silver} == names
        for r in silver:
            assert r["status"] == "done", r
            assert r["read"] == r["accepted"] + r["quarantined"] + (r["superseded"] or 0), r
            if day == DAYS[0]:  # later days correct rows: accepted twice, one row in silver
                assert r["accepted"] == report["rows"][f"silver.{r['source']}"], r


def test_the_first_national_batch_sends_every_record_in_national_names(runs):
    assert {name.split("/")[0] for name in runs["files1"]} == set(DAYS)
    # One national batch for the day: the first batch of a new exchange sends every record
    # (`i`), in the national field names.
    manifest = json.loads(runs["files1"]["2024-06-28/2024062800001/manifest.json"])
    assert manifest["batch_no"] == "2024062800001"
    actions = ("inspection_action", "penalty_action", "coercion_action", "other_action")
    assert sum(manifest["datasets"][d]["inserts"] for d in actions) == 1074
    assert manifest["datasets"]["supervised_entity"]["inserts"] > 0
    assert manifest["datasets"]["officer"]["inserts"] > 0
    text = runs["files1"]["2024-06-28/2024062800001/inspection_action/part-00000.jsonl"].decode(
        "utf-8"
    )
    record = json.loads(text.splitlines()[0])
    assert record["cd_batch"] == "2024062800001" and record["cd_operation"] == "i"
    assert record["检查行为编号"] == record["cd_id"] and len(record["监管事项目录编码"]) == 14
    assert not {"contact_phone", "contact_name", "contact_name_masked"} & set(record)


FIRST = ["SHOW TABLES IN gold", "SELECT count(*) FROM gold.supervision_actions"]


@pytest.fixture(scope="module")
def fresh_sql(runs, tmp_path_factory):
    """The README's queries and the leaders' page figures, answered by one fresh `spark-sql`
    process (a second process for the page's figures cost about 30 s of the suite)."""
    queries = FIRST + readme_queries() + GOLD_FIGURES
    script = tmp_path_factory.mktemp("spark-sql") / "queries.sql"
    answers = rows_per_query(runs["home"], queries, script)
    return {"readme": answers[: -len(GOLD_FIGURES)], "figures": answers[-len(GOLD_FIGURES) :]}


def test_fresh_spark_sql_answers_the_readme_query_of_every_repository(runs, fresh_sql):
    readme = readme_queries()
    answers = fresh_sql["readme"]
    assert len(answers) == len(FIRST) + len(readme)
    tables = {line.strip() for line in answers[0]}  # spark-sql prints the table names only
    assert tables >= {m for part in GOLD_PARTS for m in gold_models(part)}
    new = sum(r["change"] == "new" and r["source"] == "supervision_actions" for r in runs["later"])
    assert new == 40 and answers[1] == [str(1074 + new)]  # day 1's, and the later days' new
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


DAY = f"DATE'{DAYS[-1]}'"  # the leaders' page of the last day
GOLD_FIGURES = [  # what the leaders' page must show, as an analyst reads it from gold
    "SELECT subject_code, items_in_force, items_covered, coverage_rate FROM gold.coverage_periodic"
    f" WHERE run_date = {DAY} AND period_grain = 'year_to_date' AND subject_type = 'department'"
    " ORDER BY 1",
    "SELECT subject_code, items_in_force, items_covered, coverage_rate FROM gold.coverage_periodic"
    f" WHERE run_date = {DAY} AND period_grain = 'year_to_date' AND subject_type = 'region'"
    " ORDER BY 1",
    "SELECT subject_code, score, grade_name FROM gold.evaluation_scorecard"
    f" WHERE run_date = {DAY} AND period_grain = 'year_to_date' AND subject_type = 'department'"
    " ORDER BY 1",
    "SELECT department_code, indicator, warning_level FROM gold.collection_warnings"
    f" WHERE run_date = {DAY} AND period_grain = 'year_to_date' ORDER BY 1, 2",
    "SELECT risk_model, count_if(warning_level = 'red'), count_if(warning_level = 'orange'),"
    " count_if(warning_level = 'yellow'), count(*) FROM gold.risk_warnings GROUP BY 1 ORDER BY 1",
]
LEVELS = {"红色": "red", "橙色": "orange", "黄色": "yellow"}


def _pct(rate: str) -> str:
    return f"{float(rate) * 100:.2f}%"


def test_leaders_dashboard_shows_the_gold_figures_in_a_real_browser(runs, fresh_sql):
    """The page the report task builds opens offline in Debian's chromium, draws its charts
    (ECharts, inlined), and every coverage, grade and warning figure it shows equals the gold
    tables as a fresh spark-sql reads them."""
    from playwright.sync_api import sync_playwright

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.fail(f"{chromium} is missing: run infra/setup.sh (chromium, fonts-noto-cjk)")
    page_file = runs["dashboard"]
    assert f"Leaders' page:    {page_file}" in runs["out"]
    gold = [[line.split("\t") for line in rows] for rows in fresh_sql["figures"]]
    departments, regions, grades, warnings, risk = gold
    assert departments and regions and grades and risk
    requests: list[str] = []
    errors: list[str] = []
    shots = runs["home"] / "screenshots" / "dashboard"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            assert page.evaluate("document.body.dataset.charts") == "drawn", errors

            def cells(table: str, cols: tuple[str, ...]) -> list[list[str]]:
                """Each row's key and the shown text of `cols`, in one call into the page (a
                locator call per cell cost a round trip each)."""
                return page.evaluate(
                    """([table, cols]) => [...document.querySelectorAll(
                        `table#${table} tr[data-key]`)].map(row => [row.dataset.key,
                        ...cols.map(c => row.querySelector(`td[data-col="${c}"]`)
                        .innerText.trim())])""",
                    [table, list(cols)],
                )

            cols = ("items_in_force", "items_covered", "coverage_rate")
            shown = sorted(cells("coverage-departments", cols))  # graded-only rows show '-'
            assert [r for r in shown if r[1] != "-"] == [
                [c, n, k, _pct(r)] for c, n, k, r in departments
            ]
            page.locator("details summary").first.click()  # the counties, folded by default
            shown = sorted(cells("coverage-regions", cols) + cells("coverage-counties", cols))
            assert [r for r in shown if r[1] != "-"] == [
                [c, n, k, _pct(r)] for c, n, k, r in regions
            ]
            graded = [
                r
                for r in sorted(cells("coverage-departments", ("score", "grade_name")))
                if r[1] != "-"
            ]
            assert graded == [[c, f"{float(s):.2f}", g] for c, s, g in grades]
            shown = cells("collection-warnings", ("warning_level",)) if warnings else []
            assert sorted([[*k.split(":"), LEVELS[lv]] for k, lv in shown]) == warnings
            risk_cols = ("red", "orange", "yellow", "total")
            assert sorted(cells("risk-models", risk_cols)) == risk
            # the chart draws the same rates as the table (in %, the targets as mark lines)
            bars = page.evaluate(
                "echarts.getInstanceByDom(document.getElementById('chart-departments'))"
                ".getOption().series[0].data.map(d => d.value)"
            )
            assert sorted(bars) == sorted(round(float(r) * 100, 2) for _, _, _, r in departments)
            province = next(r for r in regions if r[0] == "140000")
            card = page.locator('[data-card="province_coverage"] .value').inner_text()
            assert card == _pct(province[3])
            assert "监管行为覆盖率" in page.locator("h2").first.inner_text()
            page.evaluate("window.scrollTo(0, 0)")  # the sticky navbar stays at the top
            page.screenshot(path=str(shots / "dashboard.png"), full_page=True)
        finally:
            browser.close()
    print(f"\nscreenshot of the leaders' page: {shots / 'dashboard.png'}")
    assert (shots / "dashboard.png").stat().st_size > 50_000
    assert requests and all(u.startswith("file:") for u in requests), requests  # offline


# --- the main job's gold, read as Delta tables by this process ------------------------------------
@pytest.fixture(scope="module")
def lake(runs, spark, base_settings):
    settings = dataclasses.replace(base_settings, home=runs["home"])

    def table(layer: str, name: str):
        return spark.read.format("delta").load(settings.table_path(layer, name))

    return settings, table


def test_marts_hold_every_silver_row_once(spark, lake):
    settings, table = lake
    contracts = all_contracts(REPO_ROOT / "schemas")
    silver = {c.name: table("silver", c.name).count() for c in contracts}
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
        assert table("gold", mart).count() == silver[source] > 0, mart
    complaints = ("hotline_12345", "complaints_12315", "national_dispatched_complaints")
    assert table("gold", "complaints").count() == sum(silver[s] for s in complaints)
    credit = (
        "credit_penalties",
        "credit_abnormal_operations",
        "credit_serious_violations",
        "credit_red_black_lists",
    )
    assert table("gold", "credit_events").count() == sum(silver[s] for s in credit)
    parts = ("inspections", "penalties", "coercive_measures", "other_actions")
    assert sum(table("gold", p).count() for p in parts) == silver["supervision_actions"]
    officers = spark.sql(
        "SELECT sum(size(array_distinct(officer_license_nos))) FROM delta.`"
        + settings.table_path("silver", "supervision_actions")
        + "`"
    ).first()[0]
    assert table("gold", "action_officers").count() == officers


def test_complaint_lifecycle_and_chain_values(lake):
    _, table = lake
    complaints = table("gold", "complaints")
    statuses = {
        (r.channel, r.lifecycle_status)
        for r in complaints.select("channel", "lifecycle_status").collect()
    }
    assert {c for c, _ in statuses} == {"12345", "12315", "national"}
    assert None not in {s for _, s in statuses}
    closed = complaints.where("lifecycle_status = 'closed'")
    assert closed.where("closed_date IS NULL OR working_days_to_close IS NULL").count() == 0
    chain = table("gold", "entity_supervision_chain")
    # step_no numbers each entity's events 1..n in date order.
    bad = (
        chain.groupBy("uscc")
        .agg({"step_no": "max", "*": "count"})
        .where("`max(step_no)` != `count(1)`")
    )
    assert bad.count() == 0
    assert {r.step for r in chain.select("step").distinct().collect()} == {
        "licence",
        "inspection",
        "penalty",
        "credit",
        "complaint",
    }


def test_documented_columns_are_the_tables_columns_and_none_is_personal(lake):
    """Every gold table has exactly the columns its .yml documents, in order, and none of
    them is a contract's personal-data field."""
    settings, table = lake
    contracts = all_contracts(REPO_ROOT / "schemas")
    personal = {f.name for c in contracts for f in c.pii_fields}
    personal -= {f.name for c in contracts for f in c.fields if f.pii == "none"}
    manifest = json.loads((dbt_target_path(settings) / "manifest.json").read_text("utf-8"))
    checked = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["config"]["materialized"] == "ephemeral":
            continue
        columns = table("gold", node["name"]).columns
        assert columns == list(node["columns"]), node["name"]
        assert not personal & set(columns), node["name"]
        checked.add(node["name"])
    assert checked == {m for part in GOLD_PARTS for m in gold_models(part)} - set(SNAPSHOTS)
