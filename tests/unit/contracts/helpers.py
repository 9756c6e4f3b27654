"""Shared by the contract tests: a contract written from a few field mappings."""

from __future__ import annotations

import yaml

from spark_jobs.contracts import Contract, load_contract


def load_fields(tmp_path, *fields: dict) -> Contract:
    """A csv contract `c` with `fields` (each needs only name and type; header = name)."""
    doc = {
        "name": "c",
        "version": "1",
        "format": "csv",
        "fields": [{"header": f["name"], **f} for f in fields],
    }
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return load_contract(path)
