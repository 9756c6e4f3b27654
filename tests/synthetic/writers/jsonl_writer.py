"""JSON Lines deliveries: one nested record per line, keys as the contract's dotted `key`s."""

from __future__ import annotations

import json
from collections.abc import Callable

from spark_jobs.contracts import Contract
from tests.synthetic.writers.base import Writer


def nester(contract: Contract) -> Callable[[dict], dict]:
    """Row (field name → value) → the nested JSON record its contract's dotted keys describe;
    None values are left out, numbers stay JSON numbers."""
    paths = [(f.name, f.key.split(".")) for f in contract.fields]

    def build(row: dict) -> dict:
        doc: dict = {}
        for name, path in paths:
            value = row.get(name)
            if value is None:
                continue
            node = doc
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = value
        return doc

    return build


def dumps(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


class JsonlWriter(Writer):
    def __init__(self, run, source: str, rel: str):
        super().__init__(run, source, rel)
        self.build = nester(self.contract)
        self.handle = self.open_landing(rel, "utf-8")

    def _emit(self, row: dict) -> int:
        self.handle.write(dumps(self.build(row)) + "\n")
        self.count += 1
        return self.count

    def _emit_malformed(self, row: dict) -> int:
        text = dumps(self.build(row))  # an unescaped quote, as a hand-rolled exporter makes
        at = text.index('":"') + 3
        self.handle.write(text[:at] + '"' + text[at:] + "\n")
        self.count += 1
        return self.count
