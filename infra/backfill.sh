#!/usr/bin/env bash
# Backfill a date range with Airflow's own backfill (`airflow backfill create`): the scheduler runs
# supervision_pipeline once per date, oldest first and one at a time, on the Airflow home
# and lake of infra/main.sh. Land (and ingest) the dates' files first; a date already run (by
# main.sh, say) is run again. Re-running a date older than the newest one keeps the indicators
# reported for it (README, "Re-running an earlier date"); --recompute-past recomputes them.
#
#   infra/backfill.sh 2024-06-28 2024-06-30               run the range, print each run as it ends
#   infra/backfill.sh 2024-06-28 2024-06-30 --dry-run     the runs Airflow would create, nothing run
#   infra/backfill.sh 2024-06-28 2024-06-30 --recompute-past
#
# Starts the scheduler, DAG processor and API server (infra/airflow-ui.sh) when they are not
# running, and stops them afterwards only if it started them. Exits non-zero when a run fails.
# The scheduler starts queued runs of unpaused DAGs only, so the DAG is unpaused for the
# backfill and paused again afterwards if it was paused. While unpaused, the scheduler also
# makes the DAG's newest scheduled run (the day that ended, by the wall clock), as it would
# every day in production; on the synthetic 2024 province that is an empty day.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
[ -x .venv/bin/airflow ] || bash infra/setup.sh
source infra/airflow_env.sh
DAG=supervision_pipeline
FROM=${1:?usage: infra/backfill.sh FROM_DATE TO_DATE [--dry-run] [--recompute-past]}
TO=${2:?usage: infra/backfill.sh FROM_DATE TO_DATE [--dry-run] [--recompute-past]}
shift 2
DRY=0
CONF='{"recompute_past": false}'
for arg in "$@"; do
  case $arg in
    --dry-run) DRY=1 ;;
    --recompute-past) CONF='{"recompute_past": true}' ;;
    *) echo "backfill: unknown option $arg"; exit 2 ;;
  esac
done
for d in "$FROM" "$TO"; do
  [[ "$d" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || { echo "backfill: dates are YYYY-MM-DD, got '$d'"; exit 2; }
done
LOG=$AIRFLOW_HOME/backfill.log
airflow_db_ready "$AIRFLOW_HOME/db-migrate.log"
airflow dags reserialize > "$LOG" 2>&1 || { tail -30 "$LOG"; exit 1; }
ARGS=(--dag-id "$DAG" --from-date "$FROM" --to-date "$TO" --dag-run-conf "$CONF")
if [ "$DRY" = 1 ]; then
  airflow backfill create "${ARGS[@]}" --dry-run 2>>"$LOG"
  exit 0
fi

STARTED=0
if ! bash infra/airflow-ui.sh status > /dev/null 2>&1; then
  bash infra/airflow-ui.sh start
  STARTED=1
fi
PAUSED=$(airflow dags details "$DAG" -o plain 2>/dev/null | awk '$1 == "is_paused" {print $2}')
stop() {
  [ "$PAUSED" = "True" ] && airflow dags pause "$DAG" >> "$LOG" 2>&1
  [ "$STARTED" = 1 ] && bash infra/airflow-ui.sh stop
  true
}
trap stop EXIT
airflow dags unpause "$DAG" >> "$LOG" 2>&1
echo "backfill: $DAG from $FROM to $TO (conf $CONF; Airflow output: $LOG)"
airflow backfill create "${ARGS[@]}" --max-active-runs 1 --reprocess-behavior completed \
  >> "$LOG" 2>&1 || { tail -30 "$LOG"; exit 1; }
python -m spark_jobs.pipeline.backfill_watch "$DAG" "$FROM" "$TO"
