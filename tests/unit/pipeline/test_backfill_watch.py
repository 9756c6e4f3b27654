"""The backfill watcher (`infra/backfill.sh`) on a scripted sequence of run states, without
Airflow's database: a line per run as it ends, progress while it runs, a non-zero exit naming
the failed date and tasks, and no endless wait when the backfill made no run."""

from __future__ import annotations

from datetime import date

import pytest

from spark_jobs.pipeline import backfill_watch as bw

pytestmark = pytest.mark.quick
D1, D2 = date(2024, 6, 28), date(2024, 6, 29)


def _script(monkeypatch, polls: list[list[tuple[date, str]]], failed_tasks=()):
    states = iter(polls)
    current: list = []

    def runs(dag_id, first, last):
        current[:] = [
            {"date": d, "run_id": f"backfill__{d}", "state": s} for d, s in next(states, polls[-1])
        ]
        return list(current)

    monkeypatch.setattr(bw, "backfill_runs", runs)
    monkeypatch.setattr(bw, "_tasks_done", lambda dag_id, run_id: "3/15")
    monkeypatch.setattr(
        bw, "_task_states", lambda dag_id, run_id: dict.fromkeys(failed_tasks, "failed")
    )
    monkeypatch.setattr(bw.time, "sleep", lambda s: None)
    monkeypatch.setattr(bw, "open_backfills", lambda dag_id: 0)


def test_each_run_is_reported_as_it_ends_and_success_exits_zero(monkeypatch, capsys):
    _script(monkeypatch, [
        [(D1, "running"), (D2, "queued")],
        [(D1, "success"), (D2, "running")],
        [(D1, "success"), (D2, "success")],
    ])  # fmt: skip
    assert bw.watch("supervision_pipeline", D1, D2) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("backfill: 0/2 runs finished; 2024-06-28: 3/15 tasks done [")
    assert "backfill: supervision_pipeline 2024-06-28 success" in out
    assert "backfill: supervision_pipeline 2024-06-29 success" in out
    assert out.index("backfill: supervision_pipeline 2024-06-28 success") < out.index(
        "backfill: supervision_pipeline 2024-06-29 success"
    )


def test_a_failed_run_names_its_date_and_tasks_and_exits_one(monkeypatch, capsys):
    _script(monkeypatch, [[(D1, "failed"), (D2, "success")]], failed_tasks=["quality_gate"])
    assert bw.watch("supervision_pipeline", D1, D2) == 1
    out = capsys.readouterr().out
    assert "backfill: supervision_pipeline 2024-06-28 failed (failed tasks: quality_gate)" in out
    assert "backfill: failed for 2024-06-28" in out


def test_no_backfill_run_at_all_is_an_error_not_an_endless_wait(monkeypatch, capsys):
    _script(monkeypatch, [[]])
    monkeypatch.setattr(bw, "NO_RUNS_GRACE", -1)
    assert bw.watch("supervision_pipeline", D1, D2) == 1
    assert "no backfill run of supervision_pipeline between 2024-06-28 and 2024-06-29" in (
        capsys.readouterr().out
    )


def test_the_watch_waits_for_the_scheduler_to_mark_the_backfill_complete(monkeypatch, capsys):
    _script(monkeypatch, [[(D1, "success")]])
    still_open = iter([1, 1, 0])
    monkeypatch.setattr(bw, "open_backfills", lambda dag_id: next(still_open))
    assert bw.watch("supervision_pipeline", D1, D1) == 0
    assert next(still_open, "drained") == "drained"  # asked until the scheduler had marked it
    monkeypatch.setattr(bw, "open_backfills", lambda dag_id: 1)
    assert bw.watch("supervision_pipeline", D1, D1) == 0  # the runs succeeded: a note only
    assert "has not marked the backfill complete after 120 s" in capsys.readouterr().out
