"""The local export publish: one atomic swap, and a killed publish's leftovers swept."""

from __future__ import annotations

import os

from spark_jobs.core import storage as storage_module
from spark_jobs.core.storage import LocalStorage


def test_a_republish_swaps_the_folder_without_a_moment_with_none(tmp_path, monkeypatch):
    store = LocalStorage(tmp_path)
    store.publish("exports/d/1", {"a.jsonl": b"old\n", "manifest.json": b"{}\n"})
    renames = []
    real = os.replace
    monkeypatch.setattr(
        storage_module.os, "replace", lambda a, b: (renames.append((a, b)), real(a, b))
    )

    store.publish("exports/d/1", {"b.jsonl": b"new\n", "manifest.json": b"{}\n"})

    final = tmp_path / "exports" / "d" / "1"
    assert sorted(p.name for p in final.iterdir()) == ["b.jsonl", "manifest.json"]
    assert (final / "b.jsonl").read_bytes() == b"new\n"
    assert renames == [], "the published folder was renamed away (a crash there leaves none)"
    assert [p.name for p in final.parent.iterdir()] == ["1"]


def test_leftovers_of_a_killed_publish_are_removed_by_the_next(tmp_path):
    store = LocalStorage(tmp_path)
    day = tmp_path / "exports" / "d"
    for left in (".1.0a1b.tmp", ".1.2c3d.old"):  # a kill between writing and swapping
        (day / left).mkdir(parents=True)
        (day / left / "part-00000.jsonl").write_bytes(b"half")
    (day / ".2.9f.tmp").mkdir()  # another batch's: not this publish's business

    store.publish("exports/d/1", {"manifest.json": b"{}\n"})

    assert sorted(p.name for p in day.iterdir()) == [".2.9f.tmp", "1"]
