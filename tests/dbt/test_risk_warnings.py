"""gold.risk_signals, risk_model_scores, risk_warnings and entity_risk_scores: the five
risk-warning models (风险预警), and the departments' handling results fed back.

A small lake holds every silver table (written with silver's columns as the contracts define
them; those not given are empty) and one `dbt build` of `+tag:risk` builds the marts the models
read and the four risk tables, with their data tests. Every expected score is computed by hand
below from the configured figures (dbt var risk_models, checked first), never copied from
the build's output. Run date 2025-03-01; the window is the 365 days before it.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from spark_jobs.contracts import all_contracts, get_contract
from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.core.settings import Settings
from spark_jobs.gold.dbt_runner import PROJECT_DIR, run_dbt
from spark_jobs.gold.publish import build_args, missing_sources
from spark_jobs.risk.feedback import FeedbackRefused, load_feedback
from tests.dbt.test_dbt import build, gold
from tests.dbt.test_entity_credit_classes import silver_columns

D = dt.date(2025, 3, 1)  # the run date
TS = dt.datetime(2025, 3, 1, 9, 30)

# The figures the expected values are computed from (dbt_project.yml, our assumption):
# model -> (threshold, weight, department, {signal: (points, max_hits, supporting)}).
FIGURES = {
    "false_medical_ads": (40, 0.6, "31", {
        "complaint_category": (25, 2, False), "feature_keywords": (15, 2, False),
        "opinion_topic": (20, 2, False), "advertising_penalty": (30, 1, False),
        "no_practice_licence": (20, 1, True),
    }),
    "illegal_fund_raising": (40, 1.0, "31", {
        "complaint_category": (25, 2, False), "feature_keywords": (15, 2, False),
        "opinion_topic": (20, 2, False), "credit_lists": (20, 1, True),
    }),
    "illegal_drug_sales": (40, 0.9, "72", {
        "complaint_category": (15, 2, False), "feature_keywords": (15, 2, False),
        "opinion_topic": (20, 2, False), "drug_penalty": (30, 1, False),
        "no_drug_licence": (30, 1, True), "credit_lists": (20, 1, True),
    }),
    "illegal_prescription_drug_sales": (40, 0.8, "72", {
        "complaint_category": (25, 2, False), "feature_keywords": (15, 2, False),
        "prescription_penalty": (30, 1, False), "no_drug_licence": (30, 1, True),
    }),
    "illegal_medical_device_sales": (40, 0.8, "72", {
        "complaint_category": (25, 2, False), "feature_keywords": (15, 2, False),
        "opinion_topic": (20, 2, False), "device_penalty": (30, 1, False),
        "no_device_licence": (20, 1, True),
    }),
}  # fmt: skip
LEVELS = {"red": 80, "orange": 60}
LOOKBACK_DAYS = 365


def uscc(n: int) -> str:
    return f"91140100MA0R{n:05d}X"


NAMES = {1: "太原某某医院", 2: "太原某某财富管理有限公司", 3: "太原某某大药房",
         4: "太原某某药店", 5: "太原某某医疗器械有限公司", 6: "太原某某饭店",
         7: "太原某某化工有限公司"}  # fmt: skip


def legal_person(n: int) -> dict:
    return {"entity_id": f"JG14010610{n:06d}", "kind": "legal_person", "kind_name": "法人",
            "name": NAMES[n], "uscc": uscc(n), "division_code": "140106"}  # fmt: skip


def hotline(no: int, n: int, category: str, content: str, day: dt.date) -> dict:
    """A 12345 report about entity n, received on `day`."""
    return {
        "work_order_id": f"25{no:016d}", "channel": "phone", "channel_name": "电话",
        "received_at": dt.datetime.combine(day, dt.time(10)), "confidential": "no",
        "appeal_type": "report", "appeal_type_name": "举报", "category_code": category,
        "title": f"关于{NAMES[n]}的举报", "content": content, "division_code": "140106",
        "target_uscc": uscc(n), "target_name": NAMES[n], "handling_unit": "太原市市场监督管理局",
        "handling_department_code": "31", "deadline": day + dt.timedelta(days=7),
        "status": "accepted", "status_name": "已受理",
        "caller_name_masked": "张*", "caller_phone_masked": "138****5678",
        "caller_phone_token": "f" * 64,
    }  # fmt: skip


def hotline_id(no: int) -> str:
    return f"12345:25{no:016d}"


def consumer(reg_no: str, n: int, problem: str, detail: str, day: dt.date, status="02") -> dict:
    """A 12315 complaint about entity n; status 05 is 不受理 (rejected)."""
    return {
        "reg_no": reg_no, "reg_type": "complaint", "reg_type_name": "投诉",
        "received_at": dt.datetime.combine(day, dt.time(11)), "channel": "platform",
        "channel_name": "全国12315平台", "complaint_object": NAMES[n],
        "complaint_object_cert_code": uscc(n), "complaint_type": problem,
        "complaint_service_name": "中药", "complaint_detail": detail,
        "handling_department_code": "31", "handling_unit": "太原市市场监督管理局",
        "status": status,
    }  # fmt: skip


def opinion(oid: str, n: int | None, topic: str, title: str, day: dt.date, sentiment="negative"):
    return {
        "opinion_id": oid, "platform": "weibo", "platform_name": "微博", "published_at": day,
        "url": f"https://weibo.example.com/p/{oid}", "title": title, "sentiment": sentiment,
        "sentiment_name": "负面", "heat": 100, "topic": topic, "keywords": [topic],
        "entity_uscc": uscc(n) if n else None, "entity_name": NAMES[n] if n else None,
    }  # fmt: skip


def licence(no: str, n: int, name: str, dept: str, status: str, until: dt.date) -> dict:
    return {
        "licence_no": no, "licence_name": name, "approval_item": name.removesuffix("证"),
        "item_code": item(dept), "entity_uscc": uscc(n), "entity_name": NAMES[n],
        "department_code": dept, "department_name": "太原市", "division_code": "140106",
        "granted_date": until - dt.timedelta(days=5 * 365), "valid_until": until,
        "licence_status": status, "licence_status_name": status,
        "claimed_by_department": "yes", "claimed_by_department_name": "是",
    }  # fmt: skip


ITEMS = {  # item number -> (department, department name, main item)
    1: ("31", "山西省市场监督管理局", "广告发布监督检查"),
    2: ("72", "山西省药品监督管理局", "处方药销售监督检查"),
    3: ("72", "山西省药品监督管理局", "医疗器械经营监督检查"),
    4: ("23", "山西省卫生健康委员会", "医疗机构执业活动监督检查"),
    5: ("72", "山西省药品监督管理局", "药品零售企业监督检查"),
}


def item(dept_or_n) -> str:
    n = dept_or_n if isinstance(dept_or_n, int) else {"31": 1, "72": 5, "23": 4}[dept_or_n]
    return f"140000000000{n:02d}"


def penalty_action(action_id: str, n: int, item_n: int, day: dt.date) -> dict:
    dept, dept_name, _ = ITEMS[item_n]
    return {
        "action_id": action_id, "action_name": f"处罚{action_id}", "item_code": item(item_n),
        "action_type": "penalty", "action_type_name": "行政处罚", "entity_uscc": uscc(n),
        "entity_name": NAMES[n], "division_code": "140106", "action_date": day,
        "result_code": "04", "department_code": dept, "department_name": dept_name,
        "officer_license_nos": ["YJ0001", "YJ0002"], "submitted_date": day,
    }  # fmt: skip


def feature(doc_id: str, title: str, keywords: list[str], validity="valid") -> dict:
    return {"doc_id": doc_id, "kind": "risk_feature", "kind_name": "风险特征", "title": title,
            "body": title, "issued_date": dt.date(2023, 3, 1), "issuer": "山西省",
            "validity": validity, "validity_name": "现行有效", "department_code": "31",
            "keywords": keywords}  # fmt: skip


SILVER = {
    "supervised_entities": [legal_person(n) for n in NAMES],
    "supervision_items": [
        {
            "item_code": item(n),
            "department_code": d,
            "department_name": name,
            "main_item_name": main,
            "object_type": "legal_person",
            "object_type_name": "法人",
        }
        for n, (d, name, main) in ITEMS.items()
    ],
    "hotline_12345": [
        # 1: false medical advertising; 根治 is a configured keyword, 祖传秘方 comes from the
        # knowledge base's risk feature
        hotline(1, 1, "070101", "来电人反映该医院宣称祖传秘方可根治慢性病。", dt.date(2025, 2, 15)),
        # 2: three fund-raising reports in the window (two count per signal), one before it
        hotline(
            2, 2, "120101", "来电人举报该公司以保本高息、返利为名吸收资金。", dt.date(2025, 1, 10)
        ),
        hotline(
            3, 2, "120101", "来电人举报该公司以保本高息、返利为名吸收资金。", dt.date(2025, 2, 10)
        ),
        hotline(
            4, 2, "120101", "来电人举报该公司以保本高息、返利为名吸收资金。", dt.date(2025, 2, 20)
        ),
        hotline(5, 2, "120101", "来电人举报该公司以保本高息为名吸收资金。", dt.date(2024, 2, 29)),
        # 2: a false-advertising report with no keyword: 25 points, and no practice licence
        hotline(6, 2, "080401", "来电人举报该公司发布虚假广告。", dt.date(2025, 2, 1)),
        # 4: prescription drugs sold without prescription (class 10: also a drug-sales hit)
        hotline(7, 4, "100101", "来电人反映该药店无需处方即可购买处方药。", dt.date(2025, 2, 5)),
        # 5: medical devices sold without filing (class 1002: not a drug-sales hit)
        hotline(8, 5, "100201", "来电人举报该公司未经备案销售二类医疗器械。", dt.date(2025, 2, 6)),
        # 6: food, no model's category or keyword
        hotline(9, 6, "080101", "来电人反映在该饭店购买的食品已过保质期。", dt.date(2025, 2, 7)),
    ],
    "complaints_12315": [
        consumer(
            "TS14010620250201000001", 3, "10", "购买的中药存在质量问题。", dt.date(2025, 2, 1)
        ),
        # not accepted (status 05): no signal
        consumer(
            "TS14010620250202000002",
            3,
            "10",
            "购买的中药存在质量问题。",
            dt.date(2025, 2, 2),
            status="05",
        ),
    ],
    "third_party_opinion": [
        opinion(
            "YQ20250225000001", 2, "非法集资", "网友曝光该公司承诺高息返利", dt.date(2025, 2, 25)
        ),
        opinion("YQ20250226000002", 3, "药品安全", "网友曝光该药房销售假药", dt.date(2025, 2, 26)),
        # names no entity: cannot be attributed
        opinion(
            "YQ20250227000003", None, "非法集资", "网友曝光本地商户承诺高息", dt.date(2025, 2, 27)
        ),
        # neutral: not the configured sentiment
        opinion(
            "YQ20250228000004",
            5,
            "医疗器械",
            "该公司医疗器械情况引关注",
            dt.date(2025, 2, 28),
            sentiment="neutral",
        ),
    ],
    "knowledge": [
        feature("ZSRISK000001", "虚假医疗广告风险特征", ["祖传秘方", "无效退款"]),
        feature("ZSRISK000004", "违规销售处方药风险特征", ["处方药"]),
        # repealed: its keyword 高息揽储 is not used
        feature("ZSRISK000099", "非法集资风险特征", ["高息揽储"], validity="repealed"),
    ],
    "approvals": [
        licence(
            "PDY00000001140106A1002",
            1,
            "医疗机构执业许可证",
            "23",
            "expired",
            dt.date(2024, 12, 31),
        ),
        licence("晋AA01060001", 3, "药品经营许可证", "72", "valid", dt.date(2027, 1, 1)),
        licence("晋AA01060002", 4, "药品经营许可证", "72", "valid", dt.date(2027, 1, 1)),
    ],
    "supervision_actions": [
        penalty_action("CF0001", 4, 2, dt.date(2025, 1, 20)),  # 处方药销售监督检查
        penalty_action("CF0002", 5, 3, dt.date(2024, 2, 1)),  # before the window
    ],
    "credit_abnormal_operations": [
        {
            "record_id": "YC02",
            "uscc": uscc(2),
            "list_status": "1",
            "list_date": dt.date(2024, 9, 1),
        },
    ],
    "credit_serious_violations": [
        {
            "record_id": "YZ03",
            "uscc": uscc(3),
            "list_status": "1",
            "list_date": dt.date(2024, 9, 1),
        },
        # 7 has only a credit record, a supporting signal: nothing
        {
            "record_id": "YZ07",
            "uscc": uscc(7),
            "list_status": "1",
            "list_date": dt.date(2024, 9, 1),
        },
    ],
}

# Hits by hand: (model, signal, source_table, source_key) -> counted.
C, OP = "gold.complaints", "gold.public_opinion"
SIGNALS = {
    # 1: report (25) + its keywords 根治、祖传秘方 (15) + licence expired 2024-12-31 (20)
    ("false_medical_ads", "complaint_category", C, hotline_id(1)): True,
    ("false_medical_ads", "feature_keywords", C, hotline_id(1)): True,
    ("false_medical_ads", "no_practice_licence", "gold.approval_supervision_linkage",
     "PDY00000001140106A1002"): True,
    # 2: its false-advertising report, and so it is looked for a practice licence: none
    ("false_medical_ads", "complaint_category", C, hotline_id(6)): True,
    ("false_medical_ads", "no_practice_licence", "gold.supervised_entities", uscc(2)): True,
    # 2: three reports in the window, the two newest count; keywords in the three and in the
    # opinion item, the two newest count (the opinion 02-25 and the report 02-20)
    ("illegal_fund_raising", "complaint_category", C, hotline_id(2)): False,
    ("illegal_fund_raising", "complaint_category", C, hotline_id(3)): True,
    ("illegal_fund_raising", "complaint_category", C, hotline_id(4)): True,
    ("illegal_fund_raising", "feature_keywords", C, hotline_id(2)): False,
    ("illegal_fund_raising", "feature_keywords", C, hotline_id(3)): False,
    ("illegal_fund_raising", "feature_keywords", C, hotline_id(4)): True,
    ("illegal_fund_raising", "feature_keywords", OP, "YQ20250225000001"): True,
    ("illegal_fund_raising", "opinion_topic", OP, "YQ20250225000001"): True,
    ("illegal_fund_raising", "credit_lists", "gold.credit_events", "abnormal_operation:YC02"): True,
    # 3: the accepted 12315 complaint (15), the opinion item (20) and its keyword 假药 (15),
    # the serious violation (20); its drug licence is valid
    ("illegal_drug_sales", "complaint_category", C, "12315:TS14010620250201000001"): True,
    ("illegal_drug_sales", "opinion_topic", OP, "YQ20250226000002"): True,
    ("illegal_drug_sales", "feature_keywords", OP, "YQ20250226000002"): True,
    ("illegal_drug_sales", "credit_lists", "gold.credit_events", "serious_violation:YZ03"): True,
    # 4: the 100101 report is also a drug-sales complaint (class 10)
    ("illegal_drug_sales", "complaint_category", C, hotline_id(7)): True,
    ("illegal_prescription_drug_sales", "complaint_category", C, hotline_id(7)): True,
    ("illegal_prescription_drug_sales", "feature_keywords", C, hotline_id(7)): True,
    ("illegal_prescription_drug_sales", "prescription_penalty", "gold.penalties", "CF0001"): True,
    # 5: report (25) + 二类医疗器械、未经备案 (15) + never held a device licence (20)
    ("illegal_medical_device_sales", "complaint_category", C, hotline_id(8)): True,
    ("illegal_medical_device_sales", "feature_keywords", C, hotline_id(8)): True,
    ("illegal_medical_device_sales", "no_device_licence", "gold.supervised_entities", uscc(5)): True,
}  # fmt: skip


def _score(model: str, n: int) -> int:
    """A model's score by hand from the figures and the counted hits above."""
    figures = FIGURES[model][3]
    counted = [
        figures[signal][0]
        for (m, signal, table, key), is_counted in SIGNALS.items()
        if m == model and is_counted and _entity_of(table, key) == n
    ]
    return min(100, sum(counted))


