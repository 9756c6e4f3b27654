#!/usr/bin/env bash
# Installs everything the lakehouse needs into git-ignored folders of this checkout, from the
# pinned files in infra/. Idempotent: each step checks a stamp of its inputs and is skipped when
# nothing changed, so a warm re-run takes seconds.
#   .venv/         Python environment from infra/requirements.lock (uv, with its download cache),
#                  plus this project installed editable (pyproject.toml): no sys.path edits anywhere
#   .cache/jars/   Delta, hadoop-aws and the AWS SDK bundle, resolved by Maven from infra/pom.xml
#   .cache/bin/    the MinIO server, built with `go install` at the version pinned below
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MINIO_MODULE="github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"
PYTHON=${PYTHON:-python3}
mkdir -p .cache/stamps

stamp_ok() { [ -f ".cache/stamps/$1" ] && [ "$(cat ".cache/stamps/$1")" = "$2" ]; }
stamp_set() { echo "$2" > ".cache/stamps/$1"; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# 1. Python environment ------------------------------------------------------------------------
py_key=$(hash_of infra/requirements.lock pyproject.toml)
if [ -x .venv/bin/python ] && stamp_ok python "$py_key"; then
  echo "setup: python environment up to date"
else
  echo "setup: installing the Python environment from infra/requirements.lock"
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  uv_version=$(sed -n 's/^uv==//p' infra/requirements.lock)
  .venv/bin/python -m pip install -q "uv==${uv_version}"
  .venv/bin/uv pip sync -q --python .venv/bin/python infra/requirements.lock
  # sync removes what the lock does not list, so the project goes in after it (setuptools from
  # the lock builds it: no isolated build environment to download)
  .venv/bin/uv pip install -q --python .venv/bin/python --no-deps --no-build-isolation -e .
  stamp_set python "$py_key"
fi

# 2. JVM jars ------------------------------------------------------------------------------------
jar_key=$(hash_of infra/pom.xml)
if ls .cache/jars/delta-spark_*.jar >/dev/null 2>&1 && stamp_ok jars "$jar_key"; then
  echo "setup: Spark jars up to date"
else
  echo "setup: resolving Spark jars with Maven (infra/pom.xml)"
  rm -rf .cache/jars
  (cd infra && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$ROOT/.cache/jars")
  stamp_set jars "$jar_key"
fi

# 3. MinIO server ----------------------------------------------------------------------------------
if [ -x .cache/bin/minio ] && stamp_ok minio "$MINIO_MODULE"; then
  echo "setup: MinIO server up to date"
else
  echo "setup: building the MinIO server with go install ($MINIO_MODULE)"
  GOBIN="$ROOT/.cache/bin" CGO_ENABLED=0 go install "$MINIO_MODULE"
  stamp_set minio "$MINIO_MODULE"
fi
