"""CSV deliveries: the contract's headers and encoding (GBK for GB18030 contracts), CRLF lines."""

from __future__ import annotations

import csv

from tests.synthetic.writers.base import Writer


class CsvWriter(Writer):
    def __init__(
        self,
        run,
        source: str,
        rel: str,
        order: list[str] | None = None,
        encoding: str | None = None,
    ):
        """`order`: field names in another order than the contract's (columns_reordered);
        `encoding`: another encoding than the contract's (wrong_encoding)."""
        super().__init__(run, source, rel)
        self.names = order or self.contract.field_names
        encoding = encoding or self.contract.encoding
        if encoding == "gb18030":
            encoding = "gbk"  # departments deliver GBK; the contract reads it as GB18030
        self.handle = self.open_landing(rel, encoding)
        self.csv = csv.writer(self.handle, lineterminator="\r\n")
        self.csv.writerow([self.contract.field(n).header for n in self.names])

    def _values(self, row: dict) -> list[str]:
        return ["" if row.get(n) is None else str(row[n]) for n in self.names]

    def _emit(self, row: dict) -> int:
        self.csv.writerow(self._values(row))
        self.count += 1
        return self.count

    def _emit_malformed(self, row: dict) -> int:
        values = self._values(row)  # a delimiter inside an unquoted text: one field too many
        longest = max(range(len(values)), key=lambda i: len(values[i]))
        text = values[longest]
        cut = max(1, len(text) // 2)
        self.csv.writerow([*values[:longest], text[:cut], text[cut:], *values[longest + 1 :]])
        self.count += 1
        return self.count
