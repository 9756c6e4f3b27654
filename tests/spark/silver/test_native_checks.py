"""Silver's native masks and token (`checks/native.py`) give, value for value, what
`checks/masking.py` gives."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from spark_jobs.checks.free_text import (
    find_personal_data,
    mask_text,
    mask_text_column,
    may_hold_personal_data,
)
from spark_jobs.checks.masking import mask_name, mask_phone, tokenise
from spark_jobs.checks.native import mask_name_column, mask_phone_column, token_column

VALUES = [
    None,
    "",
    "张",
    "张三",
    "欧阳娜娜",
    "𠀀𠀁𠀂",  # outside the BMP: one character each, as in Python
    "Ünal 😀",
    "1381234",  # 7: all stars
    "13812345",  # 8: nothing hidden in the middle
    "13812345678",
    "0571-88886666",
    "+86 138 1234 5678",
    "110105194912310021",
    " ",
]
KEYS = [
    "local-development-key-not-secret",
    "k",
    "密钥-with-非ASCII",
    "x" * 64,
    "a-key-longer-than-the-sha256-block-size-of-sixty-four-bytes-is-hashed-first",
]


@pytest.mark.parametrize("key", KEYS)
def test_native_forms_equal_the_python_functions(spark, key):
    df = spark.createDataFrame([(v,) for v in VALUES], "v string")
    got = df.select(
        "v",
        mask_name_column(F.col("v")).alias("name"),
        mask_phone_column(F.col("v")).alias("phone"),
        token_column(F.col("v"), key).alias("token"),
    ).collect()
    assert [r.v for r in got] == VALUES  # order kept: compare value by value
    for r in got:
        assert r.name == mask_name(r.v), r.v
        assert r.phone == mask_phone(r.v), r.v
        assert r.token == tokenise(r.v, key), r.v


def test_token_depends_on_the_key(spark):
    df = spark.createDataFrame([("13812345678",)], "v string")
    a, b = (df.select(token_column(F.col("v"), k)).first()[0] for k in ("key-a", "key-b"))
    assert a != b and len(a) == 64


# (text, the row's names): texts with and without what the detector finds, names that
# `_clean_names` cleans or drops, nulls.
FREE_TEXTS = [
    ("对太原市金华兴商贸有限公司开展食品经营监督检查，未发现问题", ["王五丰"]),
    ("电话13812345678", [None]),
    ("手机：１３８１２３４５６７８。", []),
    ("138-1234-5678", []),
    ("（0351）2345678", []),
    ("座机0351-2345678", []),
    ("批号20230458，金额138元", []),
    ("我叫张三丰，在现场", [None]),
    ("联系人：欧阳娜娜", []),
    ("文桂来电", [" 文 桂 "]),  # a name with spaces, cleaned before it is looked for
    ("文桂来电", ["文\u3000桂"]),
    ("文 桂来电", ["文桂"]),  # the text's own spacing is kept: not this name
    ("文桂来电", ["文"]),  # one character is not a name
    ("王五丰到场", ["王五丰", "李四"]),
    ("身份证11010519491231002X", []),
    (None, ["王五丰"]),
    ("", ["王五丰"]),
]


def test_free_text_masking_in_spark_equals_mask_text_and_sends_only_candidates(spark):
    df = spark.createDataFrame(
        [(i, t, *[*names, None, None][:2]) for i, (t, names) in enumerate(FREE_TEXTS)],
        "i int, t string, n1 string, n2 string",
    )
    got = (
        df.select(
            "i",
            mask_text_column("t", "n1", "n2").alias("masked"),
            may_hold_personal_data(F.col("t"), [F.col("n1"), F.col("n2")]).alias("sent"),
        )
        .orderBy("i")
        .collect()
    )
    for (text, names), row in zip(FREE_TEXTS, got, strict=True):
        assert row.masked == mask_text(text, names), text
        # the detector finds nothing in a text that is not sent
        assert row.sent or not find_personal_data(text or "", names), text
    assert [r.sent for r in got][:2] == [False, True]
    assert got[12].sent is False and got[11].sent is False


def test_the_session_does_not_measure_each_arrow_batch(spark):
    """A setting silver's speed at 1 M actions rests on (core/session.py): Spark does not
    size the Arrow batch of a Python UDF after every row."""
    assert spark.conf.get("spark.sql.execution.arrow.maxBytesPerBatch") in (
        "2147483647",
        "2147483647b",
    )
