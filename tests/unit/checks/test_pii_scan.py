"""The personal-data scanner: check-digit aware, every file kind, never printing a raw value."""

import json
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spark_jobs.checks.pii_scan import (
    Finding,
    KnownNames,
    find_in_text,
    known_names_from_landing,
    main,
    scan_file,
    scan_paths,
)

ID_VALID = "11010519491231002X"  # GB 11643's own example
ID_VALID_2 = "360426199101010071"  # python-stdnum's doctest
ID_WRONG_CHECK = "110105194912310021"
ID_15 = "110105491231002"  # legacy, converts to 11010519491231002X
MOBILE = "13812345678"
NAMES = KnownNames(["文桂", "王五丰"])
RAW = [ID_VALID, ID_VALID_2, ID_15, MOBILE, "文桂", "王五丰"]


def kinds(text, names=None, **kw):
    return [k for k, _, _ in find_in_text(text, names, **kw)]


# --- known answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (ID_VALID, ["id_number"]),
        (ID_VALID.lower(), ["id_number"]),
        (ID_VALID_2, ["id_number"]),
        (f"身份证号：{ID_VALID}，", ["id_number"]),
        (ID_WRONG_CHECK, []),  # wrong check character: not an ID number
        ("110105194902300020", []),  # 30 February (check character right for these 17 digits)
        ("110105215001010018", []),  # born in 2150 (check character right)
        (ID_15, ["id_number_15"]),
        ("999999491231002", []),  # 15 digits, area code not in GB/T 2260
        ("110105491331002", []),  # 15 digits, month 13
        ("1" + ID_VALID, []),  # part of a longer run
    ],
)
def test_id_numbers(text, expected):
    assert kinds(text) == expected


def test_the_impossible_date_case_has_a_right_check_character():
    from spark_jobs.checks.identifiers import id_check_character

    assert id_check_character("11010519490230002") == "0"
    assert id_check_character("11010521500101001") == "8"


@pytest.mark.parametrize(
    "text, expected",
    [
        (MOBILE, ["mobile"]),
        (f"电话{MOBILE}。", ["mobile"]),
        ("１３８１２３４５６７８", ["mobile"]),
        ("+8613812345678", ["mobile"]),
        ("138-1234-5678", ["mobile"]),
        ("订单号2024062813812345678", []),  # inside a longer digit run
        ("213812345678", []),  # 12 digits
        ("12345678901", []),  # second digit 2
        ("138****5678", []),  # masked
        # a hex token that contains an 11-digit run: letters are part of the run
        ("9f0a13812345678bc4e1d2", []),
        ("0351-2345678", []),  # landlines only when asked
    ],
)
def test_mobiles(text, expected):
    assert kinds(text) == expected


def test_landlines_when_asked():
    assert kinds("座机0351-2345678", landlines=True) == ["landline"]
    assert kinds("（0351）2345678", landlines=True) == ["landline"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("文桂", ["name"]),  # a whole value
        (" 王五丰 ", ["name"]),
        ("来电人文桂反映商家拒绝退款", ["name"]),  # after a cue
        ("联系人：王五丰，电话" + MOBILE, ["name", "mobile"]),
        ("检查人员：文桂、王五丰", ["name", "name"]),
        ('{"name": "文桂"}', ["name"]),
        ("文*来电", []),  # masked
        ("太原市文桂兴商贸有限公司", []),  # part of an entity's trade name
        ("文桂兴商贸有限公司", []),
    ],
)
def test_known_names(text, expected):
    assert kinds(text, NAMES) == expected


def test_known_names_keep_only_name_shaped_values():
    names = KnownNames(
        ["张三", "买买提·艾力", "张", "Zhang San", None, "对某公司开展检查，未发现问题"]
    )
    assert names.names == {"张三", "买买提·艾力"}


def test_excerpts_mask_everything_personal_around_the_finding():
    text = f"来电人文桂反映，电话{MOBILE}，身份证{ID_VALID}，另一号码13987654321"
    findings = [f for f in scan_paths_text(text) if f.kind == "mobile"]
    assert len(findings) == 2
    for f in findings:
        assert not any(raw in str(f) for raw in [*RAW, "13987654321"]), str(f)
    assert "文*" in findings[0].excerpt and "138****5678" in findings[0].excerpt


def scan_paths_text(text):
    from spark_jobs.checks.pii_scan import scan_text

    return scan_text(text, "x", "line 1", NAMES)


# --- file kinds ---------------------------------------------------------------------------------


