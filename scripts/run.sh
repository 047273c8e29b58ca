#!/usr/bin/env bash
# Started by `make run`: the web server and a Celery worker with embedded beat, side by side.
# Ctrl-C (or any of them exiting) stops everything this script started.
set -euo pipefail
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
CELERY="$(dirname "$PY")/celery"

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping the web server and the Celery worker..."
  for pid in "${pids[@]}"; do
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$CELERY" -A config worker -B --pool=solo --loglevel=INFO &
pids+=($!)
"$PY" manage.py runserver "$HOST:$PORT" &
pids+=($!)

sleep 2
cat <<MSG

  Chengxin is running:  http://$HOST:$PORT/
  Admin:                http://$HOST:$PORT/admin/
  API docs:             http://$HOST:$PORT/api/docs/

  Demo logins (password chengxin-demo for all):
    admin            administrator
    province         provincial supervisor (江苏省)
    nanjing          Nanjing supervisor (南京市)
    suzhou           Suzhou supervisor (苏州市)
    nanjing_liaison  liaison of 南京市财政局
    auditor          province-wide auditor (read-only, export)

  Press Ctrl-C to stop the web server and the Celery worker.

MSG
# Whichever exits first (or Ctrl-C) ends the session; the trap stops the other.
wait -n "${pids[@]}"
