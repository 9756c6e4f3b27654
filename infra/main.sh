#!/usr/bin/env bash
# The main job, end to end on the embedded default: installs what is missing (infra/setup.sh),
# puts the sample deliveries in the landing zone, and runs the real DAGs for the sample date with
# `airflow dags test` on SQLite: the ingest DAG of each source (landing → bronze, the only writer
# of bronze), then the downstream DAG that a scheduler starts on their bronze Assets (silver →
# quality gate → gold → export). Then it prints what it did.
#   RUN_DATE=2024-06-28 (default: the samples' delivery date)   LAKEHOUSE_MODE=local|minio
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash infra/setup.sh
source infra/airflow_env.sh
RUN_DATE=${RUN_DATE:-2024-06-28}
SOURCES=(supervision_items supervision_actions)   # the demo's sources, catalog first
PIPELINE=supervision_actions_pipeline
mkdir -p "$AIRFLOW_HOME"
LOG=$AIRFLOW_HOME/dags-test.log
: > "$LOG"

echo "main: preparing the Airflow metadata database (SQLite in $AIRFLOW_HOME)"
airflow db migrate > "$AIRFLOW_HOME/db-migrate.log" 2>&1 || { tail -50 "$AIRFLOW_HOME/db-migrate.log"; exit 1; }
# One Spark job on the lake at a time for scheduled runs (`dags test` ignores pools).
airflow pools set lakehouse_spark 1 "Spark jobs on the lake" >> "$AIRFLOW_HOME/db-migrate.log" 2>&1

echo "main: staging the sample deliveries into the landing zone"
python -m spark_jobs.ingest.landing data_samples/demo/landing

dags_test() {  # dag_id: run it for RUN_DATE, fail loudly with the log's errors
  echo "main: airflow dags test $1 $RUN_DATE (log: $LOG)"
  if ! airflow dags test "$1" "$RUN_DATE" >> "$LOG" 2>&1 \
     || tail -n 400 "$LOG" | grep -q "state=failed\|DagRunState.FAILED\|Marking run .* failed"; then
    grep -E "ERROR|Error|FAILED|failed" "$LOG" | tail -40
    echo "main: the DAG run $1 failed (full log: $LOG)"; exit 1
  fi
}
for source in "${SOURCES[@]}"; do dags_test "ingest_$source"; done
dags_test "$PIPELINE"
python -m spark_jobs.pipeline.report "$LAKEHOUSE_HOME/reports/run-$RUN_DATE.json"
