#!/usr/bin/env bash
# Installs what is missing (infra/setup.sh), then runs the whole test suite, including the
# MinIO-mode test against the real server (started and stopped by the test itself).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash infra/setup.sh
# Two workers (pytest-xdist), each with its own SparkSession, taking whole test files, longest
# tier first (tests/conftest.py). One test process keeps about 1.6 of 2 cores busy, so the
# second gains about a fifth (README, "Tests"). TEST_WORKERS=0 runs everything in this process.
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" --dist loadfile --no-loadscope-reorder "$@"
