"""The generator's profiles: `province` (every source, faults at a rate) and `demo` (the two
foundation sources with six planted faults). Same writers, same fault table, same label file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.synthetic.profiles import demo, province
from tests.synthetic.profiles.days import later_days, write_later_days
from tests.synthetic.run import (
    DEFAULT_FAULT_RATE,
    DEFAULT_RUN_DATE,
    DEFAULT_SEED,
    Params,
    Summary,
)

PROFILES = {"province": province.generate, "demo": demo.generate}


def generate(
    profile: str,
    out: Path,
    *,
    seed: int = DEFAULT_SEED,
    run_date: date = DEFAULT_RUN_DATE,
    scale: float = 1.0,
    fault_rate: float = DEFAULT_FAULT_RATE,
    days: int = 1,
) -> Summary:
    """Write `profile`'s deliveries under `<out>/landing/` and `<out>/ground_truth.csv`; with
    `days` > 1 (province only) also the later days and `<out>/ground_truth_days.csv`."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: one of {', '.join(PROFILES)}")
    if days != 1 and profile != "province":
        raise ValueError(f"--days is for the province profile, not {profile!r}")
    later_days(run_date, days)  # refuses days < 1 before anything is written
    summary = PROFILES[profile](Path(out), Params(seed, run_date, scale, fault_rate))
    if profile == "province":
        summary.later = write_later_days(Path(out), run_date, seed, scale, days)
    return summary
