"""One generation: where it writes, its seeded randomness, contracts, fault engine, row counts.

Every profile works through a `Run`: `prepare` checks the output folder and clears the run
date's folders of the profile's sources, `writer`/`dump` open delivery files under
`<out>/landing/<source>/<run-date>/`, `close` counts their rows, and `finish` writes
`ground_truth.csv` and returns the `Summary`.
"""

from __future__ import annotations

import random
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from spark_jobs.contracts import Contract, get_contract
from tests.synthetic import DEMO, PROVINCE, SAMPLES, SCHEMAS
from tests.synthetic.faults.engine import Faults, Label
from tests.synthetic.ground_truth import write_ground_truth
from tests.synthetic.writers import WRITERS, PagedDumpWriter, Writer

DEFAULT_SEED = 20240628
DEFAULT_RUN_DATE = date(2024, 6, 28)
DEFAULT_FAULT_RATE = 0.01
COMMITTED = {"demo": DEMO, "province": PROVINCE}  # the sample tree each profile owns
LARGE = SAMPLES / "large"  # ignored by git
MAX_COMMITTED_SCALE = 5  # larger outputs inside the repository belong under LARGE


@dataclass(frozen=True)
class Params:
    """What decides a generation's bytes, besides the profile."""

    seed: int = DEFAULT_SEED
    run_date: date = DEFAULT_RUN_DATE
    scale: float = 1.0  # 1 = the committed samples
    fault_rate: float = DEFAULT_FAULT_RATE  # share of rows with a fault; 0 = clean


@dataclass
class Summary:
    profile: str
    out: Path
    seconds: float
    rows: dict[str, int]  # source → rows written (duplicated rows included)
    files: int
    bytes: int
    faults: int  # labels in ground_truth.csv
    unforced: dict  # source → (class, field) pairs that found no row to land on
    later: list = field(default_factory=list)  # days.Change of the later days (--days)


def check_output(profile: str, out: Path, scale: float) -> None:
    """Refuse data_samples/ itself, another profile's or an unknown folder in data_samples/,
    and large scales inside the repository outside data_samples/large/."""
    out, samples, large = Path(out).resolve(), SAMPLES.resolve(), LARGE.resolve()
    if out == samples:
        raise ValueError(
            "refusing to write into data_samples/ itself: it holds the sample "
            "trees; use data_samples/demo, data_samples/province or "
            "data_samples/large/<name>"
        )
    if (
        scale > MAX_COMMITTED_SCALE
        and out.is_relative_to(samples.parent)
        and not out.is_relative_to(large)
    ):
        raise ValueError(
            f"scale {scale} inside the repository belongs under {large} (ignored by git)"
        )
    if (
        out.is_relative_to(samples)
        and not out.is_relative_to(large)
        and out != COMMITTED[profile].resolve()
    ):
        raise ValueError(
            f"refusing to write profile {profile} into {out}: in data_samples/ "
            f"it writes {COMMITTED[profile].relative_to(samples.parent)} or "
            "under data_samples/large/"
        )


class Run:
    def __init__(
        self,
        profile: str,
        out: Path,
        sources: tuple[str, ...],
        params: Params,
        row_faults: dict[str, list[tuple[str, str]]],
    ):
        self.started = time.perf_counter()
        self.profile, self.sources = profile, tuple(sources)
        self.out = Path(out)
        self.landing = self.out / "landing"
        self.params = params
        self.seed, self.run_date, self.scale = params.seed, params.run_date, params.scale
        self.day = self.run_date.isoformat()
        self.ymd = self.run_date.strftime("%Y%m%d")
        self.faults = Faults(self.seed, params.fault_rate, self.run_date, row_faults)
        self.rows = dict.fromkeys(self.sources, 0)
        self._contracts: dict[str, Contract] = {}

    def contract(self, name: str) -> Contract:
        if name not in self._contracts:
            self._contracts[name] = get_contract(name, SCHEMAS)
        return self._contracts[name]

    def rng(self, part: str) -> random.Random:
        """The random stream of one part of the world (independent of the other parts)."""
        return random.Random(f"{self.seed}:{part}")

    def rel(self, source: str, part: str = "", ext: str = "csv") -> str:
        """`<source>/<day>/<source>[_<part>]_<day>.<ext>`, relative to landing/."""
        return f"{source}/{self.day}/{source}{'_' + part if part else ''}_{self.day}.{ext}"

    def writer(self, kind: str, source: str, part: str = "", **options) -> Writer:
        """A writer of format `kind` (csv | jsonl | xlsx) for the file `rel(source, part)`."""
        return WRITERS[kind](self, source, self.rel(source, part, kind), **options)

    def dump(self, source: str, base_page_size: int, part: str = "") -> PagedDumpWriter:
        """A paged dump `<source>[_<part>]_<yyyymmdd>`, pages growing with the scale."""
        size = int(min(1000, max(base_page_size, round(base_page_size * self.scale))))
        name = f"{source}{'_' + part if part else ''}_{self.ymd}"
        return PagedDumpWriter(self, source, name, size)

    def close(self, *writers: Writer) -> None:
        for w in writers:
            w.close()
            self.rows[w.source] += w.count

    def prepare(self) -> None:
        check_output(self.profile, self.out, self.scale)
        for source in self.sources:
            folder = self.landing / self.contract(source).landing_dir / self.day
            if folder.exists():
                shutil.rmtree(folder)
        self.landing.mkdir(parents=True, exist_ok=True)

    def finish(self, labels: list[Label], unforced: dict) -> Summary:
        write_ground_truth(self.out, labels)
        files = [
            p
            for s in self.sources
            for p in (self.landing / self.contract(s).landing_dir / self.day).glob("*")
        ]
        return Summary(
            self.profile,
            self.out,
            time.perf_counter() - self.started,
            dict(self.rows),
            len(files),
            sum(p.stat().st_size for p in files),
            len(labels),
            unforced,
        )
