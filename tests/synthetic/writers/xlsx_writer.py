"""XLSX deliveries (one workbook, the contract's sheet), with stable bytes: fixed document
dates and zip entry times, so the same rows always give the same file."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from tests.synthetic.writers.base import Writer

FIXED = datetime(2024, 1, 1)  # document created/modified stamp


class XlsxWriter(Writer):
    def __init__(self, run, source: str, rel: str, rename: dict[str, str] | None = None):
        """`rename`: header → the header delivered instead (header_renamed)."""
        super().__init__(run, source, rel)
        self.rows: list[list] = []
        self.rename = rename or {}

    def _emit(self, row: dict) -> int:
        self.rows.append(
            [None if row.get(n) is None else str(row[n]) for n in self.contract.field_names]
        )
        self.count += 1
        return self.count

    def close(self) -> None:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(self.contract.sheet or "Sheet1")
        headers = [f.header for f in self.contract.fields]
        sheet.append([self.rename.get(h, h) for h in headers])
        for row in self.rows:
            sheet.append(row)
        book.properties.creator = "政务服务平台"
        book.properties.created = FIXED
        buffer = io.BytesIO()
        book.save(buffer)
        self.landing_path(self.rel).write_bytes(stable_zip(buffer.getvalue(), FIXED))


def stable_zip(data: bytes, when: datetime) -> bytes:
    """Re-pack an xlsx with fixed entry times and document dates, so its bytes are stable."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: m.group(1) + stamp + m.group(3),
                    body,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()
