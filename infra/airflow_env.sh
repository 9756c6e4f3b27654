# Sourced by infra/main.sh and the tests: the embedded Airflow (SQLite, in-process `dags test`)
# lives in .lakehouse/airflow (git-ignored). Cluster mode sets these to a real database instead.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export LAKEHOUSE_HOME=${LAKEHOUSE_HOME:-$ROOT/.lakehouse}
export AIRFLOW_HOME=${AIRFLOW_HOME:-$LAKEHOUSE_HOME/airflow}
export AIRFLOW__CORE__DAGS_FOLDER=${AIRFLOW__CORE__DAGS_FOLDER:-$ROOT/dags}
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__UNIT_TEST_MODE=${AIRFLOW__CORE__UNIT_TEST_MODE:-False}
export AIRFLOW__LOGGING__BASE_LOG_FOLDER=$AIRFLOW_HOME/logs
export PATH=$ROOT/.venv/bin:$PATH
