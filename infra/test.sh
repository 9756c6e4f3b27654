#!/usr/bin/env bash
# Installs what is missing (infra/setup.sh), then runs the whole test suite, including the
# MinIO-mode test against the real server (started and stopped by the test itself).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash infra/setup.sh
exec .venv/bin/python -m pytest "$@"
