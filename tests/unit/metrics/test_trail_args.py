"""`spark_jobs.metrics trail` refuses bad arguments before it queries anything: the subject
code, the period grain and the period start go into its SQL as literals."""

from __future__ import annotations

import pytest

from spark_jobs.core.settings import Settings
from spark_jobs.metrics.trail import trail

pytestmark = pytest.mark.quick


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code": "31' OR '1'='1"}, "not a subject code"),
        ({"subject_type": "x' OR '1'='1"}, "subject_type must be department, region or coll"),
        ({"period_grain": "week"}, "not a period grain: 'week' \\(one of year_to_date, month\\)"),
        ({"period_start": "2024-13-01"}, "month must be in 1..12"),
        ({"period_start": "June"}, "Invalid isoformat string: 'June'"),
        ({"indicator": "coverage"}, "no row trail for collection indicator 'coverage': one of"),
        ({"indicator": "volume", "subject_type": "region"}, "no row trail for evaluation indi"),
        (
            {"indicator": "rejection_rate", "subject_type": "region"},
            "rejection_rate is per department",
        ),
    ],
)
def test_bad_arguments_are_refused_before_any_query(tmp_path, kwargs, message):
    args = {
        "run_date": "2024-06-28", "indicator": "timeliness", "subject_type": "collection",
        "code": "31", **kwargs,
    }  # fmt: skip
    with pytest.raises(ValueError, match=message):
        trail(None, Settings(home=tmp_path), **args)
