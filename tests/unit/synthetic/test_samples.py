"""The committed samples are what the generator makes: each profile, regenerated into a fresh
folder, gives every committed file byte for byte; the generator is deterministic; it refuses
to write where it must not; the command line works."""

from __future__ import annotations

import pytest

from tests.synthetic import DEMO, PROVINCE, SAMPLES
from tests.synthetic.__main__ import main
from tests.synthetic.ground_truth import read_ground_truth
from tests.synthetic.profiles import generate
from tests.synthetic.run import LARGE, check_output
from tests.unit.synthetic.reading import files_of, unzipped


@pytest.mark.parametrize("profile, committed", [("demo", DEMO), ("province", PROVINCE)])
def test_each_profile_regenerates_its_committed_tree_byte_for_byte(tmp_path, profile, committed):
    summary = generate(profile, tmp_path)
    fresh, kept = files_of(tmp_path), files_of(committed)
    assert sorted(fresh) == sorted(kept)
    for name, data in fresh.items():
        if name.endswith(".xlsx"):  # tell different content from a different deflate build
            assert unzipped(data) == unzipped(kept[name]), name
        assert data == kept[name], name
    assert summary.faults == len(read_ground_truth(committed)) and summary.unforced == {}


def test_the_generator_is_deterministic_and_scales(tmp_path):
    a = generate("province", tmp_path / "a", seed=7, scale=0.3, fault_rate=0.05)
    generate("province", tmp_path / "b", seed=7, scale=0.3, fault_rate=0.05)
    generate("province", tmp_path / "c", seed=8, scale=0.3, fault_rate=0.05)
    first, second = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert first == second
    assert first != files_of(tmp_path / "c")
    assert a.rows["supervision_actions"] >= 300  # 1000 × scale (+ duplicated rows)


def test_a_second_run_into_the_same_folder_replaces_the_first(tmp_path):
    generate("demo", tmp_path, seed=1)
    generate("demo", tmp_path)
    assert files_of(tmp_path) == files_of(DEMO)


def test_refuses_data_samples_itself_other_trees_and_large_scales_in_the_repository():
    for profile in ("demo", "province"):
        with pytest.raises(ValueError, match="data_samples/ itself"):
            generate(profile, SAMPLES)
    with pytest.raises(ValueError, match="refusing to write profile demo"):
        generate("demo", PROVINCE)
    with pytest.raises(ValueError, match="refusing to write profile province"):
        generate("province", SAMPLES / "province_copy")
    with pytest.raises(ValueError, match="ignored by git"):
        generate("province", SAMPLES / "province_big", scale=10)
    with pytest.raises(ValueError, match="ignored by git"):
        generate("province", SAMPLES.parent / "province_big", scale=10)
    for name in ("province_copy", "province_big"):
        assert not (SAMPLES / name).exists() and not (SAMPLES.parent / name).exists()
    check_output("demo", DEMO, 1)  # allowed: the committed trees, large/, outside the repo
    check_output("province", PROVINCE, 1)
    check_output("province", LARGE / "province", 1000)


def test_the_command_line_writes_a_profile_and_reports_refusals(tmp_path, capsys):
    assert main(["--profile", "demo", "--out", str(tmp_path), "--fault-rate", "0"]) == 0
    assert "supervision_actions" in capsys.readouterr().out
    assert read_ground_truth(tmp_path) == []
    with pytest.raises(SystemExit) as refused:
        main(["--profile", "province", "--out", str(SAMPLES)])
    assert refused.value.code == 2 and "data_samples/ itself" in capsys.readouterr().err
