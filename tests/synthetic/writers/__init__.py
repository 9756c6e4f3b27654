"""One writer per delivery format; each applies a row's fault, writes the row and labels it."""

from tests.synthetic.writers.base import Writer
from tests.synthetic.writers.csv_writer import CsvWriter
from tests.synthetic.writers.jsonl_writer import JsonlWriter
from tests.synthetic.writers.paged_dump_writer import PAGE_FAULTS, PagedDumpWriter
from tests.synthetic.writers.xlsx_writer import XlsxWriter

WRITERS: dict[str, type[Writer]] = {"csv": CsvWriter, "jsonl": JsonlWriter, "xlsx": XlsxWriter}

__all__ = [
    "PAGE_FAULTS",
    "WRITERS",
    "CsvWriter",
    "JsonlWriter",
    "PagedDumpWriter",
    "Writer",
    "XlsxWriter",
]
