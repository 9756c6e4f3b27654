"""The scheduler UI (`infra/airflow-ui.sh`) in a real headless browser.

The script starts Airflow's API server, scheduler and DAG processor on loopback, on a new
Airflow home inside this test's lake home (a free port, a generated password); Playwright drives
Debian's chromium through the login page to the DAG list, which must show every DAG of `dags/`
(the 18 `ingest_<source>` and `supervision_pipeline`, read from the DAG files through
the DagBag), and to the asset graph of `bronze.supervision_actions`, which must show the ingest
DAG that produces it and the pipeline DAG scheduled on it. Screenshots are saved under
`<lake home>/screenshots/airflow-ui/` (the path is printed). The servers are stopped in the
fixture's teardown. About a minute. Select or leave out with `-m ui` / `-m "not ui"`.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from spark_jobs.core.settings import REPO_ROOT

pytestmark = pytest.mark.ui

SCRIPT = REPO_ROOT / "infra" / "airflow-ui.sh"
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_UNAVAILABLE = REPO_ROOT / ".cache" / "browser_unavailable"  # written by infra/setup.sh
PIPELINE = "supervision_pipeline"
BRONZE = "bronze.supervision_actions"
TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class Server:
    url: str
    user: str
    password: str = field(repr=False)  # never in a failure's output
    shots: Path = Path()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _script(env: dict, action: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), action], env=env, capture_output=True, text=True,
        timeout=timeout, cwd=REPO_ROOT,
    )  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The three services of infra/airflow-ui.sh on a fresh home; stopped at the end."""
    if not CHROMIUM.exists():
        if BROWSER_UNAVAILABLE.exists():
            pytest.skip(BROWSER_UNAVAILABLE.read_text("utf-8").strip())
        pytest.fail(f"{CHROMIUM} is missing: run infra/setup.sh (chromium, fonts-noto-cjk)")
    home = tmp_path_factory.mktemp("ui_lakehouse")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKEHOUSE_", "AIRFLOW"))}
    env |= {"LAKEHOUSE_HOME": str(home), "LAKEHOUSE_UI_PORT": str(_free_port())}
    ui_dir = home / "airflow" / "ui"
    started = time.monotonic()
    try:
        start = _script(env, "start")
        logs = "".join(
            f"\n--- {log.name}\n" + log.read_text("utf-8", "replace")[-3000:]
            for log in sorted(ui_dir.glob("*.log"))
        )
        assert start.returncode == 0, start.stdout + start.stderr + logs
        print(f"\nairflow-ui started in {time.monotonic() - started:.0f} s:\n{start.stdout}")
        url = (ui_dir / "url").read_text("utf-8").strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), url
        assert f"running at {url}" in start.stdout and "login admin" in start.stdout
        status = _script(env, "status", timeout=60)
        assert status.returncode == 0, status.stdout + status.stderr
        passwords = home / "airflow" / "simple_auth_manager_passwords.json.generated"
        assert passwords.stat().st_mode & 0o077 == 0  # readable by its owner only
        password = json.loads(passwords.read_text("utf-8"))["admin"]
        assert password not in start.stdout + start.stderr  # printed nowhere
        shots = home / "screenshots" / "airflow-ui"
        shots.mkdir(parents=True)
        yield Server(url=url, user="admin", password=password, shots=shots)
    finally:
        stop = _script(env, "stop", timeout=120)
        print(stop.stdout + stop.stderr)
        for pid_file in ui_dir.glob("*.pid"):  # stop removes them; a leftover is a bug
            pytest.fail(f"{pid_file} left after stop")


