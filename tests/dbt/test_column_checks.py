"""The generic test `declared_column_checks`: a model's declared column tests (not_null, unique,
accepted_values, at_least, not_before) in one query, which the pipeline's gold builds run
instead of the column tests themselves. It must fail exactly when they fail, and say which."""

from __future__ import annotations

import re

import pytest

from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.gold.dbt_runner import DbtFailed, run_dbt
from spark_jobs.gold.publish import build_args, combined_column_tests
from tests.dbt.test_dbt import ITEMS_SCHEMA, _items


def _write_gold_items(spark, lake, rows) -> None:
    spark.createDataFrame(rows, ITEMS_SCHEMA).drop("delivery_date").write.format("delta").mode(
        "overwrite"
    ).save(lake.table_path("gold", "supervision_items"))
    register_lake_tables(spark, lake)


def _failing(selectors: list[str], lake) -> list[str]:
    with pytest.raises(DbtFailed) as info:
        run_dbt(["test", "--select", *selectors], lake)
    return info.value.failures


def test_the_combined_test_fails_exactly_where_the_column_tests_fail_and_names_them(spark, lake):
    good = _items()
    bad = [
        good[0],
        good[0],  # item_code repeated: unique
        (good[1][0], good[1][1], good[1][2], None, *good[1][4:]),  # no main_item_name
        (*good[2][:5], "alien", *good[2][6:]),  # object_type not accepted
        (*good[3][:7], "9", *good[3][8:]),  # item_level not accepted
        *good[4:],
    ]
    _write_gold_items(spark, lake, bad)
    kinds = combined_column_tests()
    separate = _failing([f"supervision_items,test_name:{k}" for k in kinds], lake)
    failed = sorted(re.search(r"^test\.\w+\.(\w+)\.\w+ \[fail\]", f).group(1) for f in separate)
    assert failed == [
        "accepted_values_supervision_items_item_level__1__2__3__4__5",
        "accepted_values_supervision_items_object_type__legal_person__natural_person__equipment__product__site__project",
        "not_null_supervision_items_main_item_name",
        "unique_supervision_items_item_code",
    ]  # fmt: skip
    (combined,) = _failing(["supervision_items,test_name:declared_column_checks"], lake)
    assert "declared_column_checks_supervision_items" in combined and "[fail]" in combined
    assert "Got 4 results" in combined
    # the column tests it found failing, as their yml declares them, with the failing rows
    named = dict(re.findall(r"(\w+) (\d+) rows", combined))
    assert named == dict.fromkeys(failed, "1"), combined


def test_a_clean_table_passes_both_ways(spark, lake):
    _write_gold_items(spark, lake, _items())
    kinds = combined_column_tests()
    selectors = [f"supervision_items,test_name:{k}" for k in [*kinds, "declared_column_checks"]]
    result = run_dbt(["test", "--select", *selectors], lake)
    names = sorted(r.node.name for r in result.result.results)
    assert len(names) == 8 and names[0].startswith("accepted_values_"), names
    assert "declared_column_checks_supervision_items_" in names


def test_the_pipeline_build_leaves_out_only_the_kinds_combined():
    assert combined_column_tests() == [
        "not_null", "unique", "accepted_values", "at_least", "not_before",
    ]  # fmt: skip
    args = build_args(["tag:repository_1"], [])
    excluded = args[args.index("--exclude") + 1 :]
    assert excluded == [f"test_name:{k}" for k in combined_column_tests()]
