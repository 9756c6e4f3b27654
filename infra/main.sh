#!/usr/bin/env bash
# The main job, end to end on the embedded default: installs what is missing (infra/setup.sh),
# puts the synthetic province's deliveries (all 18 sources) in the landing zone, and runs the real
# DAGs for the delivery date with Airflow's test runner on SQLite: the ingest DAG of each source
# (landing → bronze, the only writer of bronze), then the downstream DAG that a scheduler starts
# on their bronze Assets (silver → quality gate → gold for the eight repositories → export).
# Then it prints what it did.
#   RUN_DATE=2024-06-28 (default: the samples' delivery date)   LAKEHOUSE_MODE=local|minio
#   SAMPLES=data_samples/demo/landing (the two-source demo; default: data_samples/province/landing)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash infra/setup.sh
source infra/airflow_env.sh
RUN_DATE=${RUN_DATE:-2024-06-28}
SAMPLES=${SAMPLES:-data_samples/province/landing}   # every source of the synthetic province
PIPELINE=supervision_actions_pipeline
mkdir -p "$AIRFLOW_HOME"
LOG=$AIRFLOW_HOME/dags-test.log
: > "$LOG"

echo "main: preparing the Airflow metadata database (SQLite in $AIRFLOW_HOME)"
airflow_db_ready "$AIRFLOW_HOME/db-migrate.log"   # migrate + the lakehouse_spark pool

echo "main: staging the deliveries of $SAMPLES into the landing zone"
python -m spark_jobs.ingest.landing "$SAMPLES"

# Every ingest DAG (one per contract), then the downstream DAG a scheduler starts on their
# bronze Assets; Airflow's test runner (`airflow dags test`), all in one process and one JVM.
echo "main: running ingest_* and $PIPELINE for $RUN_DATE (Airflow log: $LOG)"
if ! python -m spark_jobs.pipeline.dag_runs --log "$LOG" "$RUN_DATE" 'ingest_*' "$PIPELINE"; then
  grep -E "ERROR|Error|FAILED" "$LOG" | tail -40
  echo "main: a DAG run failed (full log: $LOG)"; exit 1
fi
python -m spark_jobs.pipeline.report "$LAKEHOUSE_HOME/reports/run-$RUN_DATE.json"
