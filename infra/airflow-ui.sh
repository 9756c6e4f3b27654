#!/usr/bin/env bash
# Airflow's scheduler UI on loopback, with the project's DAGs: the API server (which serves the
# React UI and the REST API), the scheduler and the DAG processor, on the same Airflow home and
# SQLite database as infra/main.sh (infra/airflow_env.sh). Every DAG starts paused, so nothing
# runs until someone unpauses it; the UI shows the DAGs, their runs (those of main.sh included)
# and the asset graph (ingest_<source> → bronze.<source> → supervision_pipeline).
#
#   infra/airflow-ui.sh start     start the three services, wait until healthy, print URL + login
#   infra/airflow-ui.sh status    which services run, and the health endpoint's answer
#   infra/airflow-ui.sh stop      stop them (each service's own process group, by its pid file)
#
#   LAKEHOUSE_UI_PORT      port on 127.0.0.1 (default 8080, or a free port when 8080 is taken)
#   LAKEHOUSE_UI_USER      login name (default admin; role admin)
#   LAKEHOUSE_UI_PASSWORD  its password; unset: generated once and kept in the passwords file
#                          ($AIRFLOW_HOME/simple_auth_manager_passwords.json.generated, mode 600)
#   LAKEHOUSE_UI_NO_LOGIN  1: no login at all (SimpleAuthManager's all-admins mode; loopback only)
# Pids, logs and the URL are under $AIRFLOW_HOME/ui/ (.lakehouse/airflow/ui by default).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
[ -x .venv/bin/airflow ] || bash infra/setup.sh
source infra/airflow_env.sh
UI_DIR=$AIRFLOW_HOME/ui
SERVICES="api-server scheduler dag-processor"
HOST=127.0.0.1
START_TIMEOUT=${LAKEHOUSE_UI_START_TIMEOUT:-180}

alive() { [ -f "$UI_DIR/$1.pid" ] && kill -0 "$(cat "$UI_DIR/$1.pid")" 2>/dev/null; }
url() { cat "$UI_DIR/url" 2>/dev/null || true; }

health() {  # the monitor endpoint's JSON, or nothing when the server does not answer
  curl -fsS --max-time 5 "$(url)/api/v2/monitor/health" 2>/dev/null || true
}

healthy() {  # metadatabase, scheduler and dag processor report healthy
  health | python -c '
import json, sys
try:
    h = json.load(sys.stdin)
except ValueError:
    sys.exit(1)
ok = all((h.get(k) or {}).get("status") == "healthy"
         for k in ("metadatabase", "scheduler", "dag_processor"))
sys.exit(0 if ok else 1)'
}

free_port() {
  python - "$1" <<'PY'
import socket, sys
wanted = int(sys.argv[1])
for port in (wanted, 0):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(s.getsockname()[1])
        break
PY
}

set_password() {  # the user's password in SimpleAuthManager's file: from the env, kept, or new
  python - "$1" "$2" <<'PY'
import json, os, secrets, sys
path, user = sys.argv[1], sys.argv[2]
try:
    with open(path, encoding="utf-8") as fh:
        passwords = json.loads(fh.read() or "{}")
except FileNotFoundError:
    passwords = {}
wanted = os.environ.get("LAKEHOUSE_UI_PASSWORD", "")
if wanted or user not in passwords:
    passwords[user] = wanted or secrets.token_urlsafe(12)
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w", encoding="utf-8") as fh:
    fh.write(json.dumps(passwords) + "\n")
os.chmod(path, 0o600)
PY
}

stop() {
  local svc pid pgid n
  for svc in $SERVICES; do
    if alive "$svc"; then
      pid=$(cat "$UI_DIR/$svc.pid")
      pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
      # each service was started as its own session: its group is it and its workers only
      [ "$pgid" = "$pid" ] && kill -TERM -- "-$pgid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for n in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      if kill -0 "$pid" 2>/dev/null; then
        [ "$pgid" = "$pid" ] && kill -KILL -- "-$pgid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      fi
      echo "airflow-ui: stopped $svc (pid $pid)"
    fi
    rm -f "$UI_DIR/$svc.pid"
  done
}