# The entity of each source row above (tests never read it from the output).
ENTITY_OF = {
    hotline_id(1): 1, "PDY00000001140106A1002": 1, hotline_id(6): 2, hotline_id(2): 2,
    hotline_id(3): 2, hotline_id(4): 2, "YQ20250225000001": 2, "abnormal_operation:YC02": 2,
    "12315:TS14010620250201000001": 3, "YQ20250226000002": 3, "serious_violation:YZ03": 3,
    hotline_id(7): 4, "CF0001": 4, hotline_id(8): 5, uscc(5): 5, uscc(2): 2,
}  # fmt: skip


def _entity_of(table: str, key: str) -> int:
    return ENTITY_OF[key]


# (model, entity) -> (score, warned, level), written out by hand:
SCORES = {
    ("false_medical_ads", 1): (25 + 15 + 20, True, "orange"),  # 60
    ("false_medical_ads", 2): (25 + 20, True, "yellow"),  # 45: over 40, under 60
    ("illegal_fund_raising", 2): (min(100, 2 * 25 + 2 * 15 + 20 + 20), True, "red"),  # 120 -> 100
    ("illegal_drug_sales", 3): (15 + 20 + 15 + 20, True, "orange"),  # 70
    ("illegal_drug_sales", 4): (15, False, None),  # licence valid: no supporting signal
    ("illegal_prescription_drug_sales", 4): (25 + 15 + 30, True, "orange"),  # 70
    ("illegal_medical_device_sales", 5): (25 + 15 + 20, True, "orange"),  # 60
}
# entity -> risk score: least(100, sum of weight x model score)
ENTITY_SCORES = {
    1: Decimal("36.0"),  # 0.6 x 60
    2: Decimal("100.0"),  # 1.0 x 100 + 0.6 x 45 = 127 -> 100
    3: Decimal("63.0"),  # 0.9 x 70
    4: Decimal("69.5"),  # 0.9 x 15 + 0.8 x 70 = 13.5 + 56
    5: Decimal("48.0"),  # 0.8 x 60
}


