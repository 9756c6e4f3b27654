#!/usr/bin/env bash
# Installs everything the lakehouse needs into git-ignored folders of this checkout, from the
# pinned files in infra/. Idempotent: each step checks a stamp of its inputs and is skipped when
# nothing changed, so a warm re-run takes seconds.
#   .venv/         Python environment from infra/requirements.lock (uv, with its download cache),
#                  plus this project installed editable (pyproject.toml): no sys.path edits anywhere
#   .cache/jars/   Delta, hadoop-aws and the AWS SDK bundle, resolved by Maven from infra/pom.xml
#   .cache/bin/    the MinIO server, built with `go install` at the version pinned below
#   .cache/jvm/    the Spark JVM's class-data-sharing archive (a training run of Spark, once)
#   .cache/npm/    the leaders' dashboard's chart library (ECharts), `npm ci` from infra/npm/
#   system         Debian's chromium and a CJK font (apt-get), for the quality report's browser
#                  test (Playwright drives /usr/bin/chromium; its own browser download is not used)
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

# 4. Headless browser for the quality report's test ------------------------------------------------
# Debian's chromium + fonts-noto-cjk (the report's Chinese labels), installed only when missing;
# `apt-get update` runs only when the package lists do not know them yet. Works as root (no sudo
# needed) or through sudo. Where apt-get (or root) is not available the reason is written to
# .cache/browser_unavailable and the browser tests skip with it; without that file they fail.
BROWSER_PACKAGES="chromium fonts-noto-cjk"
browser_ready() {
  [ -x /usr/bin/chromium ] \
    && dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed"
}
browser_unavailable() {
  echo "setup: WARNING: $1; the quality report's browser tests will skip" >&2
  echo "$1" > .cache/browser_unavailable
}
if browser_ready && stamp_ok browser "$BROWSER_PACKAGES"; then
  echo "setup: chromium and CJK fonts up to date"
elif ! browser_ready && ! command -v apt-get >/dev/null 2>&1; then
  browser_unavailable "no apt-get on this machine: install chromium (/usr/bin/chromium) and fonts-noto-cjk by hand"
elif ! browser_ready && [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
  browser_unavailable "installing chromium and fonts-noto-cjk with apt-get needs root or sudo"
else
  if ! browser_ready; then
    echo "setup: installing $BROWSER_PACKAGES with apt-get"
    as_root=""
    [ "$(id -u)" = 0 ] || as_root=sudo
    # shellcheck disable=SC2086  # the package list is meant to split
    apt_install() {
      $as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends $BROWSER_PACKAGES >/dev/null
    }
    if ! apt-cache show $BROWSER_PACKAGES >/dev/null 2>&1; then
      $as_root apt-get update -qq
    fi
    # lists that are known but stale point at removed versions: update once and retry
    apt_install || { $as_root apt-get update -qq && apt_install; }
    browser_ready || { echo "setup: apt-get did not install $BROWSER_PACKAGES" >&2; exit 1; }
  fi
  rm -f .cache/browser_unavailable
  stamp_set browser "$BROWSER_PACKAGES"
  echo "setup: chromium and CJK fonts installed"
fi

# 5. The dashboard's chart library ---------------------------------------------------------------
# ECharts from infra/npm/package-lock.json (npm ci: exactly the locked versions); the dashboard
# inlines its dist/echarts.min.js, so the page opens offline (spark_jobs/dashboard/page.py).
npm_key=$(hash_of infra/npm/package.json infra/npm/package-lock.json)
if [ -f .cache/npm/node_modules/echarts/dist/echarts.min.js ] && stamp_ok npm "$npm_key"; then
  echo "setup: dashboard chart library up to date"
else
  command -v npm >/dev/null 2>&1 || { echo "setup: npm (Node.js) is needed for the dashboard's chart library" >&2; exit 1; }
  echo "setup: installing the dashboard chart library with npm ci (infra/npm/)"
  rm -rf .cache/npm && mkdir -p .cache/npm
  cp infra/npm/package.json infra/npm/package-lock.json .cache/npm/
  (cd .cache/npm && npm ci --no-audit --no-fund --silent)
  stamp_set npm "$npm_key"
fi

# 6. The Spark JVM's class-data-sharing archive --------------------------------------------------
# A training Spark run writes the classes it loads into .cache/jvm/ (about 190 MB, 45 s once);
# every Spark process then maps them and starts about 3 s sooner (spark_jobs/core/class_archive.py).
# Named after the JDK and the jars, so a change of either makes a new one; never fails setup.
.venv/bin/python -m spark_jobs.core.class_archive | sed 's/^/setup: /'
