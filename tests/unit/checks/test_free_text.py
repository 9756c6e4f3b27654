"""Masking personal data inside free text (docs/personal_data.md)."""

import random

import numpy as np
import pandas as pd
import pytest

from spark_jobs.checks import free_text
from spark_jobs.checks.free_text import (
    find_personal_data,
    mask_id_number,
    mask_text,
    mask_text_series,
)
from spark_jobs.checks.identifiers import id_check_character, uscc_problem, uscc_with_check
from spark_jobs.checks.surnames import COMPOUND_SURNAMES, SINGLE_SURNAMES
from tests.synthetic.world import people
from tests.synthetic.world.catalog import ILLEGAL_FACTS, RESULT_TEXT
from tests.synthetic.world.events import HOTLINE_CATEGORIES

# --- phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("电话13812345678", "电话138****5678"),
        ("电话13812345678x2", "电话138****5678x2"),  # an extension after it
        ("手机：１３８１２３４５６７８。", "手机：１３８****５６７８。"),  # fullwidth digits
        ("+8613812345678", "+86138****5678"),
        ("138-1234-5678", "138-****-5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("座机0351-2345678", "座机035*****5678"),
        ("（0351）2345678", "（03******5678"),
        ("电话03512345678", "电话035****5678"),  # a landline without separator, after a cue
    ],
)
def test_phone_numbers_are_masked(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "订单号2024062813812345678",  # a mobile inside a longer digit run
        "工单编号240226185019000000",  # 18 digits, not a date in positions 7-14
        "12345678901",  # 11 digits not starting 1[3-9]
        "03512345678",  # 11 digits starting 0, without a phone cue
        "金额138.00元，共13件",
    ],
)
def test_other_numbers_are_left_alone(text):
    assert mask_text(text) == text


# --- ID numbers ---------------------------------------------------------------------------------


def test_id_numbers_are_masked_valid_or_not():
    assert mask_text("身份证11010519491231002X") == "身份证110**************X"
    assert mask_text("身份证11010519491231002x。") == "身份证110**************x。"
    # a wrong check character is still someone's number, mistyped: masked
    assert mask_text("身份证110105194912310021") == "身份证110**************1"
    # legacy 15 digits
    assert mask_text("旧证号110105491231002") == "旧证号110***********2"
    assert mask_id_number("11010519491231002X") == "110**************X"


def test_id_shaped_runs_without_a_real_birth_date_are_left_alone():
    assert mask_text("编号110105194902300021") == "编号110105194902300021"  # 30 February
    assert mask_text("编号110105990230002") == "编号110105990230002"  # 15 digits, 1999-02-30


def test_a_valid_uscc_that_looks_like_an_id_number_is_left_alone():
    # positions 7-14 of this USCC read 19900101, but it is a valid code (all digits)
    for tail in range(100):
        code = uscc_with_check(f"91140119900101{tail:03d}")
        if code.isdigit() and id_check_character(code[:17]) != code[17]:
            break
    else:
        pytest.fail("no all-digit USCC found")
    assert mask_text(f"身份证{code}") == f"身份证{code}"  # the USCC rule wins, cue or not
    assert uscc_problem(code) is None
    assert mask_text(f"统一社会信用代码{code}") == f"统一社会信用代码{code}"


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我叫张三，电话13812345678", "我叫张*，电话138****5678"),  # one-character given name
        ("我叫张三丰。", "我叫张**。"),
        ("投诉人王小明反映商家拒绝退款", "投诉人王**反映商家拒绝退款"),
        ("联系人李四电话0351-2345678", "联系人李*电话035*****5678"),
        ("联系人：欧阳娜娜", "联系人：欧***"),  # compound surname, mask_name style
        ("姓名：李伟 性别：男", "姓名：李* 性别：男"),
        ("当事人张三未取得许可", "当事人张*未取得许可"),
        ("举报人张三、李四和王五反映", "举报人张*、李*和王*反映"),
        ("检查人员：赵六、钱七", "检查人员：赵*、钱*"),
    ],
)
def test_names_after_a_cue_are_masked(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "投诉人张先生反映",  # a surname alone is what mask_name keeps anyway
        "举报人刘某某反映",  # already anonymised
        "当事人危险化学品储存不符合国家标准。",  # 危 is a surname, 危险化 is not a name
        "经核查，已向诉求人解释说明。",  # 解 is a surname, 解释 is not a name
        "当事人晋城市荣佳煤业有限公司",  # a place
        "当事人于2024年6月3日",
    ],
)
def test_words_after_a_cue_that_are_not_names_are_left_alone(text):
    assert mask_text(text) == text


