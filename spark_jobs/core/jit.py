"""Which JIT compiler the Spark JVM runs with, chosen by the size of the lake when it starts.

A HotSpot JVM compiles hot Java methods twice: quickly with C1, then again, optimised, with C2.
On a small lake a Spark process is mostly planning queries (Catalyst, Delta's log replay, dbt's
metadata queries) over few rows, and C2 is compiling Spark's own code for most of the
process's life: on the demo day in a new process the compiler threads took 59-72 of the JVM's
133-161 CPU seconds. With C1 only (`-XX:TieredStopAtLevel=1`, a bigger code cache and no
flushing of it, so that the compiled code is kept) the same day took 102-115 CPU seconds in about
the same wall time, and the test suite's quick tier (two long-lived test JVMs on tiny lakes)
2 min 6-13 s instead of 2 min 57 s-3 min 37 s. With more rows C2's faster code is worth its
compiling: the province's first day in the main job (one process, 18 sources) 391 s against
403 s with C1 only, a hundred thousand actions 158.2 s against 188.9 s. So a JVM starts with C1
only while the landing zone holds less than `Settings.quick_jit_below_kb`
(`LAKEHOUSE_QUICK_JIT_BELOW_KB`, 512 KB by default, between the demo's 99 KB and the province
day's 956 KB; 0: never), and with both compilers from then on.

The landing zone stands for the lake because its size is known before the JVM starts (a
listing: local files, or the bucket's objects in MinIO mode) and it holds every delivery, the
one this process is about to ingest included. Unlike the expression mode (`core/codegen.py`),
the JIT cannot change in a running JVM: a long-lived process (the main job, a test session)
keeps the compiler it started with.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from spark_jobs.core.settings import Settings

log = logging.getLogger(__name__)

QUICK_JIT = (
    "-XX:TieredStopAtLevel=1",
    "-XX:ReservedCodeCacheSize=256m",
    "-XX:-UseCodeCacheFlushing",
)


def landing_bytes(settings: Settings) -> int:
    """Bytes of every file in the landing zone (0 when there is none yet)."""
    if settings.mode == "minio":
        from spark_jobs.core.storage import MinioStorage

        storage = MinioStorage(settings)
        objects = storage.client.list_objects(storage.bucket, prefix="landing/", recursive=True)
        return sum(o.size or 0 for o in objects)
    root = Path(settings.landing_root)
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            try:
                total += (Path(folder) / name).stat().st_size
            except OSError:  # gone in the meantime, or a dangling link: ingest reports those
                continue
    return total


def quick_jit(settings: Settings) -> bool:
    """Whether a JVM started now for this lake runs C1 only. A bucket that cannot be listed
    gets the JVM's default: the task itself then reports MinIO in one line (`get_spark`)."""
    if settings.quick_jit_below_kb <= 0:
        return False
    try:
        size = landing_bytes(settings)
    except Exception as exc:  # only MinIO can fail here: the choice is a speed, not a result
        log.warning("JIT: the landing zone could not be listed (%s): C1 and C2", exc)
        return False
    return size < settings.quick_jit_below_kb * 1024


def jit_options(settings: Settings) -> str:
    """The JVM options of the JIT chosen for this lake ("" for the JVM's default, C1 and C2)."""
    quick = quick_jit(settings)
    log.info(
        "JIT: %s (landing zone below %s KB: C1 only)",
        "C1 only" if quick else "C1 and C2",
        settings.quick_jit_below_kb,
    )
    return " ".join(QUICK_JIT) if quick else ""
