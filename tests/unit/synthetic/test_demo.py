"""The committed samples are what the generator makes, and their identifiers are valid."""
import csv
import io

from stdnum.cn import uscc as stdnum_uscc

from spark_jobs.checks.identifiers import division_problem
from tests.synthetic.demo import generate
from spark_jobs.core.settings import REPO_ROOT

SAMPLES = REPO_ROOT / "data_samples"


def test_generator_is_deterministic_and_matches_committed_samples():
    files, faults = generate()
    again, _ = generate()
    assert files == again
    for rel, data in files.items():
        assert (SAMPLES / "landing" / rel).read_bytes() == data, rel
    committed = (SAMPLES / "faults.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert committed == [f"{f.file},{f.row_number},{f.field},{f.fault_class}" for f in faults]


def test_clean_rows_have_valid_identifiers_and_known_items():
    files, faults = generate()
    faulty = {(f.file, f.row_number) for f in faults}
    items_file = next(k for k in files if k.startswith("supervision_items/"))
    items = {r["监管事项目录编码"] for r in csv.DictReader(io.StringIO(files[items_file].decode("utf-8-sig")))}
    checked = 0
    for rel, data in files.items():
        if not rel.startswith("supervision_actions/"):
            continue
        for n, row in enumerate(csv.DictReader(io.StringIO(data.decode("gbk"))), start=1):
            if (rel, n) in faulty:
                continue
            assert stdnum_uscc.is_valid(row["统一社会信用代码"])
            assert division_problem(row["行政区划代码"]) is None
            assert row["监管事项目录编码"] in items
            assert len(row["执法证号"].split(";")) >= 2
            checked += 1
    assert checked == 240 - len(faults)
