"""Shared fixtures and the test tiers.

One SparkSession serves each test process (it starts once, about 15 s): `bash infra/test.sh`
runs two (pytest-xdist workers, whole files each, the longest tiers first), so a run has two.
Each `lake` is a new directory, and `register_lake_tables` re-points the catalog names at it,
so tests never see each other's tables.

Tiers are folders, and each test gets its folder's marker automatically:

| folder | marker | needs |
|---|---|---|
| `tests/unit/` | `unit` | Python only: no JVM (a unit test asking for `spark` is an error) |
| `tests/spark/<stage>/` | `spark` | the shared SparkSession and small lakes |
| `tests/dbt/` | `dbt` | Spark and dbt |
| `tests/airflow/` | `airflow` | Airflow's DagBag (and Spark for the task functions) |
| `tests/minio/` | `minio` | the real MinIO server (started and stopped by the fixture) |
| `tests/e2e/` | `e2e` | the README's main command (three days) |
| `tests/faults/` | `faults` | real processes killed (SIGKILL) or racing, then a rerun |

`quick` marks the unit and spark tiers except tests marked `slow` (the whole-province
ingests and the longer layer runs): `bash infra/test.sh -m quick`, 1 min 40-42 s warm with two
workers (560 tests, 2026-12-07, fifteenth session; the JVMs on the throughput collector,
spark_jobs/core/session.py, and the test JVMs on C1 only: spark_jobs/core/jit.py and
`base_settings` below; the goal is 3).
"""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path

import pytest

from spark_jobs.core.settings import Settings

pytest_plugins = ["tests.minio.server"]
logging.getLogger("py4j").setLevel(
    logging.WARNING
)  # its shutdown messages outlive pytest's streams

TIERS = ("unit", "spark", "dbt", "airflow", "minio", "e2e", "faults")
# The order the test workers take the files in: longest first, so the end-to-end module (about
# half an hour) does not start last on one worker while the other has nothing left to do.
LONGEST_FIRST = ("e2e", "dbt", "faults", "airflow", "minio", "spark", "unit")
QUICK = {"unit", "spark"}
HERE = Path(__file__).resolve().parent


def pytest_configure(config):
    for tier in TIERS:
        config.addinivalue_line("markers", f"{tier}: tests under tests/{tier}/ (see conftest.py)")
    config.addinivalue_line("markers", "quick: the unit and spark tiers minus `slow` (goal: 3 min)")
    config.addinivalue_line("markers", "slow: a spark-tier test left out of the quick tier")
    config.addinivalue_line("markers", "scenario: a rule scenario folder under tests/scenarios/")
    config.addinivalue_line(
        "markers", "ui: starts Airflow's servers and a headless browser (tests/airflow/test_ui.py)"
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        tier = _tier(item)
        if tier not in TIERS:
            rel = Path(str(item.path)).resolve().relative_to(HERE)
            raise pytest.UsageError(f"{rel}: every test lives in a tier folder {TIERS}")
        if tier == "unit" and "spark" in getattr(item, "fixturenames", ()):
            raise pytest.UsageError(
                f"{item.nodeid}: a unit test must not start Spark; move it to tests/spark/"
            )
        item.add_marker(tier)
        if tier in QUICK and item.get_closest_marker("slow") is None:
            item.add_marker("quick")
    items.sort(key=lambda item: LONGEST_FIRST.index(_tier(item)))  # stable: files stay whole
    for name, paths in SHARED_FIXTURE_FILES.items():
        users = {
            Path(str(item.path)).resolve().relative_to(HERE.parent).as_posix()
            for item in items
            if name in getattr(item, "fixturenames", ())
        }
        if not users <= set(paths):
            raise pytest.UsageError(
                f"{sorted(users - set(paths))} use the session fixture {name!r}: add them to "
                "SHARED_FIXTURE_FILES in tests/conftest.py, so one worker builds it once"
            )


def _tier(item) -> str:
    return Path(str(item.path)).resolve().relative_to(HERE).parts[0]


# Test files that share an expensive session fixture go to the same worker, as one unit of
# work: each worker would build the fixture for itself (the 18-source province's bronze and
# silver, about 200 s under CI's load). pytest_collection_modifyitems checks this list.
SHARED_FIXTURE_FILES = {
    "province": (
        "tests/spark/ingest/test_province_bronze.py",
        "tests/spark/silver/test_province_silver.py",
    ),
}
_SHARED_SCOPE = {path: name for name, paths in SHARED_FIXTURE_FILES.items() for path in paths}


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` (infra/test.sh), with the files of SHARED_FIXTURE_FILES as one unit."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedFixtureFileScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return _SHARED_SCOPE.get(scope, scope)

    return SharedFixtureFileScheduling(config, log)


LONG_RUN = pytest.StashKey[bool]()


def pytest_collection_finish(session):
    """Whether this run's test JVMs will live long: any test outside the quick tier."""
    session.config.stash[LONG_RUN] = any(
        item.get_closest_marker("quick") is None for item in session.items
    )


@pytest.fixture(scope="session")
def base_settings(tmp_path_factory, pytestconfig) -> Settings:
    """The test session's settings. Its JVM starts with C1 only, as production's on a tiny lake
    (`spark_jobs/core/jit.py`), when the run is the quick tier (about 2 min a JVM: 2 min 4 s
    against about 3 min with both compilers); a longer run keeps both compilers, which pay
    back over a JVM's 10-45 minutes (the dbt tier, 60 tests on two workers: 11 min 17 s on C1
    only, 9 min 45 s with both). `LAKEHOUSE_QUICK_JIT_BELOW_KB` in the environment decides
    instead, and child processes of the tests decide for themselves, as in production."""
    home = tmp_path_factory.mktemp("lakehouse")
    os.environ["LAKEHOUSE_HOME"] = str(home)
    os.environ.pop("LAKEHOUSE_MODE", None)
    settings = Settings.from_env()
    long_run = pytestconfig.stash.get(LONG_RUN, False)
    if long_run and "LAKEHOUSE_QUICK_JIT_BELOW_KB" not in os.environ:
        settings = dataclasses.replace(settings, quick_jit_below_kb=0)
    return settings


@pytest.fixture(scope="session")
def spark(base_settings):
    from spark_jobs.core.codegen import set_mode
    from spark_jobs.core.session import get_spark

    session = get_spark(base_settings)
    set_mode(session, interpreted=True)  # a test's lake is small: run it as production would
    yield session
    session.stop()


@pytest.fixture
def lake(spark, tmp_path, base_settings) -> Settings:
    """Settings for a new, empty local lake under this test's tmp_path (shares the session).

    The session is put back in the small-lake mode (`core/codegen.py`), which the pipeline's
    tasks choose for a lake this size and an earlier test's ingest may have left: the Spark and
    dbt tiers call product functions directly, not through `pipeline.tasks`. Compiled
    expressions stay covered by `tests/spark/core/test_codegen.py`."""
    from spark_jobs.core.codegen import set_mode

    set_mode(spark, interpreted=True)
    return dataclasses.replace(base_settings, home=tmp_path / "lakehouse")
