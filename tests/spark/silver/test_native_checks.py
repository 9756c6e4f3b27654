"""Silver's native masks and token (`checks/native.py`) give, value for value, what
`checks/masking.py` gives."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

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
