"""`python -m spark_jobs.metrics trail --date D --indicator I --department C | --region C`
`[--collection] [--period month|year_to_date] [--period-start D] [--limit N]`: the rows behind
one indicator value and their landing files and rows ('+' counted in the numerator, '-' in the
denominator only). `--collection` explains gold.collection_indicators (timeliness,
completeness, rejection_rate, never_acted_share) instead of gold.evaluation_indicators (the
event measures, coverage and rejection_rate); coverage and never_acted_share list catalog
items (with the first action that covers each), completeness one row per action and field,
the rejection rate the rows accepted and rejected."""

from __future__ import annotations

import argparse
import sys

from spark_jobs.core.session import get_spark
from spark_jobs.core.settings import Settings
from spark_jobs.metrics.trail import INDICATORS, PERIOD_GRAINS, render, trail


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m spark_jobs.metrics")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("trail", help="the rows behind one indicator value")
    p.add_argument("--date", required=True, help="run date, yyyy-mm-dd")
    p.add_argument("--indicator", required=True, choices=INDICATORS)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--department", help="department code")
    who.add_argument("--region", help="GB/T 2260 division code")
    p.add_argument("--collection", action="store_true", help="gold.collection_indicators")
    p.add_argument("--period", default="year_to_date", choices=PERIOD_GRAINS)
    p.add_argument("--period-start", help="first day of the month (default: the latest)")
    p.add_argument("--limit", type=int, default=50, help="rows printed (default 50)")
    args = parser.parse_args(argv)
    subject_type = "region" if args.region else "department"
    if args.collection:
        if args.region:
            parser.error("--collection indicators are per department")
        subject_type = "collection"
    settings = Settings.from_env()
    try:
        found = trail(
            get_spark(settings),
            settings,
            args.date,
            args.indicator,
            subject_type,
            args.region or args.department,
            args.period,
            args.period_start,
        )
    except (LookupError, ValueError) as exc:
        print(f"metrics trail: {exc}", file=sys.stderr)
        return 1
    print("\n".join(render(found, args.limit)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
