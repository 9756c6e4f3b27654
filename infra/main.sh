#!/usr/bin/env bash
# The main job, end to end on the embedded default: installs what is missing (infra/setup.sh),
# puts the sample deliveries in the landing zone, runs the Airflow DAG for the sample date with
# `airflow dags test` on SQLite, and prints what it did.
#   RUN_DATE=2024-06-28 (default: the samples' delivery date)   LAKEHOUSE_MODE=local|minio
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash infra/setup.sh
source infra/airflow_env.sh
RUN_DATE=${RUN_DATE:-2024-06-28}
mkdir -p "$AIRFLOW_HOME"

echo "main: preparing the Airflow metadata database (SQLite in $AIRFLOW_HOME)"
airflow db migrate > "$AIRFLOW_HOME/db-migrate.log" 2>&1 || { tail -50 "$AIRFLOW_HOME/db-migrate.log"; exit 1; }
# One Spark job on the lake at a time for scheduled runs (`dags test` ignores pools).
airflow pools set lakehouse_spark 1 "Spark jobs on the lake" >> "$AIRFLOW_HOME/db-migrate.log" 2>&1

echo "main: staging the sample deliveries into the landing zone"
python -m spark_jobs.ingest.landing data_samples/demo/landing

echo "main: airflow dags test supervision_actions_pipeline $RUN_DATE (log: $AIRFLOW_HOME/dags-test.log)"
if ! airflow dags test supervision_actions_pipeline "$RUN_DATE" > "$AIRFLOW_HOME/dags-test.log" 2>&1; then
  grep -E "ERROR|Error|FAILED|failed" "$AIRFLOW_HOME/dags-test.log" | tail -40
  exit 1
fi
if grep -q "state=failed\|DagRunState.FAILED\|Marking run .* failed" "$AIRFLOW_HOME/dags-test.log"; then
  grep -E "ERROR|Error|failed" "$AIRFLOW_HOME/dags-test.log" | tail -40
  echo "main: the DAG run failed (full log: $AIRFLOW_HOME/dags-test.log)"; exit 1
fi
python -m spark_jobs.pipeline.report "$LAKEHOUSE_HOME/reports/run-$RUN_DATE.json"
