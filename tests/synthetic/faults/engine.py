"""The fault engine: decides which rows get a fault, changes them, and keeps the labels.

Row faults of the `province` profile are decided per row (`decide`): first the (class, field)
pairs of the source's `row_faults` not yet injected, on every second eligible row where they
apply, then any pair at the fault rate. Each source draws from its own random stream, so a
source's faults do not move when another source changes. `mutate` makes the faulty value the
class describes in `faults.yaml`; `labels` become `ground_truth.csv`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from spark_jobs.checks.identifiers import USCC_ALPHABET
from spark_jobs.contracts import Contract
from tests.synthetic.world.dates import format_date, parse_date

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# a value outside each field's code list, as a department system might send it
WRONG_CODES = {
    "action_type": "检查",
    "satisfaction": "非常满意",
    "nature_code": "06",
    "kind": "法规",
    "sentiment": "不明",
    "credit_class": "E",
    "check_category": "11",
    "punish_type": "15",
    "list_reason": "9",
    "list_type": "灰名单",
    "status": "06",
    "risk_focus": "重点",
    "claimed_by_department": "已认领",
    "object_type": "企业",
    "check_type": "日常巡查",
    "indicator_code": "VOC",
}
# the field a duplicate's second copy changes (its key stays): a corrected re-send
DUPLICATE_CHANGES = {
    "supervised_entities": "address",
    "enforcement_officers": "post",
    "supervision_actions": "content",
    "hotline_12345": "reply",
    "credit_classes": "score",
}
Label = tuple[str, "int | str", str, str]  # file, row number ("" for a file), field, class


class Faults:
    """Decides and applies row faults; records the ground truth."""

    def __init__(
        self, seed: int, rate: float, run_date: date, row_faults: dict[str, list[tuple[str, str]]]
    ):
        self.rate = rate
        self.run_date = run_date
        self.seed = seed
        self.row_faults = row_faults
        self.rows: list[Label] = []
        self._rng: dict[str, random.Random] = {}
        self._pending = {s: list(pairs) if rate > 0 else [] for s, pairs in row_faults.items()}
        self._seen = dict.fromkeys(row_faults, 0)
        # references to nothing, set by the generator once the world exists
        self.unknown_uscc: str | None = None  # a valid USCC of no entity
        self.unknown_item: str | None = None  # a well-formed item code not in the catalog
        self.unknown_action: str | None = None
        self.unknown_entity_id: str | None = None

    def rng(self, source: str) -> random.Random:
        if source not in self._rng:
            self._rng[source] = random.Random(f"{self.seed}:faults:{source}")
        return self._rng[source]

    @staticmethod
    def _applicable(row: dict, field: str, cls: str) -> bool:
        if field == "_row":
            return True
        value = row.get(field)
        if value in (None, ""):
            return False
        checked = cls in ("bad_check_character", "legacy_15_digit_id")
        return not checked or len(str(value)) == 18  # only a full 18-character identifier

    def decide(self, source: str, row: dict, eligible: bool = True) -> tuple[str, str] | None:
        """(fault_class, field) for this row, or None. Forced pairs first, then at the rate."""
        if self.rate <= 0 or not eligible:
            return None
        rng = self.rng(source)
        self._seen[source] += 1
        pending = self._pending[source]
        if pending and self._seen[source] % 2 == 0:
            for i, (cls, field) in enumerate(pending):
                if self._applicable(row, field, cls):
                    return pending.pop(i)
        if rng.random() >= self.rate:
            return None
        options = [(c, f) for c, f in self.row_faults[source] if self._applicable(row, f, c)]
        return rng.choice(options) if options else None

    def label(self, file: str, row_number: int | str, field: str, cls: str) -> None:
        self.rows.append((file, row_number, field, cls))

    def unlabel(self, file: str, row_number: int) -> None:
        self.rows = [r for r in self.rows if not (r[0] == file and r[1] == row_number)]

    def missing(self) -> dict[str, list]:
        """Forced pairs that found no row to land on (tiny scales only)."""
        return {s: p for s, p in self._pending.items() if p}

    @staticmethod
    def corrected(source: str, row: dict) -> dict:
        """The later copy of a duplicated key: one field changed, as in a corrected re-send."""
        again = dict(row)
        changed = DUPLICATE_CHANGES[source]
        old = again.get(changed)
        if isinstance(old, (int, float)):
            again[changed] = round(old + 1.5, 1)
        else:
            again[changed] = f"{old or ''}（更正）"
        return again

    # -- mutations ------------------------------------------------------------------------
    def mutate(self, source: str, c: Contract, cls: str, field: str, row: dict) -> None:
        """Give `row[field]` the faulty value of class `cls`."""
        rng = self.rng(source)
        f = c.field(field)
        value = row.get(field)
        if cls == "bad_check_character":
            alphabet = "0123456789X" if f.check == "id_number" else USCC_ALPHABET
            row[field] = value[:-1] + rng.choice([ch for ch in alphabet if ch != value[-1]])
        elif cls == "legacy_15_digit_id":
            row[field] = value[:6] + value[8:17]
        elif cls == "malformed_code":
            if f.type == "list":
                items = value.split(f.separator or ";")
                row[field] = (f.separator or ";").join([items[0][:-1], *items[1:]])
            elif field == "license_no":
                row[field] = f"{value[:2]}-{value[2:4]}-{value[4:]}"
            elif field == "batch_no":
                row[field] = value[:8] + "-" + value[8:]
            else:
                row[field] = value[:-2]
        elif cls == "unknown_item_code":
            row[field] = self.unknown_item
        elif cls == "unknown_entity":
            row[field] = self.unknown_uscc
        elif cls == "unknown_reference":
            row[field] = self.unknown_entity_id if field == "entity_id" else self.unknown_action
        elif cls == "future_date":
            later = self.run_date + timedelta(days=rng.randint(3, 60))
            row[field] = format_date(
                datetime.combine(later, datetime.min.time()).replace(hour=10),
                f.formats[0] if f.formats else "yyyy-MM-dd",
            )
        elif cls == "impossible_date":
            fmt = f.formats[0] if f.formats else "yyyy-MM-dd"
            text = f"{self.run_date.year}-{rng.choice(['02-30', '02-31', '04-31', '06-31'])}"
            row[field] = text + (" 10:00:00" if "HH" in fmt else "")
        elif cls == "empty_required_field":
            row[field] = ""
        elif cls == "fullwidth_digits_and_whitespace":
            row[field] = (
                rng.choice(["　", " ", ""])
                + str(value).translate(FULLWIDTH)
                + rng.choice(["　", " "])
            )
        elif cls == "mixed_date_formats":
            parsed = parse_date(value, f.formats[:1])
            row[field] = format_date(parsed, rng.choice(f.formats[1:]))
        elif cls == "date_order_violation":
            other = c.field(f.not_before)
            start = parse_date(row[other.name], other.formats)
            earlier = start - timedelta(days=rng.randint(1, 30))
            row[field] = format_date(earlier, f.formats[0])
        elif cls == "unknown_code":
            allowed = set(f.codes.values() if f.delivered_as == "label" else f.codes)
            wrong = WRONG_CODES.get(field, "99")
            assert wrong not in allowed, (source, field, wrong)
            row[field] = wrong
        elif cls == "too_few_officers":
            row[field] = value.split(f.separator or ";")[0]
        else:
            raise ValueError(f"no mutation for {cls}")