@pytest.fixture
def dirty(tmp_path):
    """One file of each kind, each with raw personal data, and files that must be skipped."""
    root = tmp_path / "out"
    table = root / "gold" / "complaints"
    (table / "_delta_log").mkdir(parents=True)
    (table / "_delta_log" / "00000000000000000000.json").write_text(
        json.dumps({"add": {"stats": {"minValues": {"id": ID_VALID}}}}), encoding="utf-8"
    )
    pq.write_table(
        pa.table(
            {
                "content": ["来电人文桂反映", "无"],
                "token": ["9f0a13812345678bc4e1d2", None],
                "phone": pa.array([None, int(MOBILE)], pa.int64()),
                "tags": [["a"], ["联系人王五丰"]],
                "person": [{"id": ID_VALID}, {"id": None}],
                "amount": [1.5, 13812345678.0],  # a double is not read
            }
        ),
        table / "part-00000-x.snappy.parquet",
    )
    (table / "part-00000-x.snappy.parquet.crc").write_bytes(b"\x00" + MOBILE.encode())
    (root / "exports").mkdir()
    (root / "exports" / "part-0.jsonl").write_text(
        json.dumps({"content": f"电话{MOBILE}"}, ensure_ascii=False) + "\n{broken " + ID_VALID_2,
        encoding="utf-8",
    )
    (root / "exports" / "manifest.json").write_text(
        json.dumps({"data": {"records": [{"legal_represent": "文桂", "n": int(MOBILE)}]}}),
        encoding="utf-8",
    )
    (root / "reports").mkdir()
    (root / "reports" / "rejections.csv").write_bytes(
        f"联系人,联系电话\n王五丰,{MOBILE}\n".encode("gbk")
    )
    (root / "reports" / "index.html").write_text(
        f"<html><body><td>{ID_VALID}</td><input value='{MOBILE}'>"
        '<script>var d = {"name": "文桂"};</script></body></html>',
        encoding="utf-8",
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "rejected"
    ws.append(["联系人", "电话", "备注"])
    ws.append(["文*", int(MOBILE), f"身份证{ID_15}"])
    wb.save(root / "reports" / "dept_31.xlsx")
    (root / "logs").mkdir()
    (root / "logs" / "attempt=1.log").write_text(
        f"INFO masked 138****5678 ok\nERROR row 3: value {MOBILE}\n", encoding="utf-8"
    )
    (root / "logs" / "screenshot.png").write_bytes(b"\x89PNG\x00\x00" + MOBILE.encode())
    return root


def by_file(findings):
    out = {}
    for f in findings:
        out.setdefault(f.path.rsplit("/", 1)[-1], []).append((f.location, f.kind))
    return {name: sorted(found) for name, found in out.items()}


def test_every_file_kind_is_scanned(dirty):
    findings = scan_paths([dirty], NAMES)
    assert by_file(findings) == {
        "part-00000-x.snappy.parquet": [
            ("column content, row 1", "name"),
            ("column person.id, row 1", "id_number"),
            ("column phone, row 2", "mobile"),
            ("column tags[0], row 2", "name"),
        ],
        "part-0.jsonl": [("line 1, $.content", "mobile"), ("line 2", "id_number")],
        "manifest.json": [
            ("$.data.records[0].legal_represent", "name"),
            ("$.data.records[0].n", "mobile"),
        ],
        "rejections.csv": [
            ("row 1 (line 2), column 联系人", "name"),
            ("row 1 (line 2), column 联系电话", "mobile"),
        ],
        "index.html": [
            ("line 1", "id_number"),
            ("line 1", "name"),
            ("line 1, <input value>", "mobile"),
        ],
        "dept_31.xlsx": [("rejected!B2", "mobile"), ("rejected!C2", "id_number_15")],
        "attempt=1.log": [("line 2", "mobile")],
    }
    for f in findings:
        assert not any(raw in str(f) for raw in RAW), str(f)


def test_delta_log_and_binary_files_are_skipped(dirty):
    assert scan_file(dirty / "logs" / "screenshot.png") is None
    paths = {Path(f.path).relative_to(dirty) for f in scan_paths([dirty])}
    assert not any("_delta_log" in p.parts or p.suffix in (".crc", ".png") for p in paths)
    assert len(paths) == 7


def test_a_file_that_cannot_be_read_is_reported(tmp_path):
    (tmp_path / "broken.parquet").write_text("not parquet", encoding="utf-8")
    [f] = scan_paths([tmp_path])
    assert (f.kind, f.location) == ("unreadable", "file")


def test_clean_output_has_no_findings(tmp_path):
    pq.write_table(
        pa.table(
            {
                "entity_name": ["太原市文桂兴商贸有限公司"],
                "contact_name_masked": ["文*"],
                "contact_phone_masked": ["138****5678"],
                "contact_phone_token": ["9f0a13812345678bc4e1d2" * 3],
                "work_order_id": ["240226185019000000"],
                "reg_no": ["TS14010520240628000001"],
            }
        ),
        tmp_path / "t.parquet",
    )
    (tmp_path / "run.log").write_text("silver: 1038 rows, 13 quarantined\n", encoding="utf-8")
    assert scan_paths([tmp_path], NAMES) == []


# --- names from the landing zone, and the command line ------------------------------------------


@pytest.fixture
def landing(tmp_path):
    """A contract folder with one source per format, and a landing zone delivering names."""
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    common = 'version: "1"\n'
    (contracts / "actions.yaml").write_text(
        "name: actions\n" + common + "format: csv\nencoding: gbk\nfields:\n"
        "  - {name: contact_name, header: 联系人, type: string, pii: name}\n"
        "  - {name: content, header: 检查内容, type: string}\n",
        encoding="utf-8",
    )
    (contracts / "hotline.yaml").write_text(
        "name: hotline\n" + common + "format: jsonl\nlanding_dir: hotline_dir\nfields:\n"
        "  - {name: caller_name, key: caller.name, type: string, pii: name}\n",
        encoding="utf-8",
    )
    (contracts / "penalties.yaml").write_text(
        "name: penalties\n" + common + "format: json_pages\nrecords_key: data.records\n"
        "page: {number: data.page_no, size: data.page_size, total: data.total}\nfields:\n"
        "  - {name: legal_rep, key: legal_represent, type: string, pii: name}\n",
        encoding="utf-8",
    )
    (contracts / "approvals.yaml").write_text(
        "name: approvals\n" + common + "format: xlsx\nfields:\n"
        "  - {name: legal_rep, header: 法定代表人, type: string, pii: name}\n",
        encoding="utf-8",
    )
    land = tmp_path / "landing"
    for d in ("actions", "hotline_dir", "penalties", "approvals", "unknown"):
        (land / d / "2024-06-28").mkdir(parents=True)
    (land / "actions" / "2024-06-28" / "a.csv").write_bytes(
        # the second row has a comma in its content: its columns shift, it gives no name
        "检查内容,联系人\n对某公司开展检查,王五丰\n分行,错位,对某公司开展检查\n".encode("gbk")
    )
    (land / "hotline_dir" / "2024-06-28" / "h.jsonl").write_text(
        json.dumps({"caller": {"name": "文桂"}}, ensure_ascii=False) + "\n{cut",
        encoding="utf-8",
    )
    (land / "penalties" / "2024-06-28" / "p_p0001.json").write_text(
        json.dumps({"data": {"records": [{"legal_represent": "苏浩刚"}]}}, ensure_ascii=False),
        encoding="utf-8",
    )
    wb = openpyxl.Workbook()
    wb.active.append(["行政许可信息"])  # a title row above the header
    wb.active.append(["许可证号", "法定代表人"])
    wb.active.append(["X1", "欧阳娜娜"])
    wb.save(land / "approvals" / "2024-06-28" / "a.xlsx")
    (land / "unknown" / "2024-06-28" / "u.csv").write_text("联系人\n李小龙\n", encoding="utf-8")
    return land, contracts


def test_known_names_from_landing(landing):
    land, contracts = landing
    names = known_names_from_landing([land], contracts)
    assert names.names == {"王五丰", "文桂", "苏浩刚", "欧阳娜娜"}


def test_command_line(dirty, landing, tmp_path, capsys):
    land, contracts = landing
    args = ["--names-from", str(land), "--contracts", str(contracts)]
    assert main([str(dirty), *args]) == 1
    out, err = capsys.readouterr()
    assert "mobile" in out and "name" in out and "finding(s)" in err
    assert not any(raw in out + err for raw in RAW)

    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.log").write_text("138****5678 文*\n", encoding="utf-8")
    assert main([str(clean), *args]) == 0
    assert main([str(tmp_path / "missing")]) == 2


def test_finding_prints_on_one_line():
    f = Finding("p", "line 3", "mobile", "电话138****5678")
    assert str(f) == "p: line 3: mobile: 电话138****5678"
