"""Shared by the reader tests (and tests/spark/ingest/test_dumps.py): small contracts written
from YAML text, and paged JSON dumps built in memory."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from spark_jobs.contracts import Contract, get_contract, load_contract
from spark_jobs.ingest.task import summarize
from tests.synthetic import SCHEMAS

CSV_YAML = """
name: t_csv
version: "1"
format: csv
encoding: gb18030
fields:
  - {name: code, header: 编码, type: string}
  - {name: name, header: 名称, type: string}
  - {name: amount, header: 金额, type: string}
"""

XLSX_YAML = """
name: t_xlsx
version: "1"
format: xlsx
fields:
  - {name: code, header: 事项编码, type: string}
  - {name: zip, header: 邮编, type: string}
  - {name: amount, header: 金额, type: string}
  - {name: day, header: 日期, type: date}
"""

JSONL_YAML = """
name: t_jsonl
version: "1"
format: jsonl
fields:
  - {name: id, key: id, type: string}
  - {name: uscc, key: entity.uscc, header: 统一社会信用代码, type: string}
  - {name: amount, key: penalty.amount, type: decimal}
  - {name: officers, key: officers, type: list, separator: ";"}
  - {name: tags, key: tags, type: string}
  - {name: detail, key: detail, type: string}
  - {name: public, key: public, type: string}
"""

PAGES_YAML = """
name: credit_penalties
version: "1"
format: json_pages
records_key: data.records
page: {number: data.page_no, size: data.page_size, total: data.total}
natural_key: [penalty_id]
fields:
  - {name: penalty_id, key: id, type: string, required: true}
  - {name: uscc, key: entity.uscc, type: string}
  - {name: amount, key: amount, type: decimal}
"""


def contract_from(yaml_dir: Path, text: str, name: str = "c") -> Contract:
    """The contract in `text`, written to `<yaml_dir>/<name>.yaml` and loaded from there."""
    path = yaml_dir / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return load_contract(path)


# --- paged JSON dumps (PAGES_YAML's shape) ----------------------------------------------------
def page(number: int, size: int, total: int, records: list) -> bytes:
    doc = {
        "code": 0,
        "data": {"page_no": number, "page_size": size, "total": total, "records": records},
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def rec(i: int) -> dict:
    return {"id": f"CP{i:03d}", "entity": {"uscc": f"9114{i:014d}"}, "amount": 100 * i}


def dump_files(dump: str, total: int, size: int, skip=(), records_total=None) -> list:
    """(source_file, bytes) of every page of a dump of `total` records, `size` per page; pages
    in `skip` are left out, and `records_total` records are written whatever total says."""
    records = [rec(i) for i in range(1, (records_total or total) + 1)]
    pages = max(1, -(-total // size))
    return [
        (f"d/{dump}_p{n:04d}.json", page(n, size, total, records[(n - 1) * size : n * size]))
        for n in range(1, pages + 1)
        if n not in skip
    ]


def summary_of(statuses_rows, source: str = "supervision_items"):
    """The ingest summary of one run whose files ended as `statuses_rows` [(status, rows)]."""
    from spark_jobs.ingest.bronze import FileResult

    results = [
        FileResult(
            f"{source}/2024-06-28/f{i}.csv",
            status,
            rows,
            reason="bad" if status == "rejected" else None,
        )
        for i, (status, rows) in enumerate(statuses_rows)
    ]
    return summarize(get_contract(source, SCHEMAS), date(2024, 6, 28), results)
