#!/usr/bin/env bash
# Re-resolve infra/requirements.lock from infra/requirements.in. Existing pins are kept where
# they still satisfy the inputs (uv prefers the versions already in the output file); pass
# `--upgrade` or `--upgrade-package NAME` to move them.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/uv pip compile infra/requirements.in --python-version 3.11 -o infra/requirements.lock "$@"
