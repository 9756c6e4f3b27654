"""`run_in_order`: steps on threads, each after what it waits for (silver's sources)."""

from __future__ import annotations

import threading

import pytest

from spark_jobs.core.parallel import run_in_order


def test_one_thread_is_the_list_order():
    seen = []
    run_in_order(["a", "b", "c", "d"], {"c": {"a"}}, seen.append, threads=1)
    assert seen == ["a", "b", "c", "d"]


def test_ready_steps_overlap_and_a_waiting_step_starts_after_its_inputs():
    both_running = threading.Barrier(2, timeout=10)  # broken unless a and b run at once
    events, lock = [], threading.Lock()

    def step(name):
        with lock:
            events.append(f"start {name}")
        if name in ("a", "b"):
            both_running.wait()
        with lock:
            events.append(f"end {name}")

    run_in_order(["a", "b", "c"], {"c": {"a", "b"}, "b": {"b"}}, step, threads=2)
    assert set(events[:2]) == {"start a", "start b"}
    assert events.index("start c") > max(events.index("end a"), events.index("end b"))
    assert len(events) == 6


@pytest.mark.parametrize("threads", [1, 2])
def test_a_failure_leaves_out_only_what_waits_for_it_and_the_first_is_raised(threads):
    ran = []

    def step(name):
        ran.append(name)
        if name in ("a", "b"):
            raise RuntimeError(f"{name} broke")

    with pytest.raises(RuntimeError, match="a broke"):
        run_in_order(["a", "b", "c", "d", "e"], {"c": {"a"}, "d": {"c"}}, step, threads)
    assert sorted(ran) == ["a", "b", "e"]  # c waits for a (failed), d for c: neither ran


def test_a_step_listed_before_what_it_waits_for_is_refused():
    with pytest.raises(ValueError, match=r"'b' is listed before \['c'\]"):
        run_in_order(["a", "b", "c"], {"b": {"c"}, "a": {"elsewhere"}}, print, threads=2)
