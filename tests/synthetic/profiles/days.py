"""Later days of the synthetic province (`python -m tests.synthetic --profile province --days N`).

Day 1 is the province profile as generated (every source, faults at the rate). Each later day
d = run date + k - 1 is what departments send after it, derived from the fault-free rows of the
day-1 files (rows ground_truth.csv labels, and actions delivered twice, are never used), so its
answer is exact:

| source | each later day |
|---|---|
| supervision_actions | `NEW_ACTIONS` × scale new inspections (行政检查) per day: copies of day-1 inspections with a new 行为编号 `XW<dept><yyyymmdd of d><seq>`, dates shifted so the submission is on d; and `CORRECTIONS` day-1 actions delivered again with their 检查内容 corrected and submitted on d (silver keeps the later delivery: the next national batch carries them as `u`) |
| hotline_12345 | `NEW_ORDERS` × scale new work orders (copies of day-1 orders with every time shifted so the latest is on d, and a new 工单编号: received time + sequence) |
| inspection_checklists | day 2 only, a catalog change: every checklist row of one item published again on d with status 02 取消, which retires the item from d (coverage leaves it out) |
| enforcement_officers | the day-1 file delivered again under d's folder, byte for byte (bronze skips it: same SHA-256) |
| credit_abnormal_operations | `NEW_LISTINGS` × scale new 经营异常名录 listings (copies of clean day-1 records of entities, a new 记录编号 `YC<yyyymmdd of d>9<seq>`, listed on the day before d) as one paged dump `credit_abnormal_operations_<yyyymmdd of d>`; on day 2 of 3 or more days the dump arrives in two parts: its first page on day 2, the rest on day 3 (bronze holds the first part `waiting` and lands the dump whole on day 3) |

Late files: on day 2 of 3 or more days, one department's actions file of day 2 (its new
inspections and corrections, 报送时间 day 2) is delivered late, on day 3, under its own name
`supervision_actions_<dept>_<day 2>.csv` in day 3's folder. An action is corrected at most once
over the days, so a late correction never meets a later one of the same action.

`ground_truth_days.csv` lists every row and file of the later days: delivery date (the day the
file arrives), source, file, row, key and change (`new`, `correction`, `retirement`,
`redelivered_file`; whole-file rows `late_file`, key the day it belongs to, and `dump_part`, key
`<dump> part i of 2, complete on <day>`). Nothing
here is random except through the seed: the same arguments give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from spark_jobs.contracts import Contract, get_contract
from tests.synthetic import SCHEMAS
from tests.synthetic.ground_truth import read_ground_truth
from tests.synthetic.profiles.days_credit import NEW_LISTINGS, Listings

NEW_ACTIONS = 20  # per day, × scale
CORRECTIONS = 3  # per day
NEW_ORDERS = 10  # per day, × scale
FILE_NAME = "ground_truth_days.csv"
HEADER = ("delivery_date", "source", "file", "row_number", "key", "change")
LATER_SOURCES = (
    "supervision_actions",
    "hotline_12345",
    "inspection_checklists",
    "enforcement_officers",
    "credit_abnormal_operations",
)
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$")


@dataclass(frozen=True)
class Change:
    day: date
    source: str
    file: str  # relative to landing/
    row_number: int | str  # '' for a whole file
    key: str
    change: str


def later_days(run_date: date, days: int) -> list[date]:
    """The dates after the run date that `days` asks for (days = 1: none)."""
    if days < 1:
        raise ValueError(f"--days must be 1 or more, got {days}")
    return [run_date + timedelta(days=k) for k in range(1, days)]


def _encoding(contract: Contract) -> str:
    return "gbk" if contract.encoding == "gb18030" else contract.encoding


def _read_csv(path: Path, contract: Contract) -> list[dict[str, str]]:
    with open(path, encoding=_encoding(contract), newline="") as fh:
        return list(csv.DictReader(fh))


def _csv_bytes(contract: Contract, rows: list[dict[str, str]]) -> bytes:
    headers = [f.header for f in contract.fields]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, headers, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode(_encoding(contract))


def _write_csv(path: Path, contract: Contract, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_csv_bytes(contract, rows))


class LaterDays:
    """Reads the day-1 delivery once and writes each later day from it."""

    def __init__(self, out: Path, run_date: date, seed: int, scale: float):
        self.landing = Path(out) / "landing"
        self.run_date, self.seed, self.scale = run_date, seed, scale
        self.contracts = {s: get_contract(s, SCHEMAS) for s in LATER_SOURCES}
        labelled = read_ground_truth(Path(out))
        self.faulty_files = {r["file"] for r in labelled if not r["row_number"]}
        self.faulty_rows = {(r["file"], int(r["row_number"])) for r in labelled if r["row_number"]}
        self.actions = self._clean_actions()
        self.orders = self._clean_orders()
        self.listings = Listings(
            self._day1("credit_abnormal_operations"), self.landing, self.faulty_rows
        )
        self.corrected: set[str] = set()  # an action is corrected at most once over the days
        self.carried: dict[date, list[tuple[str, bytes]]] = {}  # files due on a later day

    def _day1(self, source: str) -> Path:
        return self.landing / self.contracts[source].landing_dir / self.run_date.isoformat()

    def _clean_csv(self, source: str, pattern: str) -> dict[str, list[dict[str, str]]]:
        """Per department file (by its department code), the rows no label touches."""
        out: dict[str, list[dict[str, str]]] = {}
        for path in sorted(self._day1(source).glob("*.csv")):
            match = re.fullmatch(pattern, path.name)
            rel = path.relative_to(self.landing).as_posix()
            if match is None or rel in self.faulty_files:
                continue  # e.g. a re-sent copy or a file-level fault
            rows = _read_csv(path, self.contracts[source])
            out[match.group(1)] = [
                r for n, r in enumerate(rows, start=1) if (rel, n) not in self.faulty_rows
            ]
        return out

    def _clean_actions(self) -> dict[str, list[dict[str, str]]]:
        day = self.run_date.isoformat()
        by_dept = self._clean_csv("supervision_actions", rf"supervision_actions_(\d+)_{day}\.csv")
        counts: dict[str, int] = {}
        for rows in by_dept.values():
            for r in rows:
                counts[r["行为编号"]] = counts.get(r["行为编号"], 0) + 1
        return {
            dept: [r for r in rows if counts[r["行为编号"]] == 1 and r["行为日期"] <= r["报送时间"]]
            for dept, rows in by_dept.items()
        }

    def _clean_orders(self) -> list[dict]:
        path = self._day1("hotline_12345") / f"hotline_12345_{self.run_date.isoformat()}.jsonl"
        rel = path.relative_to(self.landing).as_posix()
        orders = []
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if (rel, n) in self.faulty_rows or not line.strip():
                continue
            try:
                orders.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return orders

    def write(self, day: date, k: int, last: date) -> list[Change]:
        """Day `day` (the k-th, k >= 2; `last` the last day) under landing/<source>/<day>/;
        its changes, and those of files it leaves for the next day."""
        for source in LATER_SOURCES:
            folder = self.landing / self.contracts[source].landing_dir / day.isoformat()
            if folder.exists():
                shutil.rmtree(folder)
        for rel, data in self.carried.pop(day, []):  # late files, a dump's second part
            (self.landing / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.landing / rel).write_bytes(data)
        rng = random.Random(f"{self.seed}:day:{day.isoformat()}")
        later = day + timedelta(days=1) if k == 2 and day < last else None
        changes = self._actions(day, rng, late_to=later)
        changes += self._orders(day, rng)
        if k == 2:
            changes += self._retirement(day, rng)
        changes += self._redelivery(day)
        changes += self._listings(day, rng, rest_on=later)
        return changes

    def _carry(self, day: date, rel: str, data: bytes) -> None:
        self.carried.setdefault(day, []).append((rel, data))

    def _listings(self, day: date, rng: random.Random, rest_on: date | None) -> list[Change]:
        source = "credit_abnormal_operations"
        pages = self.listings.dump(day, max(1, round(NEW_LISTINGS * self.scale)), rng)
        changes: list[Change] = []
        dump = f"{source}_{day:%Y%m%d}"
        for n, (name, data, records) in enumerate(pages, start=1):
            arrives = rest_on if rest_on is not None and n > 1 else day
            rel = f"{self.contracts[source].landing_dir}/{arrives}/{name}"
            if arrives == day:
                (self.landing / rel).parent.mkdir(parents=True, exist_ok=True)
                (self.landing / rel).write_bytes(data)
            else:
                self._carry(arrives, rel, data)
            changes += [Change(arrives, source, rel, row, key, "new") for row, key in records]
            if rest_on is not None and len(pages) > 1:
                part = f"{dump} part {1 if n == 1 else 2} of 2, complete on {rest_on}"
                changes.append(Change(arrives, source, rel, "", part, "dump_part"))
        return changes

    def _actions(self, day: date, rng: random.Random, late_to: date | None) -> list[Change]:
        contract = self.contracts["supervision_actions"]
        depts = sorted(d for d, rows in self.actions.items() if rows)
        per_dept: dict[str, list[dict[str, str]]] = {d: [] for d in depts}
        kinds: dict[str, list[str]] = {d: [] for d in depts}
        inspections = [
            (d, r) for d in depts for r in self.actions[d] if r["监管行为类型"] == "行政检查"
        ]
        ymd = day.strftime("%Y%m%d")
        for seq in range(max(1, round(NEW_ACTIONS * self.scale))):
            dept, row = rng.choice(inspections)
            new = dict(row)
            new["行为编号"] = f"XW{dept}{ymd}{seq:07d}"
            shift = day - date.fromisoformat(row["报送时间"])
            new["行为日期"] = (date.fromisoformat(row["行为日期"]) + shift).isoformat()
            new["报送时间"] = day.isoformat()
            per_dept[dept].append(new)
            kinds[dept].append("new")
        everyone = [
            (d, r) for d in depts for r in self.actions[d] if r["行为编号"] not in self.corrected
        ]
        for dept, row in rng.sample(everyone, min(CORRECTIONS, len(everyone))):
            self.corrected.add(row["行为编号"])
            fixed = dict(row)
            fixed["检查内容"] = f"{row['检查内容']}（{day.isoformat()}更正）"
            fixed["报送时间"] = day.isoformat()
            per_dept[dept].append(fixed)
            kinds[dept].append("correction")
        changes = []
        filled = [d for d in depts if per_dept[d]]
        late = rng.choice(filled) if late_to is not None and filled else None
        for dept in filled:
            arrives = late_to if dept == late and late_to is not None else day
            name = f"supervision_actions_{dept}_{day}.csv"
            rel = f"{contract.landing_dir}/{arrives}/{name}"
            data = _csv_bytes(contract, per_dept[dept])
            if arrives == day:
                (self.landing / rel).parent.mkdir(parents=True, exist_ok=True)
                (self.landing / rel).write_bytes(data)
            else:
                self._carry(arrives, rel, data)
                changes.append(
                    Change(arrives, "supervision_actions", rel, "", str(day), "late_file")
                )
            changes += [
                Change(arrives, "supervision_actions", rel, n, r["行为编号"], kind)
                for n, (r, kind) in enumerate(zip(per_dept[dept], kinds[dept], strict=True), 1)
            ]
        return changes

    def _orders(self, day: date, rng: random.Random) -> list[Change]:
        contract = self.contracts["hotline_12345"]
        rel = f"{contract.landing_dir}/{day}/hotline_12345_{day}.jsonl"
        lines, changes = [], []
        for seq in range(max(1, round(NEW_ORDERS * self.scale))):
            order = json.loads(json.dumps(rng.choice(self.orders)))
            latest = max(_stamps(order))
            shifted = _shift(order, day - latest.date())
            received = datetime.fromisoformat(shifted["receivedAt"])
            shifted["workOrderNo"] = (
                f"{received:%y%m%d%H%M%S}{900000 + seq:06d}"  # 9xxxxx: later days
            )
            lines.append(json.dumps(shifted, ensure_ascii=False, separators=(",", ":")))
            changes.append(
                Change(day, "hotline_12345", rel, seq + 1, shifted["workOrderNo"], "new")
            )
        path = self.landing / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{line}\n" for line in lines), "utf-8")
        return changes

    def _retirement(self, day: date, rng: random.Random) -> list[Change]:
        """Every checklist row of one item, published again with status 02 (取消) on `day`."""
        contract = self.contracts["inspection_checklists"]
        pattern = rf"inspection_checklists_(\d+)_{self.run_date.isoformat()}\.csv"
        by_item: dict[str, list[tuple[str, dict[str, str]]]] = {}
        for dept, rows in self._clean_csv("inspection_checklists", pattern).items():
            for r in rows:
                by_item.setdefault(r["监管事项目录编码"], []).append((dept, r))
        # an item in force whose every checklist row is clean (so all of them can be retired)
        candidates = sorted(
            code
            for code, rows in by_item.items()
            if all(r["清单状态"] == "01" for _, r in rows) and len(rows) <= 3
        )
        if not candidates:
            return []
        item = rng.choice(candidates)
        dept = by_item[item][0][0]
        rows = [{**r, "清单状态": "02", "发布日期": day.isoformat()} for _, r in by_item[item]]
        rel = f"{contract.landing_dir}/{day}/inspection_checklists_{dept}_{day}.csv"
        _write_csv(self.landing / rel, contract, rows)
        return [
            Change(
                day,
                "inspection_checklists",
                rel,
                n,
                f"{r['检查实施清单编码']}:{r['检查项序号']}",
                "retirement",
            )
            for n, r in enumerate(rows, start=1)
        ]

    def _redelivery(self, day: date) -> list[Change]:
        source = "enforcement_officers"
        first = self._day1(source) / f"{source}_{self.run_date.isoformat()}.csv"
        rel = f"{self.contracts[source].landing_dir}/{day}/{source}_{day}.csv"
        (self.landing / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(first, self.landing / rel)
        return [
            Change(
                day, source, rel, "", first.relative_to(self.landing).as_posix(), "redelivered_file"
            )
        ]


def _stamps(value) -> list[datetime]:
    """Every date or timestamp string inside a JSON value."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _stamps(v)]
    if isinstance(value, list):
        return [s for v in value for s in _stamps(v)]
    if isinstance(value, str) and _STAMP.match(value):
        return [datetime.fromisoformat(value)]
    return []


def _shift(value, delta: timedelta):
    """The JSON value with every date and timestamp string moved by `delta`."""
    if isinstance(value, dict):
        return {k: _shift(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    if isinstance(value, str) and _STAMP.match(value):
        moved = datetime.fromisoformat(value) + delta
        return moved.isoformat(sep=" ") if " " in value else moved.date().isoformat()
    return value


def write_later_days(out: Path, run_date: date, seed: int, scale: float, days: int) -> list[Change]:
    """Days 2..`days` under `out/landing/` (day 1 must be there) and `ground_truth_days.csv`."""
    dates = later_days(run_date, days)
    changes: list[Change] = []
    if dates:
        writer = LaterDays(out, run_date, seed, scale)
        for k, day in enumerate(dates, start=2):
            changes += writer.write(day, k, dates[-1])
    buf = io.StringIO()
    table = csv.writer(buf, lineterminator="\n")
    table.writerow(HEADER)
    table.writerows(
        (c.day.isoformat(), c.source, c.file, c.row_number, c.key, c.change) for c in changes
    )
    path = Path(out) / FILE_NAME
    if dates:
        path.write_text(buf.getvalue(), "utf-8")
    elif path.exists():
        path.unlink()  # one day: no later days, no stale answer
    return changes
