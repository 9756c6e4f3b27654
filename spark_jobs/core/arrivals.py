"""Late feeds: which sources have not delivered a day's files by the time they were expected.

Each source's expected arrival is in `arrivals.yaml` next to this module (an exchange-window
time on the delivery day and a cadence; one place for operations to edit, so the delivery
contracts in `schemas/` stay about the files). `late_feeds` looks at the landing zone only
(`Storage.list`, local or MinIO): no Spark, so it works when Spark does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from spark_jobs.contracts import all_contracts
from spark_jobs.core.settings import Settings
from spark_jobs.core.storage import Storage

ARRIVALS_FILE = Path(__file__).with_name("arrivals.yaml")
CADENCES = ("daily", "on_change")


@dataclass(frozen=True)
class Expected:
    source: str
    landing_dir: str
    expected_by: time
    cadence: str
    timezone: str

    def deadline(self, day: date) -> datetime:
        """When the day's delivery should be in the landing zone (aware, UTC)."""
        local = datetime.combine(day, self.expected_by, tzinfo=ZoneInfo(self.timezone))
        return local.astimezone(UTC)


def _time(where: str, text) -> time:
    try:
        hours, minutes = str(text).split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ValueError(f"{where}: expected_by must be HH:MM, not {text!r}") from exc


def expected_arrivals(settings: Settings, path: Path = ARRIVALS_FILE) -> dict[str, Expected]:
    """The expected arrival of every source with a contract (the file's default where it says
    nothing); a source in the file without a contract is an error, so a typo cannot hide."""
    raw = yaml.safe_load(path.read_text("utf-8")) or {}
    tz = str(raw.get("timezone") or "Asia/Shanghai")
    ZoneInfo(tz)  # an unknown zone fails here
    default = raw.get("default") or {}
    per_source = raw.get("sources") or {}
    contracts = {c.name: c for c in all_contracts(settings.contract_dir)}
    unknown = sorted(set(per_source) - set(contracts))
    if unknown:
        raise ValueError(f"{path.name}: sources without a contract: {unknown}")
    out = {}
    for name, contract in sorted(contracts.items()):
        entry = {**default, **(per_source.get(name) or {})}
        cadence = str(entry.get("cadence") or "daily")
        if cadence not in CADENCES:
            raise ValueError(f"{path.name}: {name}: cadence {cadence!r}, not one of {CADENCES}")
        out[name] = Expected(
            source=name,
            landing_dir=contract.landing_dir,
            expected_by=_time(f"{path.name}: {name}", entry.get("expected_by") or "23:00"),
            cadence=cadence,
            timezone=tz,
        )
    return out


def late_feeds(
    settings: Settings, day: date | str, now: datetime | None = None, path: Path = ARRIVALS_FILE
) -> dict:
    """The sources expected daily whose landing folder for `day` has no file although their
    time has passed (`late`), those whose time has not come yet (`pending`), and those that
    arrived, each with its deadline and folder."""
    day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    now = now or datetime.now(UTC)
    storage = Storage.for_settings(settings)
    late, pending, arrived = [], [], []
    for exp in expected_arrivals(settings, path).values():
        if exp.cadence != "daily":
            continue
        folder = f"landing/{exp.landing_dir}/{day.isoformat()}"
        files = storage.list(folder)
        entry = {
            "source": exp.source,
            "folder": folder,
            "deadline": exp.deadline(day).isoformat(),
            "files": len(files),
        }
        if files:
            arrived.append(entry)
        elif now >= exp.deadline(day):
            late.append(entry)
        else:
            pending.append(entry)
    return {
        "day": day.isoformat(),
        "checked_at": now.isoformat(timespec="seconds"),
        "late": late,
        "pending": pending,
        "arrived": arrived,
    }


def describe_late(result: dict) -> str:
    """One line per late source, for the alert and the task log."""
    lines = [f"{len(result['late'])} feed(s) late for {result['day']}:"]
    lines += [
        f"  - {e['source']}: nothing in {e['folder']} (expected by {e['deadline']})"
        for e in result["late"]
    ]
    return "\n".join(lines)