def test_known_names_are_masked_anywhere_in_the_text():
    text = "文桂来电，称文桂的家人王五丰受伤"
    assert mask_text(text, known_names=["文桂", "王五丰"]) == "文*来电，称文*的家人王**受伤"
    # odd entries in the list are ignored, a one-character "name" too (it would mask a word)
    assert mask_text("文桂来电", [None, float("nan"), 3, "文", " 文 桂 "]) == "文*来电"


def test_generated_people_written_into_content_are_masked():
    """The synthetic province's names (people.person) and mobiles, written the ways a
    complaint quotes its caller, are masked; the generator's surnames are all in our list."""
    assert set(people.SURNAMES) <= SINGLE_SURNAMES
    rng = random.Random(7)
    for _ in range(300):
        name, phone = people.person(rng), people.mobile(rng)
        for template in ("我叫{n}，电话{p}。", "联系人{n}，手机{p}", "投诉人{n}反映：{p}"):
            masked = mask_text(template.format(n=name, p=phone))
            assert name not in masked and phone not in masked, masked
            assert name[0] + "*" * (len(name) - 1) in masked
        assert (
            mask_text(f"{name}到场", known_names=[name]) == f"{name[0]}{'*' * (len(name) - 1)}到场"
        )


def test_generated_free_text_without_personal_data_is_unchanged():
    """The content the synthetic province writes names entities, not people: left as it is."""
    entity = "太原市金华兴商贸有限公司"
    texts = [t[4].format(e=entity) for t in HOTLINE_CATEGORIES.values()]
    texts += [f"当事人{fact}。" for fact in ILLEGAL_FACTS.values()]
    texts += [f"对{entity}开展食品经营监督检查{r}" for r in RESULT_TEXT.values()]
    texts += ["经核查，反映问题属实，已责令整改并回复诉求人。", "经核查，已向诉求人解释说明。"]
    for text in texts:
        assert mask_text(text) == text


def test_surname_lists():
    assert len(SINGLE_SURNAMES) > 390 and all(len(s) == 1 for s in SINGLE_SURNAMES)
    assert {"欧阳", "司马", "诸葛"} <= COMPOUND_SURNAMES


# --- robustness ---------------------------------------------------------------------------------


def test_masks_keep_the_length():
    text = "我叫张三，身份证11010519491231002X，电话138-1234-5678，座机0351-2345678，联系人欧阳娜娜"
    spans = find_personal_data(text, ["张三"])
    assert [s.kind for s in spans] == ["name", "id_number", "mobile", "landline", "name"]
    assert len(mask_text(text)) == len(text)


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        (float("nan"), None),
        (13812345678, "138****5678"),
        ("", ""),
        ("\ud800孤立代理", "\ud800孤立代理"),
        ("²³¹⁴", "²³¹⁴"),  # digits of other kinds are not [0-9]
    ],
)
def test_odd_input_never_raises(value, expected):
    assert mask_text(value) == expected


def test_an_internal_failure_stars_the_text_instead_of_leaking(monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(free_text, "find_personal_data", broken)
    assert mask_text("电话13812345678") == "*" * 13


def test_the_pandas_form_takes_each_rows_names():
    texts = pd.Series(["文桂来电", None, "王五丰到场，电话13812345678", "无"])
    names = pd.Series([np.array(["文桂", None], dtype=object), None, ["王五丰"], np.array([])])
    assert mask_text_series(texts, names).tolist() == [
        "文*来电",
        None,
        "王**到场，电话138****5678",
        "无",
    ]
    assert mask_text_series(texts).tolist()[2] == "王五丰到场，电话138****5678"


def test_the_whitespace_spark_removes_from_names_is_what_python_splits_on():
    """`may_hold_personal_data` cleans the row's names with this set (Spark `translate`) where
    `_clean_names` uses `str.split()`: the same characters, every code point checked."""
    assert set(free_text.PY_WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}
