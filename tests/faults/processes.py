"""Real processes for the fault suite: a day run in a process group of its own, killed from
outside (SIGKILL to the group: the Python driver and its Spark JVM) when a condition holds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from spark_jobs.core.settings import Settings
from spark_jobs.ingest.landing import stage_landing

REPO = Path(__file__).resolve().parents[2]
DAY = "2024-06-28"
DEMO = REPO / "data_samples" / "demo" / "landing"  # the catalog (1 file) and actions (4 files)


def new_home(root: Path) -> Path:
    """A lakehouse home with the demo delivery in its landing zone."""
    home = root / "lakehouse"
    stage_landing(Settings(home=home), DEMO)
    return home


def _group_alive(pgid: int) -> bool:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


class Run:
    """One child run: its exit code, whether it was killed, and its output."""

    def __init__(self, returncode: int, killed: bool, out: str, err: str):
        self.returncode, self.killed, self.out, self.err = returncode, killed, out, err

    def result(self) -> dict:
        assert self.returncode == 0, f"the run failed ({self.returncode}):\n{self.err[-3000:]}"
        return json.loads(self.out.strip().splitlines()[-1])


def run_child(
    home: Path,
    argv: list[str],
    kill_when: Callable[[], bool] | None = None,
    timeout: float = 900,
    env: dict[str, str] | None = None,
) -> Run:
    """Run `argv` (after `python -m`) with LAKEHOUSE_HOME=home (local mode unless `env` says
    otherwise) in a new process group; SIGKILL the group the moment `kill_when()` is true."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("LAKEHOUSE_")}
    env = {**base, "LAKEHOUSE_HOME": str(home), **(env or {})}
    out_path, err_path = home.parent / "child.out", home.parent / "child.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", *argv],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        killed, deadline = False, time.monotonic() + timeout
        while proc.poll() is None:
            if kill_when is not None and kill_when():
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                break
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail(f"{argv} still running after {timeout} s")
            time.sleep(0.01)
        proc.wait()
        while _group_alive(proc.pid):  # the JVM too: nothing of the run survives
            time.sleep(0.05)
    return Run(proc.returncode, killed, out_path.read_text("utf-8"), err_path.read_text("utf-8"))


def _data_files(folder: Path) -> set[Path]:
    return set(folder.rglob("*.parquet")) if folder.exists() else set()


def at_marker(marker: Path, delay: float = 0.0) -> Callable[[], bool]:
    """True `delay` seconds after the child wrote `marker`."""
    seen: list[float] = []

    def check() -> bool:
        if not seen and marker.exists():
            seen.append(time.monotonic())
        return bool(seen) and time.monotonic() - seen[0] >= delay

    return check


def at_new_data_file(marker: Path, *folders: Path) -> Callable[[], bool]:
    """True once, after `marker`, a new data file appears under one of `folders`: the commit
    has written its files and not yet its log entry (or only just)."""
    before: list[set[Path]] = []

    def check() -> bool:
        if not before:
            if not marker.exists():
                return False
            before.append(set().union(*map(_data_files, folders)))
            return False
        return bool(set().union(*map(_data_files, folders)) - before[0])

    return check