@pytest.fixture(scope="module")
def page(server):
    """A logged-in page of the UI in headless chromium."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)  # a busy 2-core machine renders slowly
            page.goto(f"{server.url}/dags")
            expect(page).to_have_url(re.compile(r"/auth/login"))  # a login is required
            page.get_by_label("Username").fill(server.user)
            page.get_by_label("Password").fill(server.password)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_url(re.compile(r"/dags$"))
            yield page
        finally:
            browser.close()


def _project_dag_ids(bag) -> list[str]:
    """The DAGs the DAG files define (what the DAG processor parses), not a list in the test."""
    assert bag.import_errors == {}
    ids = sorted(bag.dags)
    assert PIPELINE in ids and len([d for d in ids if d.startswith("ingest_")]) >= 18
    return ids


def test_the_dag_list_shows_every_project_dag(server, page, bag):
    from playwright.sync_api import expect

    dag_ids = _project_dag_ids(bag)
    # The DAG processor may still be parsing when the servers report healthy: reload until all
    # DAGs are in the metadata database.
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        page.goto(f"{server.url}/dags")
        try:
            expect(page.get_by_text(f"{len(dag_ids)} Dags", exact=True)).to_be_visible(
                timeout=5_000
            )
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
    page.get_by_role("button", name="Show table view").click()
    for dag_id in dag_ids:
        expect(page.get_by_role("link", name=dag_id, exact=True)).to_be_visible()
    shot = server.shots / "dags.png"
    page.set_viewport_size({"width": 1600, "height": 1500})  # every row: the table scrolls inside
    page.screenshot(path=str(shot))
    page.set_viewport_size({"width": 1600, "height": 1000})
    print(f"\nscreenshot of the DAG list: {shot}")


def test_the_asset_graph_shows_bronze_between_its_ingest_and_the_pipeline(server, page):
    from playwright.sync_api import expect

    page.goto(f"{server.url}/assets")
    page.get_by_placeholder(re.compile("Search Assets")).fill(BRONZE)
    page.get_by_role("link", name=BRONZE, exact=True).click()
    # The search may still be in the address when the link is followed (the UI carries its
    # `name_pattern` over, depending on how fast the search box's debounce fired): CI saw
    # /assets/15?name_pattern=bronze.supervision_actions. Only the path names the asset.
    expect(page).to_have_url(re.compile(r"/assets/\d+(\?.*)?$"))
    asset_id = urlparse(page.url).path.rsplit("/", 1)[-1]
    graph = page.locator(".react-flow")
    # The "Scheduling" graph: the DAG that produces the asset → the asset → the DAG scheduled
    # on it. React Flow draws only what is in view, so the nodes are checked by their links and
    # the two edges by their labels.
    for name, href in (
        ("ingest_supervision_actions", "/dags/ingest_supervision_actions"),
        (BRONZE, f"/assets/{asset_id}"),
        (PIPELINE, f"/dags/{PIPELINE}"),
    ):
        expect(graph.get_by_role("link", name=name, exact=True)).to_have_attribute("href", href)
    for edge in (
        f"Edge from dag:ingest_supervision_actions to asset:{asset_id}",
        f"Edge from asset:{asset_id} to dag:{PIPELINE}",
    ):
        expect(graph.get_by_role("group", name=edge, exact=True)).to_be_attached()
    shot = server.shots / "asset_graph.png"
    page.screenshot(path=str(shot))
    # Zoomed in on the asset, between its producer and the pipeline: legible names
    box = graph.get_by_role("link", name=BRONZE, exact=True).bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 2, box["y"] + box["height"] / 2)
    for _ in range(3):
        page.mouse.wheel(0, -200)
        page.wait_for_timeout(300)
    page.wait_for_timeout(1000)
    zoomed = server.shots / "asset_graph_bronze.png"
    page.screenshot(path=str(zoomed))
    # The task that produces it: ingest_supervision_actions.ingest_bronze
    page.get_by_role("button", name="Task Dependencies").click()
    page.get_by_role("button", name="Fit View").click()  # the new layout, from the zoom above
    expect(graph.get_by_text("ingest_bronze", exact=True)).to_be_visible()
    expect(graph.get_by_text("ingest_supervision_actions", exact=True)).to_be_visible()
    tasks = server.shots / "asset_task_dependencies.png"
    page.screenshot(path=str(tasks))
    print(f"\nscreenshots of the asset graph: {shot}, {zoomed}, {tasks}")
