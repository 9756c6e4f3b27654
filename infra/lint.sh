#!/usr/bin/env bash
# The linters, as CI runs them before the tests (.ci/run) and pre-commit runs them on commit:
# ruff (lint incl. its bandit security rules S, + format check), the secrets scan
# (detect-secrets against .secrets.baseline), every tracked YAML file parses, mypy (lenient, spark_jobs/), sqlfluff on the dbt SQL, and the
# freshness of the generated dbt sources file. Exits non-zero on any finding.
#   bash infra/lint.sh          check everything
#   bash infra/lint.sh --fix    let ruff fix and format what it can first
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash infra/setup.sh
BIN=.venv/bin
status=0
step() { echo "lint: $*"; "$@" || status=1; }
if [ "${1:-}" = "--fix" ]; then
  $BIN/ruff check --fix --quiet . || true
  $BIN/ruff format --quiet .
fi
step $BIN/ruff check .
step $BIN/ruff format --check --quiet .
step $BIN/python infra/secrets_scan.py
step $BIN/python infra/check_yaml.py
step $BIN/mypy
step $BIN/sqlfluff lint --disable-progress-bar --nocolor dbt_project/models dbt_project/macros dbt_project/tests
step $BIN/python -m spark_jobs.gold.sources_yml --check
[ $status -eq 0 ] && echo "lint: clean" || echo "lint: findings above"
exit $status
