"""Fixtures of the reader tests: one small contract per format (texts in helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.ingest.helpers import (
    CSV_YAML,
    JSONL_YAML,
    PAGES_YAML,
    XLSX_YAML,
    contract_from,
)


@pytest.fixture(scope="module")
def yaml_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("contracts")


@pytest.fixture(scope="module")
def csv_contract(yaml_dir):
    return contract_from(yaml_dir, CSV_YAML, "csv")


@pytest.fixture(scope="module")
def xlsx_contract(yaml_dir):
    return contract_from(yaml_dir, XLSX_YAML, "xlsx")


@pytest.fixture(scope="module")
def jsonl_contract(yaml_dir):
    return contract_from(yaml_dir, JSONL_YAML, "jsonl")


@pytest.fixture(scope="module")
def pages_contract(yaml_dir):
    return contract_from(yaml_dir, PAGES_YAML, "pages")
