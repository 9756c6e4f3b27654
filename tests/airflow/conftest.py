"""The DagBag of dags/, parsed once per test module (what the DAG processor does)."""

from __future__ import annotations

import os

import pytest

from spark_jobs.core.settings import REPO_ROOT


@pytest.fixture(scope="module")
def bag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow")))
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO_ROOT / "dags"))
