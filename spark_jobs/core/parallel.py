"""Run named steps on a few threads, each after the steps it waits for: silver's sources.

One SparkSession takes jobs from several threads at once. A small source's silver build is a
chain of short Spark jobs planned on the driver one after another (Catalyst, Delta's log, the
MERGE), so once the JIT compiler has settled one build leaves much of a second core idle:
the province's silver in a warm process took 75.6 / 79.1 s one source at a time and 67.2 s two
at a time (README, "Silver on two threads"). Which steps may overlap is the caller's knowledge
(`waits_for`); the order among steps that are ready is the list's, so one thread gives exactly
the sequential run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait


def run_in_order(
    names: list[str],
    waits_for: Mapping[str, set[str]],
    step: Callable[[str], None],
    threads: int,
) -> None:
    """Call `step(name)` for every name, on up to `threads` threads, each once the names it
    waits for have finished without error (a name it waits for that is not in `names` is not
    waited for). `names` must list every name after those it waits for. A step that fails
    does not stop the others: only the steps waiting for it (directly or not) are left out.
    At the end the failure of the first name in list order is raised."""
    position = {name: i for i, name in enumerate(names)}
    needs = {n: {w for w in waits_for.get(n, ()) if w in position and w != n} for n in names}
    for name, before in needs.items():
        late = sorted(w for w in before if position[w] > position[name])
        if late:
            raise ValueError(f"{name!r} is listed before {late}, which it waits for")
    done: set[str] = set()
    failed: dict[str, BaseException] = {}
    waiting = list(names)
    running: dict[Future, str] = {}
    threads = max(1, threads)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="in-order") as pool:
        while waiting or running:
            for name in _left_out(waiting, needs, failed):
                waiting.remove(name)  # waits for a failed step: never runs
            for name in list(waiting):
                if len(running) >= threads:
                    break
                if needs[name] <= done:
                    waiting.remove(name)
                    running[pool.submit(step, name)] = name
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                name = running.pop(future)
                error = future.exception()
                if error is None:
                    done.add(name)
                else:
                    failed[name] = error
    if failed:
        raise failed[min(failed, key=position.__getitem__)]


def _left_out(waiting, needs, failed) -> set[str]:
    """The waiting names that can never run: they wait, directly or not, for a failed one."""
    out: set[str] = set()
    for name in waiting:  # list order: what a name waits for comes before it
        if needs[name] & (set(failed) | out):
            out.add(name)
    return out