status() {
  local svc running=0
  for svc in $SERVICES; do
    if alive "$svc"; then
      echo "airflow-ui: $svc running (pid $(cat "$UI_DIR/$svc.pid"), log $UI_DIR/$svc.log)"
      running=$((running + 1))
    else
      echo "airflow-ui: $svc not running"
    fi
  done
  [ "$running" -gt 0 ] && echo "airflow-ui: $(url) health: $(health)"
  [ "$running" -eq 3 ] && healthy
}

start() {
  mkdir -p "$UI_DIR"
  if alive api-server && healthy; then
    echo "airflow-ui: already running at $(url)"
    return 0
  fi
  stop >/dev/null  # leftovers of a half-started run
  local port user
  port=${LAKEHOUSE_UI_PORT:-$(free_port 8080)}
  user=${LAKEHOUSE_UI_USER:-admin}
  echo "http://$HOST:$port" > "$UI_DIR/url"
  # Loopback only; the task runners the scheduler starts reach the execution API on this port.
  export AIRFLOW__API__HOST=$HOST AIRFLOW__API__PORT=$port AIRFLOW__API__WORKERS=1
  export AIRFLOW__API__BASE_URL="http://$HOST:$port"
  export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://$HOST:$port/execution/"
  export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="$user:admin"
  if [ "${LAKEHOUSE_UI_NO_LOGIN:-0}" = 1 ]; then
    export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=True
  else
    export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=False
  fi
  export AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK=False  # no second HTTP port
  export AIRFLOW__CORE__PARALLELISM=${AIRFLOW__CORE__PARALLELISM:-4}  # a 2-core machine

  echo "airflow-ui: preparing the metadata database (SQLite in $AIRFLOW_HOME)"
  airflow_db_ready "$UI_DIR/db-migrate.log"
  local passwords=$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated
  set_password "$passwords" "$user"
  export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=$passwords

  local svc
  for svc in $SERVICES; do
    # setsid: a session (and process group) per service, so `stop` ends it with its workers
    case $svc in
      api-server) setsid airflow api-server --host "$HOST" --port "$port" --workers 1 \
                    > "$UI_DIR/$svc.log" 2>&1 < /dev/null & ;;
      *) setsid airflow "$svc" > "$UI_DIR/$svc.log" 2>&1 < /dev/null & ;;
    esac
    echo $! > "$UI_DIR/$svc.pid"
  done
  echo "airflow-ui: waiting for $(url)/api/v2/monitor/health (logs in $UI_DIR)"
  local waited=0
  until healthy; do
    for svc in $SERVICES; do
      if ! alive "$svc"; then
        echo "airflow-ui: $svc exited; the end of $UI_DIR/$svc.log:" >&2
        tail -30 "$UI_DIR/$svc.log" >&2
        stop >/dev/null
        return 1
      fi
    done
    if [ "$waited" -ge "$START_TIMEOUT" ]; then
      echo "airflow-ui: not healthy after ${START_TIMEOUT} s: $(health)" >&2
      stop >/dev/null
      return 1
    fi
    sleep 2
    waited=$((waited + 2))
  done
  echo "airflow-ui: running at $(url) (DAGs from $AIRFLOW__CORE__DAGS_FOLDER, paused until unpaused)"
  if [ "${LAKEHOUSE_UI_NO_LOGIN:-0}" = 1 ]; then
    echo "airflow-ui: no login (LAKEHOUSE_UI_NO_LOGIN=1): everyone on this machine is admin"
  else
    echo "airflow-ui: login $user, password in $passwords"
  fi
  echo "airflow-ui: stop with: bash infra/airflow-ui.sh stop"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
