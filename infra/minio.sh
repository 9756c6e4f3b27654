#!/usr/bin/env bash
# Start, stop or check the local MinIO server (the pinned build from infra/setup.sh).
#
#   bash infra/minio.sh start|stop|status
#
# Always binds to 127.0.0.1 (S3 API and console). Secrets come from the environment only:
#   LAKEHOUSE_MINIO_ACCESS_KEY   root user, at least 3 characters        (required for start)
#   LAKEHOUSE_MINIO_SECRET_KEY   root password, at least 8 characters    (required for start)
# Optional:
#   LAKEHOUSE_MINIO_PORT          S3 API port (default 9000)
#   LAKEHOUSE_MINIO_CONSOLE_PORT  console port (default S3 port + 1)
#   LAKEHOUSE_MINIO_DATA_DIR      data directory (default .cache/minio-data)
#   LAKEHOUSE_MINIO_RUN_DIR       pid and log files (default .cache/minio-run)
#   LAKEHOUSE_MINIO_START_TIMEOUT seconds to wait for /minio/health/live (default 30)
#   LAKEHOUSE_MINIO_BIN           server binary (default .cache/bin/minio)
# The pid and log files are named after the port, so servers on two ports do not collide.
# Exit codes: 0 ok (start when already running too); 1 error; status: 3 when not running.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

HOST=127.0.0.1   # loopback only, on purpose: not configurable
BIN=${LAKEHOUSE_MINIO_BIN:-$ROOT/.cache/bin/minio}
PORT=${LAKEHOUSE_MINIO_PORT:-9000}
CONSOLE_PORT=${LAKEHOUSE_MINIO_CONSOLE_PORT:-$((PORT + 1))}
DATA_DIR=${LAKEHOUSE_MINIO_DATA_DIR:-$ROOT/.cache/minio-data}
RUN_DIR=${LAKEHOUSE_MINIO_RUN_DIR:-$ROOT/.cache/minio-run}
START_TIMEOUT=${LAKEHOUSE_MINIO_START_TIMEOUT:-30}
STOP_TIMEOUT=15
PID_FILE=$RUN_DIR/minio-$PORT.pid
LOG_FILE=$RUN_DIR/minio-$PORT.log
ENDPOINT=http://$HOST:$PORT

say() { echo "minio: $*"; }
die() { echo "minio: error: $*" >&2; exit 1; }

is_port() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 > 0 && $1 < 65536 )); }

# pid from the pid file when that process is alive and is a minio server, else nothing.
running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid=$(tr -dc '0-9' < "$PID_FILE")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: the process must be our server binary.
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "minio server" || return 1
  echo "$pid"
}

healthy() {
  curl -fsS -o /dev/null --max-time 2 "$ENDPOINT/minio/health/live" 2>/dev/null
}

port_busy() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

cmd_start() {
  local pid
  if pid=$(running_pid); then
    if healthy; then
      say "already running (pid $pid) at $ENDPOINT"
      return 0
    fi
    say "process $pid is up but $ENDPOINT/minio/health/live does not answer yet; waiting"
    wait_healthy "$pid"
    return
  fi
  rm -f "$PID_FILE"

  [ -x "$BIN" ] || die "no MinIO server at $BIN: run \`bash infra/setup.sh\` first"
  local user=${LAKEHOUSE_MINIO_ACCESS_KEY:-} pass=${LAKEHOUSE_MINIO_SECRET_KEY:-}
  [ -n "$user" ] && [ -n "$pass" ] || die "set LAKEHOUSE_MINIO_ACCESS_KEY and \
LAKEHOUSE_MINIO_SECRET_KEY in the environment (secrets never live in the repo)"
  (( ${#user} >= 3 )) || die "LAKEHOUSE_MINIO_ACCESS_KEY must have at least 3 characters"
  (( ${#pass} >= 8 )) || die "LAKEHOUSE_MINIO_SECRET_KEY must have at least 8 characters"
  is_port "$PORT" || die "LAKEHOUSE_MINIO_PORT=$PORT is not a port number"
  is_port "$CONSOLE_PORT" || die "LAKEHOUSE_MINIO_CONSOLE_PORT=$CONSOLE_PORT is not a port"
  [ "$PORT" != "$CONSOLE_PORT" ] || die "the S3 and console ports must differ"
  if [ -n "${LAKEHOUSE_MINIO_ENDPOINT:-}" ] && [ "${LAKEHOUSE_MINIO_ENDPOINT%/}" != "$ENDPOINT" ]; then
    say "warning: LAKEHOUSE_MINIO_ENDPOINT=$LAKEHOUSE_MINIO_ENDPOINT but the server will be at $ENDPOINT"
  fi
  port_busy "$PORT" && die "$HOST:$PORT is already in use by another process (not started by this script)"
  port_busy "$CONSOLE_PORT" && die "console port $HOST:$CONSOLE_PORT is already in use"

  mkdir -p "$RUN_DIR" "$DATA_DIR" "$RUN_DIR/certs-$PORT"
  chmod 700 "$DATA_DIR" "$RUN_DIR"
  # Credentials go through the environment, never the command line (visible in ps).
  # setsid + nohup: the server outlives this shell and the terminal that started it.
  MINIO_ROOT_USER=$user MINIO_ROOT_PASSWORD=$pass MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off \
    setsid nohup "$BIN" server \
      --address "$HOST:$PORT" \
      --console-address "$HOST:$CONSOLE_PORT" \
      --certs-dir "$RUN_DIR/certs-$PORT" \
      "$DATA_DIR" >>"$LOG_FILE" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$PID_FILE"
  wait_healthy "$pid"
}

wait_healthy() {
  local pid=$1 deadline=$((SECONDS + START_TIMEOUT))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      echo "minio: error: the server exited during start; last lines of $LOG_FILE:" >&2
      tail -n 20 "$LOG_FILE" >&2 || true
      exit 1
    fi
    if healthy; then
      say "running (pid $pid) at $ENDPOINT, console http://$HOST:$CONSOLE_PORT, data $DATA_DIR"
      say "log $LOG_FILE"
      return 0
    fi
    sleep 0.3
  done
  echo "minio: error: no answer from $ENDPOINT/minio/health/live after ${START_TIMEOUT}s;" \
    "stopping pid $pid. Last lines of $LOG_FILE:" >&2
  tail -n 20 "$LOG_FILE" >&2 || true
  stop_pid "$pid"
  exit 1
}

stop_pid() {
  local pid=$1 deadline=$((SECONDS + STOP_TIMEOUT))
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid did not stop within ${STOP_TIMEOUT}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

cmd_stop() {
  local pid
  if pid=$(running_pid); then
    stop_pid "$pid"
    say "stopped (pid $pid)"
  else
    rm -f "$PID_FILE"
    say "not running on port $PORT (no live pid in $PID_FILE)"
  fi
}

cmd_status() {
  local pid
  if pid=$(running_pid); then
    if healthy; then
      say "running (pid $pid) at $ENDPOINT, healthy"
      return 0
    fi
    say "running (pid $pid) but $ENDPOINT/minio/health/live does not answer"
    return 1
  fi
  say "not running on port $PORT"
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: bash infra/minio.sh start|stop|status" >&2; exit 2 ;;
esac
