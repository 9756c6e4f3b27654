"""`python -m spark_jobs.dashboard <run date>`: rebuild the dashboard of a run date from gold
(the report task does this on every run) and print where it is."""

import sys

from spark_jobs.core.session import get_spark
from spark_jobs.core.settings import Settings
from spark_jobs.dashboard import build_dashboard


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m spark_jobs.dashboard <run date, yyyy-mm-dd>", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    built = build_dashboard(get_spark(settings), settings, argv[0])
    print(f"dashboard: {built['html']}")
    for key, value in built["headline"].items():
        print(f"  {key:<20} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
