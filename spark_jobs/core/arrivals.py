"""Late feeds: which sources have not delivered a day's files by the time they were expected.

Each source's expected arrival is in `arrivals.yaml` next to this module (an exchange-window
time on the delivery day and a cadence; one place for operations to edit, so the delivery
contracts in `schemas/` stay about the files). `late_feeds` looks at the landing zone only
(`Storage.list`, local or MinIO): no Spark, so it works when Spark does not.

A paged dump (json_pages sources) that arrived incomplete counts too: once the source's time
has passed, a dump of the day whose pages are missing from every folder of the source (the
rest may come on a later day under the same dump name; bronze holds the pages `waiting`) is
listed as `incomplete`, with the pages still missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from spark_jobs.contracts import Contract, all_contracts
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
    late, pending, arrived, incomplete = [], [], [], []
    contracts = {c.name: c for c in all_contracts(settings.contract_dir)}
    for exp in expected_arrivals(settings, path).values():
        if contracts[exp.source].format == "json_pages" and now >= exp.deadline(day):
            incomplete += [
                {**entry, "deadline": exp.deadline(day).isoformat()}
                for entry in incomplete_dumps(storage, contracts[exp.source], day)
            ]
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
        "incomplete": incomplete,
    }


def incomplete_dumps(storage: Storage, contract: Contract, day: date) -> list[dict]:
    """The paged dumps of the day's folder with pages in no folder of the source: each with
    the pages missing of how many (from the total and page size its first page states). A
    dump whose first page cannot be read is left to the ingest, which rejects it."""
    from spark_jobs.ingest.readers.json_pages_reader import read_json_page, split_page_name

    folder = f"landing/{contract.landing_dir}/{day.isoformat()}"
    dumps: dict[str, list[tuple[int, str]]] = {}
    for key in storage.list(folder):
        split = split_page_name(key)
        if split is not None:
            dumps.setdefault(split[0], []).append((split[1], key))
    if not dumps:
        return []
    everywhere: dict[str, set[int]] = {}
    for key in storage.list(f"landing/{contract.landing_dir}"):
        split = split_page_name(key)
        if split is not None:
            everywhere.setdefault(split[0], set()).add(split[1])
    out = []
    for dump, pages in sorted(dumps.items()):
        number, key = min(pages)
        try:
            page = read_json_page(contract, storage.read_bytes(key), key, number)
        except ValueError:
            continue
        expected = max(1, math.ceil(page.total / page.size))
        missing = [n for n in range(1, expected + 1) if n not in everywhere[dump]]
        if missing:
            out.append(
                {
                    "source": contract.name,
                    "dump": dump,
                    "folder": folder,
                    "missing": missing,
                    "pages": expected,
                }
            )
    return out


def describe_late(result: dict) -> str:
    """One line per late source and per incomplete dump, for the alert and the task log."""
    lines = [f"{len(result['late'])} feed(s) late for {result['day']}:"]
    lines += [
        f"  - {e['source']}: nothing in {e['folder']} (expected by {e['deadline']})"
        for e in result["late"]
    ]
    incomplete = result.get("incomplete") or []
    if incomplete:
        lines.append(f"{len(incomplete)} dump(s) incomplete for {result['day']}:")
        lines += [
            f"  - {e['source']}: {e['dump']} in {e['folder']} lacks page(s) "
            f"{', '.join(map(str, e['missing']))} of {e['pages']} (expected by {e['deadline']}; "
            "its pages wait in bronze until the rest arrives under the same dump name)"
            for e in incomplete
        ]
    return "\n".join(lines)