def write_all_silver(spark, settings: Settings, tables: dict[str, list[dict]]) -> None:
    """Every contract's silver table, with the given rows (others empty); as
    test_entity_credit_classes.write_silver, for all sources."""
    for contract in all_contracts(settings.contract_dir):
        name = contract.name
        columns = silver_columns(get_contract(name, settings.contract_dir))
        names = [c for c, _ in columns]
        lineage = {
            "delivery_date": D, "_source_file": f"{name}.json", "_file_sha256": "ab" * 32,
            "_batch_id": "batch-1", "_ingested_at": TS, "_silver_at": TS,
        }  # fmt: skip
        rows = []
        for i, given in enumerate(tables.get(name, []), start=1):
            assert set(given) <= set(names), (name, set(given) - set(names))
            row = {**lineage, "_row_number": i, **given}
            rows.append(tuple(row.get(c) for c in names))
        (
            spark.createDataFrame(rows, ", ".join(f"{c} {t}" for c, t in columns))
            .write.format("delta")
            .mode("overwrite")
            .save(settings.table_path("silver", name))
        )
    register_lake_tables(spark, settings)


@pytest.fixture(scope="module")
def built(spark, base_settings, tmp_path_factory):
    settings = dataclasses.replace(
        base_settings, home=tmp_path_factory.mktemp("risk_lake") / "lakehouse"
    )
    write_all_silver(spark, settings, SILVER)
    args = build_args(["+tag:risk"], missing_sources(spark, settings))
    return settings, build(settings, D, args=args)


