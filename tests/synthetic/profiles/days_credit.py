"""New credit events of the province's later days: 经营异常名录 listings as the credit
platform's paged JSON dump (see `days.py`, which decides on which day each page arrives)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

NEW_LISTINGS = 8  # per day, × scale: at 5 per page, a dump of two pages at scale 1
PAGE_SIZE = 5
REMOVAL = ("remExcpRes", "remDate")  # a new listing has not been removed


class Listings:
    """The clean records of day 1's listings dump, copied into each later day's new ones."""

    def __init__(self, day1: Path, landing: Path, faulty_rows: set[tuple[str, int]]):
        self.records: list[dict] = []
        row = 0
        for path in sorted(day1.glob("*_p[0-9]*.json")):
            rel = path.relative_to(landing).as_posix()
            for record in json.loads(path.read_text("utf-8"))["data"]["records"]:
                row += 1
                if (rel, row) not in faulty_rows and record.get("listType") == "1":
                    self.records.append(record)
        if not self.records:
            raise ValueError(f"{day1}: no clean listing to copy")

    def dump(self, day: date, n: int, rng: random.Random) -> list[tuple[str, bytes, list]]:
        """The day's dump `credit_abnormal_operations_<yyyymmdd>`: per page (file name, bytes,
        [(row number across the dump, 记录编号)])."""
        records = []
        for seq in range(1, n + 1):
            new = {k: v for k, v in rng.choice(self.records).items() if k not in REMOVAL}
            new["recordId"] = f"YC{day:%Y%m%d}9{seq:05d}"
            new["listType"] = "1"
            new["abnTime"] = (day - timedelta(days=1)).isoformat()
            records.append(new)
        pages = []
        count = -(-n // PAGE_SIZE)
        for page in range(1, count + 1):
            chunk = records[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            body = ",".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in chunk)
            text = (
                f'{{"code":200,"msg":"success","data":{{"page_no":{page},"page_size":{PAGE_SIZE},'
                f'"total":{n},"records":[{body}]}}}}\n'
            )
            first = (page - 1) * PAGE_SIZE
            rows = [(first + i, r["recordId"]) for i, r in enumerate(chunk, start=1)]
            pages.append(
                (f"credit_abnormal_operations_{day:%Y%m%d}_p{page:04d}.json", text.encode(), rows)
            )
        return pages
