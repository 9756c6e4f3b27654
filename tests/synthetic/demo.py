"""Deterministic synthetic deliveries for the two foundation sources, with labelled faults.

`python -m tests.synthetic.demo --out data_samples` rewrites the committed samples; the same
seed always gives the same bytes (a test checks this). Entities get USCCs whose check character
is right, divisions are current Shanxi codes from the GB/T 2260 table, names and phones come
from Faker's zh_CN provider. A few rows carry faults on purpose; `faults.csv` lists each one
(file, row number, field, fault class) so tests can prove every fault is caught exactly.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from faker import Faker

from spark_jobs.contracts import get_contract
from spark_jobs.checks.identifiers import current_divisions, uscc_with_check
from spark_jobs.core.settings import REPO_ROOT
from tests.synthetic import SCHEMAS

PROVINCE = "14"  # Shanxi, whose plan (seed 000) defines the eight repositories
DEPARTMENTS = {
    "31": "山西省市场监督管理局",
    "72": "山西省药品监督管理局",
    "16": "山西省生态环境厅",
    "25": "山西省应急管理厅",
}
ITEM_NAMES = {
    "31": ["食品生产经营监督检查", "特种设备安全监督检查", "产品质量监督抽查", "广告发布监督检查",
           "计量器具监督检查", "网络交易监督检查", "价格行为监督检查", "企业公示信息抽查"],
    "72": ["药品零售企业监督检查", "医疗器械经营监督检查", "化妆品经营监督检查",
           "处方药销售监督检查", "药品网络销售监督检查", "疫苗储存运输监督检查"],
    "16": ["排污许可执行情况检查", "危险废物经营监督检查", "建设项目环评执行检查",
           "固定污染源监督检查", "辐射安全监督检查"],
    "25": ["危险化学品安全监督检查", "工贸企业安全生产检查", "烟花爆竹经营监督检查",
           "非煤矿山安全监督检查"],
}
OBJECT_TYPES = ["法人", "法人", "法人", "场地场所", "特定产品", "设施设备"]
ACTION_TYPES = ["行政检查", "行政检查", "行政检查", "双随机抽查", "行政处罚", "行政强制",
                "移动监管", "非现场监管"]
RESULTS = ["01", "01", "01", "02", "02", "03", "04", "05"]
# Share of each department's items that get at least one action: shows the 80 %/100 % targets.
COVERED_SHARE = {"31": 1.0, "72": 5 / 6, "16": 0.6, "25": 0.5}


@dataclass(frozen=True)
class Fault:
    file: str
    row_number: int
    field: str
    fault_class: str


def _org_code(rng: random.Random) -> str:
    """An 8-digit body plus its GB 11714 check character (positions 9-17 of a USCC)."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(int(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2)))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _csv_bytes(header: list[str], rows: list[list[str]], encoding: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def generate(seed: int = 20240628, run_date: date = date(2024, 6, 28), actions: int = 240):
    """Return ({relative path: bytes}, [Fault]) for one delivery date."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    divisions = [c for c, name in current_divisions(PROVINCE) if name != "市辖区"]
    day = run_date.isoformat()

    items = []  # (item_code, dept, name, sub, object type, level)
    for dept, names in DEPARTMENTS.items():
        for i, name in enumerate(ITEM_NAMES[dept], start=1):
            code = f"{dept}{PROVINCE}0000{i:06d}"
            items.append((code, dept, name, f"{name}（日常）", rng.choice(OBJECT_TYPES),
                          rng.choice(["2", "3", "4"])))
    entities = []
    for _ in range(60):
        division = rng.choice(divisions)
        entities.append((uscc_with_check("91" + division + _org_code(rng)), fake.company(),
                         division))
    officers = {d: [f"{PROVINCE}{d}{n:06d}" for n in rng.sample(range(1, 999999), 8)]
                for d in DEPARTMENTS}

    files: dict[str, bytes] = {}
    item_contract = get_contract("supervision_items", SCHEMAS)
    item_rows = [[code, dept, DEPARTMENTS[dept], name, sub, obj, level]
                 for code, dept, name, sub, obj, level in items]
    files[f"supervision_items/{day}/supervision_items_{day}.csv"] = _csv_bytes(
        [f.header for f in item_contract.fields], item_rows, "utf-8-sig")

    covered = {}
    for dept in DEPARTMENTS:
        dept_items = [i for i in items if i[1] == dept]
        covered[dept] = dept_items[: round(len(dept_items) * COVERED_SHARE[dept])]

    action_contract = get_contract("supervision_actions", SCHEMAS)
    header = [f.header for f in action_contract.fields]
    rows_by_dept: dict[str, list[list[str]]] = {d: [] for d in DEPARTMENTS}
    for n in range(actions):
        dept = list(DEPARTMENTS)[n % len(DEPARTMENTS)]
        item = covered[dept][n // len(DEPARTMENTS) % len(covered[dept])]
        uscc, entity_name, division = rng.choice(entities)
        action_date = run_date - timedelta(days=rng.randint(0, 150))
        submitted = action_date + timedelta(days=rng.randint(0, 10))
        action_type = rng.choice(ACTION_TYPES)
        rows_by_dept[dept].append([
            f"XW{dept}{day.replace('-', '')}{n:06d}", f"{item[2]}（{action_type}）", item[0],
            action_type, uscc, entity_name, division, action_date.isoformat(),
            rng.choice(RESULTS), dept, DEPARTMENTS[dept],
            ";".join(rng.sample(officers[dept], 2)),
            f"对{entity_name}开展{item[2]}", fake.name(), fake.phone_number(),
            min(submitted, run_date).isoformat(),
        ])

    faults: list[Fault] = []
    col = {f.name: i for i, f in enumerate(action_contract.fields)}

    def inject(dept: str, index: int, field: str, value: str, fault_class: str) -> None:
        rows_by_dept[dept][index][col[field]] = value
        faults.append(Fault(f"supervision_actions/{day}/supervision_actions_{dept}_{day}.csv",
                            index + 1, field, fault_class))

    bad = rows_by_dept["31"][3][col["entity_uscc"]]
    wrong = next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != bad[-1])
    inject("31", 3, "entity_uscc", bad[:-1] + wrong, "bad_check_character")
    inject("31", 7, "action_date", f"{run_date.year}-02-30", "impossible_date")
    inject("72", 2, "entity_name", "", "empty_required_field")
    inject("72", 5, "item_code", f"72{PROVINCE}0000999999", "unknown_item_code")
    inject("16", 4, "officer_license_nos", officers["16"][0], "too_few_officers")
    inject("25", 1, "division_code", "1401", "malformed_code")

    for dept, rows in rows_by_dept.items():
        files[f"supervision_actions/{day}/supervision_actions_{dept}_{day}.csv"] = _csv_bytes(
            header, rows, "gbk")
    return files, faults


def write_samples(out: Path, seed: int = 20240628, run_date: date = date(2024, 6, 28),
                  actions: int = 240) -> list[Fault]:
    files, faults = generate(seed, run_date, actions)
    for rel, data in files.items():
        path = out / "landing" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    lines = ["file,row_number,field,fault_class"]
    lines += [f"{f.file},{f.row_number},{f.field},{f.fault_class}" for f in faults]
    (out / "faults.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return faults


def stage_landing(settings, samples_dir: Path = REPO_ROOT / "data_samples") -> list[str]:
    """Copy the sample deliveries into the run's landing zone (a folder or a MinIO bucket)."""
    from spark_jobs.core.storage import MinioStorage, Storage

    storage = Storage.for_settings(settings)
    if isinstance(storage, MinioStorage):
        storage.ensure_bucket()
    landing = samples_dir / "landing"
    keys = []
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        key = f"landing/{path.relative_to(landing).as_posix()}"
        storage.write_bytes(key, path.read_bytes())
        keys.append(key)
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data_samples"))
    parser.add_argument("--seed", type=int, default=20240628)
    parser.add_argument("--run-date", type=date.fromisoformat, default=date(2024, 6, 28))
    parser.add_argument("--actions", type=int, default=240)
    args = parser.parse_args()
    faults = write_samples(args.out, args.seed, args.run_date, args.actions)
    print(f"wrote samples to {args.out} ({len(faults)} labelled faults)")


if __name__ == "__main__":
    main()
