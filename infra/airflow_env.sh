# Sourced by infra/main.sh, infra/airflow-ui.sh and the tests: the embedded Airflow (SQLite,
# in-process `dags test`, or the loopback UI) lives in .lakehouse/airflow (git-ignored). Cluster
# mode sets these to a real database instead.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export LAKEHOUSE_HOME=${LAKEHOUSE_HOME:-$ROOT/.lakehouse}
export AIRFLOW_HOME=${AIRFLOW_HOME:-$LAKEHOUSE_HOME/airflow}
export AIRFLOW__CORE__DAGS_FOLDER=${AIRFLOW__CORE__DAGS_FOLDER:-$ROOT/dags}
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__UNIT_TEST_MODE=${AIRFLOW__CORE__UNIT_TEST_MODE:-False}
export AIRFLOW__LOGGING__BASE_LOG_FOLDER=$AIRFLOW_HOME/logs
export PATH=$ROOT/.venv/bin:$PATH

# The metadata database migrated and the `lakehouse_spark` pool in it (one Spark job on the lake
# at a time for scheduled runs; `dags test` ignores pools). Output goes to $1; shown on failure.
airflow_db_ready() {
  local log=$1
  mkdir -p "$AIRFLOW_HOME"
  airflow db migrate > "$log" 2>&1 || { tail -50 "$log"; return 1; }
  airflow pools set lakehouse_spark 1 "Spark jobs on the lake" >> "$log" 2>&1 \
    || { tail -20 "$log"; return 1; }
}
