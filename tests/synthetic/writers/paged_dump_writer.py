"""Paged JSON API dumps, `<dump>_p<NNNN>.json`: `{"code", "msg", "data": {page_no, page_size,
total, records}}` per page, as the credit platform's API returns them.

Records are buffered in a temporary file until `close`, which cuts the pages and may break the
dump one way (`page_fault`): a missing page, a page that is an HTML error, or a page that lost a
record. Row labels name the page file their row landed in.
"""

from __future__ import annotations

import math
import tempfile
from typing import TextIO

from tests.synthetic.writers.base import Writer
from tests.synthetic.writers.jsonl_writer import dumps, nester

PAGE_FAULTS = ("missing_page", "invalid_json_page", "page_records_mismatch")
BAD_GATEWAY = (
    "<html><head><title>502 Bad Gateway</title></head><body><center>"
    "<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
)


class PagedDumpWriter(Writer):
    def __init__(self, run, source: str, dump: str, page_size: int):
        super().__init__(run, source, f"{source}/{run.day}/{dump}")
        self.dump, self.page_size = dump, page_size
        self.build = nester(self.contract)
        self.buffer = self.files.enter_context(self._open_buffer())
        self.page_fault: str | None = None  # one of PAGE_FAULTS

    def _open_buffer(self) -> TextIO:
        """The records until close() cuts them into pages (a file: a dump can be large)."""
        return tempfile.TemporaryFile("w+", encoding="utf-8", dir=self.run.out)

    def page_file(self, page: int) -> str:
        return f"{self.source}/{self.run.day}/{self.dump}_p{page:04d}.json"

    def label_file(self, number: int) -> str:
        return f"{self.rel}#"  # settled in close(), once the page size is final

    def _emit(self, row: dict) -> int:
        self.buffer.write(dumps(self.build(row)) + "\n")
        self.count += 1
        return self.count

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    def close(self) -> None:
        self.buffer.seek(0)
        if self.page_fault and self.count > 1:  # a page fault needs a dump of 2 pages or more
            self.page_size = min(self.page_size, math.ceil(self.count / 2))
        total, size = self.count, self.page_size
        pages = self.pages
        rows = self.faults.rows
        for i, (file, number, field, cls) in enumerate(rows):
            if file == f"{self.rel}#":
                rows[i] = (self.page_file((number - 1) // size + 1), number, field, cls)
        skip = {"missing_page": min(2, pages)}.get(self.page_fault)
        if self.page_fault:
            broken = {
                "missing_page": skip,
                "invalid_json_page": min(2, pages),
                "page_records_mismatch": 1,
            }[self.page_fault]
            self.faults.label(self.page_file(broken), "", "", self.page_fault)
        for page in range(1, pages + 1):
            records = [self.buffer.readline().rstrip("\n") for _ in range(size)]
            records = [r for r in records if r]
            if page == skip:
                continue
            if self.page_fault == "page_records_mismatch" and page == 1:
                records = records[:-1]
            text = (
                f'{{"code":200,"msg":"success","data":{{"page_no":{page},"page_size":{size},'
                f'"total":{total},"records":[{",".join(records)}]}}}}\n'
            )
            if self.page_fault == "invalid_json_page" and page == min(2, pages):
                text = BAD_GATEWAY
            self.landing_path(self.page_file(page)).write_text(text, encoding="utf-8")
        super().close()
