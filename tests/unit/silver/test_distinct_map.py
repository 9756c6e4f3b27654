"""`rules.distinct_map`: the identifier checks' pandas UDFs run their function once per
distinct value of a batch and give None for a null."""

import pandas as pd

from spark_jobs.checks.identifiers import uscc_problem
from spark_jobs.silver.rules import distinct_map


def test_each_distinct_value_is_checked_once_and_nulls_stay_null():
    calls = []

    def check(v):
        calls.append(v)
        return None if v == "ok" else f"bad {v}"

    values = pd.Series(["ok", None, "x", "ok", float("nan"), "x", "y"])
    out = distinct_map(values, check)
    assert out.tolist() == [None, None, "bad x", None, None, "bad x", "bad y"]
    assert sorted(calls) == ["ok", "x", "y"]
    assert out.index.equals(values.index)


def test_equal_to_checking_value_by_value():
    values = pd.Series(["91350100M000100Y43", "91350100M000100Y44", None] * 5, index=range(3, 18))
    expected = [None if pd.isna(v) else uscc_problem(v) for v in values]
    assert distinct_map(values, uscc_problem).tolist() == expected
    assert distinct_map(pd.Series([], dtype=object), uscc_problem).tolist() == []