def test_the_model_figures_are_project_vars():
    """The expected values assume these figures: our assumption, in dbt_project.yml, read with
    var() (no figure in the SQL)."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text("utf-8"))
    cfg = project["vars"]["risk_models"]
    assert cfg["lookback_days"] == LOOKBACK_DAYS and cfg["levels"] == LEVELS
    got = {
        key: (
            m["threshold"], m["weight"], m["department_code"],
            {s["name"]: (s["points"], s["max_hits"], bool(s.get("supporting"))) for s in m["signals"]},
        )
        for key, m in cfg["models"].items()
    }  # fmt: skip
    assert got == FIGURES
    for path in (PROJECT_DIR / "models/risk").glob("*.sql"):
        sql = path.read_text("utf-8")
        # macros/risk.sql reads var('risk_models'); risk_warnings only reads the scores
        assert "risk_models()" in sql or "ref('risk_model_scores')" in sql, path.name
        body = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
        for figure in ("25", "15", "20", "30", "40", "60", "80", "365", "0.6", "0.9", "0.8"):
            assert f" {figure}" not in body and f"({figure}" not in body, (path.name, figure)


def test_build_runs_the_models_and_their_tests(built):
    _, result = built
    statuses = {r.node.unique_id: r.status.value for r in result.result.results}
    for model in ("risk_signals", "risk_model_scores", "risk_warnings", "entity_risk_scores"):
        assert statuses[f"model.supervision_lakehouse.{model}"] == "success", model
    tests = {uid: s for uid, s in statuses.items() if uid.startswith("test.") and "risk" in uid}
    for model in ("risk_signals", "risk_model_scores", "risk_warnings", "entity_risk_scores"):
        # the column tests of each model, in one query (tests/dbt/test_column_checks.py)
        assert any(f".declared_column_checks_{model}_" in uid for uid in tests), model
    assert len(tests) >= 10
    assert set(tests.values()) == {"pass"}, {u: s for u, s in tests.items() if s != "pass"}


def test_signals_point_to_their_source_rows(spark, built):
    settings, _ = built
    rows = gold(spark, settings, "risk_signals").collect()
    got = {(r.risk_model, r.signal_name, r.source_table, r.source_key): r.counted for r in rows}
    assert got == SIGNALS
    for r in rows:
        assert r.uscc == uscc(ENTITY_OF[r.source_key]), r
        assert r.points == FIGURES[r.risk_model][3][r.signal_name][0]
        assert r.as_of == D
    by_key = {(r.risk_model, r.signal_name, r.source_key): r for r in rows}
    assert by_key[("false_medical_ads", "feature_keywords", hotline_id(1))].evidence == (
        "特征词 根治、祖传秘方"  # the configured keyword, then the knowledge base's
    )
    assert by_key[("illegal_prescription_drug_sales", "feature_keywords", hotline_id(7))].evidence == (
        "特征词 无需处方、处方药"
    )  # fmt: skip
    lapsed = by_key[("false_medical_ads", "no_practice_licence", "PDY00000001140106A1002")]
    assert lapsed.signal_date == dt.date(2024, 12, 31) and "expired" in lapsed.evidence
    never = by_key[("illegal_medical_device_sales", "no_device_licence", uscc(5))]
    assert never.signal_date == D and never.supporting
    # nothing for the food complaint (6) or the entity with only a credit record (7)
    assert {r.uscc for r in rows} == {uscc(n) for n in range(1, 6)}


def test_model_scores_by_hand(spark, built):
    settings, _ = built
    rows = gold(spark, settings, "risk_model_scores").collect()
    got = {(r.risk_model, int(r.uscc[12:17])): (r.score, r.warned, r.warning_level) for r in rows}
    assert got == SCORES
    for (model, n), (score, _, _) in SCORES.items():
        assert _score(model, n) == score  # the table of hits and the written-out sums agree
    for r in rows:
        assert r.threshold == FIGURES[r.risk_model][0]
        assert r.department_code == FIGURES[r.risk_model][2]
        assert r.entity_name == NAMES[int(r.uscc[12:17])]


def test_each_of_the_five_models_warns_with_its_signals(spark, built):
    settings, _ = built
    rows = {r.warning_id: r for r in gold(spark, settings, "risk_warnings").collect()}
    expected = {f"{m}:{uscc(n)}" for (m, n), (_, warned, _) in SCORES.items() if warned}
    assert set(rows) == expected
    assert {r.risk_model for r in rows.values()} == set(FIGURES)  # all five fire
    for wid, r in rows.items():
        n = int(r.uscc[12:17])
        assert (r.score, r.warning_level) == SCORES[(r.risk_model, n)][::2]
        signals = {(s.signal_name, s.source_table, s.source_key): s.counted for s in r.signals}
        assert signals == {
            k[1:]: v for k, v in SIGNALS.items() if k[0] == r.risk_model and ENTITY_OF[k[3]] == n
        }
        assert r.counted_signals == sum(signals.values())
        assert r.explanation.startswith(f"{r.model_name} {r.score}分（阈值{r.threshold}）：")
        for s in r.signals:
            part = f"{s.signal_label} +{s.points}（{s.evidence}；{s.source_table} {s.source_key}）"
            assert (part in r.explanation) == s.counted, (wid, part)
        assert r.handling_status == "pushed" and r.handled_on is None
        assert r.new_signals_since_handled == 0 and r.pushed_on == D
    ads = rows[f"false_medical_ads:{uscc(1)}"]
    assert ads.explanation == (  # newest first; on one date by signal, descending
        f"虚假医疗广告监测 60分（阈值40）：虚假医疗广告特征词 +15（特征词 根治、祖传秘方；"
        f"gold.complaints {hotline_id(1)}）；虚假医疗广告投诉举报 +25（分类 070101；"
        f"gold.complaints {hotline_id(1)}）；无有效医疗机构执业许可证 +20（许可 医疗机构执业许可证 "
        f"expired 2024-12-31；gold.approval_supervision_linkage PDY00000001140106A1002）"
    )


def test_warnings_are_pushed_to_the_responsible_department(spark, built):
    settings, _ = built
    df = gold(spark, settings, "risk_warnings")
    pushed = {}
    for r in df.collect():
        pushed.setdefault(r.department_code, set()).add(r.warning_id)
    assert pushed == {
        "31": {
            f"false_medical_ads:{uscc(1)}", f"false_medical_ads:{uscc(2)}",
            f"illegal_fund_raising:{uscc(2)}",
        },
        "72": {
            f"illegal_drug_sales:{uscc(3)}", f"illegal_prescription_drug_sales:{uscc(4)}",
            f"illegal_medical_device_sales:{uscc(5)}",
        },
    }  # fmt: skip
    names = {r.department_code: r.department_name for r in df.collect()}
    assert names == {"31": "山西省市场监督管理局", "72": "山西省药品监督管理局"}
    # one partition per department: a department reads only its own files
    detail = spark.sql(f"DESCRIBE DETAIL delta.`{settings.table_path('gold', 'risk_warnings')}`")
    assert detail.collect()[0].partitionColumns == ["department_code"]
    assert sorted(p.name for p in Path(settings.table_path("gold", "risk_warnings")).iterdir()
                  if p.name.startswith("department_code=")) == [
        "department_code=31", "department_code=72"]  # fmt: skip


def test_entity_risk_score_by_hand(spark, built):
    settings, _ = built
    rows = gold(spark, settings, "entity_risk_scores").collect()
    assert {int(r.uscc[12:17]): r.risk_score for r in rows} == ENTITY_SCORES
    # the same sums from the figures and the model scores
    for r in rows:
        n = int(r.uscc[12:17])
        total = sum(
            Decimal(str(FIGURES[m][1])) * score
            for (m, e), (score, _, _) in SCORES.items()
            if e == n
        )
        assert r.risk_score == min(Decimal(100), total)
    two = next(r for r in rows if r.uscc == uscc(2))
    assert (two.illegal_fund_raising_score, two.false_medical_ads_score) == (100, 45)
    assert two.illegal_drug_sales_score == 0 and two.warnings == 2


def _csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(
            f, fieldnames=["预警编号", "处置状态", "处置日期", "处置结果", "处置单位"]
        )
        w.writeheader()
        w.writerows(rows)
    return path


def test_handling_results_are_fed_back(spark, built, tmp_path):
    settings, _ = built
    ads, fund, drug = (
        f"false_medical_ads:{uscc(1)}", f"illegal_fund_raising:{uscc(2)}",
        f"illegal_drug_sales:{uscc(3)}",
    )  # fmt: skip
    bad = _csv(tmp_path / "bad.csv", [
        {"预警编号": "false_medical_ads:NOSUCH", "处置状态": "已处置", "处置日期": "2025-02-28"},
        {"预警编号": drug, "处置状态": "完成", "处置日期": "2025-02-28"},
        {"预警编号": drug, "处置状态": "已处置", "处置日期": "2025-03-02"},  # after today
    ])  # fmt: skip
    with pytest.raises(FeedbackRefused) as refused:
        load_feedback(spark, settings, bad, today=D)
    assert [r.split(":")[0] for r in refused.value.reasons] == ["line 3", "line 4"]
    with pytest.raises(FeedbackRefused) as refused:  # the unknown id, once the rest is right
        load_feedback(spark, settings, _csv(tmp_path / "bad2.csv", [bad_row := {
            "预警编号": "false_medical_ads:NOSUCH", "处置状态": "已处置", "处置日期": "2025-02-28"}]),
            today=D)  # fmt: skip
    assert refused.value.reasons == [f"line 2: 预警编号 {bad_row['预警编号']} is not a warning"]
    with pytest.raises(FeedbackRefused):  # department 31 answering for 72
        load_feedback(spark, settings, _csv(tmp_path / "d.csv", [
            {"预警编号": drug, "处置状态": "已处置", "处置日期": "2025-03-01"}]),
            department="31", today=D)  # fmt: skip
    assert not Path(settings.table_path("ops", "risk_warning_feedback")).exists()

    good = _csv(tmp_path / "72.csv", [
        {"预警编号": drug, "处置状态": "核查中", "处置日期": "2025-02-27"},
        {"预警编号": drug, "处置状态": "handled", "处置日期": "2025-03-01",
         "处置结果": "已责令整改并立案调查", "处置单位": "山西省药品监督管理局"},
    ])  # fmt: skip
    assert load_feedback(spark, settings, good, department="72", today=D) == 2
    early = _csv(tmp_path / "31.csv", [
        # handled before the complaint of 2025-02-15 arrived: reopened
        {"预警编号": ads, "处置状态": "已处置", "处置日期": "2025-01-01", "处置结果": "已约谈"},
        {"预警编号": fund, "处置状态": "已签收", "处置日期": "2025-03-01"},
    ])  # fmt: skip
    assert load_feedback(spark, settings, early, department="31", today=D) == 2
    assert load_feedback(spark, settings, early, department="31", today=D) == 2  # again: same rows
    feedback = spark.read.format("delta").load(settings.table_path("ops", "risk_warning_feedback"))
    assert feedback.count() == 4

    run_dbt(["build", "--select", "risk_warnings"], settings, vars={"run_date": D.isoformat()})
    rows = {r.warning_id: r for r in gold(spark, settings, "risk_warnings").collect()}
    assert (rows[drug].handling_status, rows[drug].handled_on) == ("handled", D)  # the latest
    assert rows[drug].handling_result == "已责令整改并立案调查"
    assert rows[drug].handling_unit == "山西省药品监督管理局"
    assert rows[drug].new_signals_since_handled == 0
    # the report and its keywords (2025-02-15) came after 2025-01-01; the licence (2024-12-31)
    # did not
    assert (rows[ads].handling_status, rows[ads].new_signals_since_handled) == ("reopened", 2)
    assert rows[fund].handling_status == "received"
    others = set(rows) - {ads, fund, drug}
    assert {rows[w].handling_status for w in others} == {"pushed"}
