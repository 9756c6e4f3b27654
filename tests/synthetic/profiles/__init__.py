"""The generator's profiles: `province` (every source, faults at a rate) and `demo` (the two
foundation sources with six planted faults). Same writers, same fault table, same label file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.synthetic.profiles import demo, province
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
) -> Summary:
    """Write `profile`'s deliveries under `<out>/landing/` and `<out>/ground_truth.csv`."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: one of {', '.join(PROFILES)}")
    return PROFILES[profile](Path(out), Params(seed, run_date, scale, fault_rate))
