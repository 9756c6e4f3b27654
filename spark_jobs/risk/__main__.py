"""`python -m spark_jobs.risk feedback <file.csv> [--department CODE]`

Loads a department's handling results of risk warnings into ops.risk_warning_feedback
(spark_jobs.risk.feedback); gold.risk_warnings shows them at its next build. Exit 1 with every
reason when the file is refused (nothing is loaded).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spark_jobs.core.settings import Settings
from spark_jobs.risk.feedback import FeedbackRefused, load_feedback


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spark_jobs.risk")
    sub = parser.add_subparsers(dest="command", required=True)
    fb = sub.add_parser("feedback", help="load a department's handling results (CSV)")
    fb.add_argument("file", type=Path)
    fb.add_argument("--department", help="refuse warnings of any other department")
    args = parser.parse_args(argv)

    from spark_jobs.core.catalog import register_lake_tables
    from spark_jobs.core.session import get_spark

    settings = Settings.from_env()
    spark = get_spark(settings)
    register_lake_tables(spark, settings)
    try:
        n = load_feedback(spark, settings, args.file, args.department)
    except FeedbackRefused as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{args.file}: {n} handling result(s) loaded into ops.risk_warning_feedback")
    return 0


if __name__ == "__main__":
    sys.exit(main())
