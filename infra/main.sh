#!/usr/bin/env bash
# The main job, end to end on the embedded default: installs what is missing (infra/setup.sh),
# generates the synthetic province's deliveries (all 18 sources) for three days in a row, puts
# them in the landing zone, and for each day runs the real DAGs with Airflow's test runner on
# SQLite: the ingest DAG of each source (landing → bronze, the only writer of bronze), then the
# downstream DAG that a scheduler starts on their bronze Assets (silver → quality gate → gold
# for the eight repositories → export). It prints per day and source what arrived, then the
# last day's report.
#   RUN_DATE=2024-06-28 (default: the province's first day)   LAKEHOUSE_MODE=local|minio
#   DAYS=3     the run date and the days after it, one after the other, as operators run them
#              (the province's later days: new actions, work orders and credit listings,
#              corrections, a retired item, a re-sent file, a late file, a credit dump in two
#              parts); DAYS=1 runs day 1 alone
#   SCALE=20   a bigger province (1000 x SCALE actions on day 1)
#   The deliveries are generated (python -m tests.synthetic, about a second at scale 1) into
#   data_samples/large/main-province-<DAYS>d-x<SCALE>/ (ignored by git; same bytes every time;
#   day 1 at scale 1 is the committed data_samples/province).
#   SAMPLES=data_samples/demo/landing  runs a delivery tree as it is instead (the two-source
#              demo; DAYS then defaults to 1)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash infra/setup.sh
source infra/airflow_env.sh
RUN_DATE=${RUN_DATE:-2024-06-28}
if [ -n "${SAMPLES:-}" ]; then DAYS=${DAYS:-1}; else DAYS=${DAYS:-3}; fi
SCALE=${SCALE:-1}
[[ "$DAYS" =~ ^[1-9][0-9]*$ ]] || { echo "main: DAYS must be a whole number of days, got '$DAYS'"; exit 2; }
PIPELINE=supervision_pipeline
mkdir -p "$AIRFLOW_HOME"
LOG=$AIRFLOW_HOME/dags-test.log
: > "$LOG"

echo "main: preparing the Airflow metadata database (SQLite in $AIRFLOW_HOME)"
airflow_db_ready "$AIRFLOW_HOME/db-migrate.log"   # migrate + the lakehouse_spark pool

if [ -z "${SAMPLES:-}" ]; then
  GENERATED=data_samples/large/main-province-${DAYS}d-x${SCALE}
  echo "main: generating the province for $DAYS day(s) from $RUN_DATE at scale $SCALE into $GENERATED"
  python -m tests.synthetic --profile province --days "$DAYS" --scale "$SCALE" \
    --run-date "$RUN_DATE" --out "$GENERATED" | tail -n "$((DAYS + 1))"
  SAMPLES=$GENERATED/landing
fi

echo "main: staging the deliveries of $SAMPLES into the landing zone"
python -m spark_jobs.ingest.landing "$SAMPLES"

# Every ingest DAG (one per contract), then the downstream DAG a scheduler starts on their
# bronze Assets; Airflow's test runner (`airflow dags test`), all in one process and one JVM.
# Day after day: each date's runs start when the previous date's have finished.
echo "main: running ingest_* and $PIPELINE for $DAYS day(s) from $RUN_DATE, one process (Airflow log: $LOG)"
if ! python -m spark_jobs.pipeline.dag_runs --log "$LOG" --days "$DAYS" "$RUN_DATE" 'ingest_*' "$PIPELINE"; then
  grep -E "ERROR|Error|FAILED" "$LOG" | tail -40
  echo "main: a DAG run failed (full log: $LOG)"; exit 1
fi
DAY=$(date -u -d "$RUN_DATE + $((DAYS - 1)) day" +%F)
python -m spark_jobs.pipeline.report "$LAKEHOUSE_HOME/reports/run-$DAY.json"
