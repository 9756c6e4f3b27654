"""Alerts (spark_jobs/core/alerts.py), the late-feed check (spark_jobs/core/arrivals.py) and the
pruning of quality outputs (spark_jobs/core/maintenance.py): plain files, no Spark."""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, date, datetime, time, timedelta

import pytest

from spark_jobs.core import alerts, arrivals, maintenance
from spark_jobs.core.settings import Settings

DAY = date(2024, 6, 28)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return dataclasses.replace(Settings.from_env(), mode="local", home=tmp_path / "home")


def test_an_alert_is_one_json_line_and_one_log_line(settings, caplog):
    caplog.set_level("WARNING")
    first = alerts.record_alert(
        settings, kind="late_feed", message="2 feed(s) late", sources=["b", "a", "a"],
        dag_id="lakehouse_housekeeping", task_id="late_feeds", run_date="2024-06-28",
    )  # fmt: skip
    alerts.record_alert(settings, kind="quality_gate", severity="warning", message="gate")
    lines = alerts.alerts_path(settings).read_text("utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0]) == first
    assert first["sources"] == ["a", "b"] and set(first) == set(alerts.FIELDS)
    assert [r["kind"] for r in alerts.read_alerts(settings)] == ["late_feed", "quality_gate"]
    assert "ALERT late_feed [error] dag_id=lakehouse_housekeeping task_id=late_feeds" in caplog.text
    assert "sources=a,b: 2 feed(s) late" in caplog.text
    with pytest.raises(ValueError, match="alert kind"):
        alerts.record_alert(settings, kind="nonsense", message="x")


def test_expected_arrivals_cover_every_contract_and_refuse_unknown_sources(settings, tmp_path):
    expected = arrivals.expected_arrivals(settings)
    from spark_jobs.contracts import all_contracts

    assert set(expected) == {c.name for c in all_contracts(settings.contract_dir)}
    assert expected["supervision_actions"].cadence == "daily"
    assert expected["supervision_items"].cadence == "on_change"
    # 23:00 Beijing time is 15:00 UTC
    assert expected["supervision_actions"].deadline(DAY) == datetime(2024, 6, 28, 15, tzinfo=UTC)
    bad = tmp_path / "arrivals.yaml"
    bad.write_text("sources:\n  no_such_source: {cadence: daily}\n", "utf-8")
    with pytest.raises(ValueError, match="no_such_source"):
        arrivals.expected_arrivals(settings, bad)
    bad.write_text("sources:\n  supervision_actions: {expected_by: '25h'}\n", "utf-8")
    with pytest.raises(ValueError, match="HH:MM"):
        arrivals.expected_arrivals(settings, bad)


def test_late_feeds_are_the_daily_sources_without_files_after_their_time(settings):
    expected = arrivals.expected_arrivals(settings)
    daily = sorted(s for s, e in expected.items() if e.cadence == "daily")
    landing = settings.home / "storage" / "landing"
    delivered = expected["supervision_actions"].landing_dir
    (landing / delivered / DAY.isoformat()).mkdir(parents=True)
    (landing / delivered / DAY.isoformat() / "actions.csv").write_text("x\n", "utf-8")
    (landing / expected["approvals"].landing_dir / DAY.isoformat()).mkdir(parents=True)  # empty

    before = arrivals.late_feeds(settings, DAY, now=datetime(2024, 6, 28, 10, tzinfo=UTC))
    assert before["late"] == []  # 18:00 Beijing: nothing is due yet
    assert len(before["pending"]) == len(daily) - 1

    between = arrivals.late_feeds(settings, DAY, now=datetime(2024, 6, 28, 13, tzinfo=UTC))
    credit = {s for s in daily if expected[s].expected_by == time(20, 0)}
    assert credit and {e["source"] for e in between["late"]} == credit  # 21:00 Beijing

    after = arrivals.late_feeds(settings, "2024-06-28", now=datetime(2024, 6, 29, tzinfo=UTC))
    late = [e["source"] for e in after["late"]]
    assert late == [s for s in daily if s != "supervision_actions"]  # approvals: empty folder
    assert [e["source"] for e in after["arrived"]] == ["supervision_actions"]
    assert "supervision_items" not in late  # delivered on change, never late
    text = arrivals.describe_late(after)
    assert text.startswith(f"{len(late)} feed(s) late for 2024-06-28:")
    assert f"approvals: nothing in landing/{expected['approvals'].landing_dir}/2024-06-28" in text


def _write(path, text="x", age_days=0.0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    stamp = (datetime.now(UTC) - timedelta(days=age_days)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_pruning_removes_only_quality_outputs_older_than_the_retention(settings):
    home = settings.home
    old, new = 120, 5
    gx = home / "gx" / "uncommitted" / "validations" / "supervision_items"
    removed = [
        _write(gx / "2024-01-01" / "20240101T0Z" / "result.json", "r" * 10, old),
        _write(home / "data_docs" / "validations" / "supervision_items" / "a" / "p.html", "", old),
        _write(home / "reports" / "quality" / "2024-01-01" / "quality_report.html", "q", old),
        _write(home / "reports" / "run-2024-01-01.json", "{}", old),
        _write(home / "quality" / "gate" / "2024-01-01.json", "{}", old),
    ]
    kept = [
        _write(gx / "2024-06-28" / "20240628T0Z" / "result.json", "r", new),
        _write(gx.parent / ".ge_store_backend_id", "id", old),  # GE's store id stays
        _write(home / "data_docs" / "index.html", "i", old),  # the site itself stays
        _write(home / "data_docs" / "static" / "style.css", "s", old),
        _write(home / "reports" / "quality" / "2024-06-28" / "quality_report.html", "q", new),
        _write(home / "reports" / "run-2024-06-28.json", "{}", new),
        _write(home / "gx" / "great_expectations.yml", "g", old),  # configuration stays
        _write(home / "storage" / "lake" / "gold" / "t" / "part-0.parquet", "p", old),
    ]
    policy = maintenance.MaintenancePolicy(quality_retention_days=90)
    result = maintenance.prune_quality_outputs(settings, policy)
    assert result["files_removed"] == len(removed)
    assert result["bytes_removed"] == 10 + 0 + 1 + 2 + 2
    assert not any(p.exists() for p in removed)
    assert all(p.exists() for p in kept)
    assert not (gx / "2024-01-01").exists()  # empty folders go too
    assert not (home / "reports" / "quality" / "2024-01-01").exists()
    index = (home / "reports" / "quality" / "index.html").read_text("utf-8")
    assert "2024-06-28" in index and "2024-01-01" not in index  # index rewritten
    again = maintenance.prune_quality_outputs(settings, policy)
    assert again["files_removed"] == 0  # idempotent


def test_retention_below_deltas_floor_needs_the_explicit_flag(monkeypatch):
    monkeypatch.delenv("LAKEHOUSE_VACUUM_RETENTION_HOURS", raising=False)
    assert maintenance.MaintenancePolicy.from_env().vacuum_retention_hours == 720
    monkeypatch.setenv("LAKEHOUSE_VACUUM_RETENTION_HOURS", "24")
    with pytest.raises(ValueError, match="below Delta's 168 h safety floor"):
        maintenance.MaintenancePolicy.from_env()
    monkeypatch.setenv("LAKEHOUSE_VACUUM_ALLOW_SHORT_RETENTION", "1")
    assert maintenance.MaintenancePolicy.from_env().vacuum_retention_hours == 24


def test_a_dump_still_lacking_pages_after_its_time_is_incomplete(settings):
    """The credit platform's dump of the day with page 2 of 3 nowhere in the landing zone is
    listed once its time (20:00) has passed; a page delivered in a later folder completes it."""
    from tests.unit.ingest.helpers import dump_files

    expected = arrivals.expected_arrivals(settings)
    folder = settings.home / "storage" / "landing" / expected["credit_penalties"].landing_dir
    pages = {name.rsplit("/", 1)[1]: data for name, data in dump_files("cp_0628", 5, 2)}
    for name in ("cp_0628_p0001.json", "cp_0628_p0003.json"):
        _write(folder / DAY.isoformat() / name, pages[name].decode("utf-8"))
    (folder / DAY.isoformat() / "readme.txt").write_text("not a page", "utf-8")

    early = arrivals.late_feeds(settings, DAY, now=datetime(2024, 6, 28, 11, tzinfo=UTC))
    assert early["incomplete"] == []  # 19:00 Beijing: the rest may still come today
    late = arrivals.late_feeds(settings, DAY, now=datetime(2024, 6, 29, tzinfo=UTC))
    assert [(e["source"], e["dump"], e["missing"], e["pages"]) for e in late["incomplete"]] == [
        ("credit_penalties", "cp_0628", [2], 3)
    ]
    assert "credit_penalties: cp_0628 in landing/" in arrivals.describe_late(late)
    assert "lacks page(s) 2 of 3" in arrivals.describe_late(late)

    later = folder / (DAY + timedelta(days=1)).isoformat() / "cp_0628_p0002.json"
    _write(later, pages["cp_0628_p0002.json"].decode("utf-8"))
    assert (
        arrivals.late_feeds(settings, DAY, now=datetime(2024, 6, 29, tzinfo=UTC))["incomplete"]
        == []
    )
