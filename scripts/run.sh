#!/usr/bin/env bash
# Started by `make run`: the web server and a Celery worker with embedded beat, side by side.
# Ctrl-C (or any of them exiting) stops everything this script started; Ctrl-C is the normal
# way to end a session, so it exits 0 (make would otherwise report an error).
set -euo pipefail
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
CELERY="$(dirname "$PY")/celery"
# The embedded worker reports warnings and errors only: at INFO its task lines would scroll
# the URL and the demo logins away (CELERY_LOGLEVEL=INFO shows them again).
CELERY_LOGLEVEL=${CELERY_LOGLEVEL:-WARNING}
# Links in emails point at the address actually served, unless one is configured (here or in
# .env).
if [ -z "${CHENGXIN_BASE_URL:-}" ] && ! grep -qs '^CHENGXIN_BASE_URL=.' .env; then
  export CHENGXIN_BASE_URL="http://$HOST:$PORT"
fi

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
interrupted() {
  stop
  exit 0
}
trap interrupted INT TERM
trap stop EXIT

banner() {
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

  Emails are not sent: each is written to a file in var/mail/ and noted here in one
  line; their links lead to ${CHENGXIN_BASE_URL:-the address in .env}.

  Press Ctrl-C to stop the web server and the Celery worker.

MSG
}

# Any HTTP answer means the server is up (a 4xx or 5xx too); no answer means not yet.
server_answers() {
  "$PY" - "http://$HOST:$PORT/accounts/login/" <<'PY' 2>/dev/null
import sys
import urllib.error
import urllib.request

try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass
PY
}

all_running() {
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || return 1
  done
}

"$CELERY" -A config worker -B --pool=solo --loglevel="$CELERY_LOGLEVEL" &
pids+=($!)
"$PY" manage.py runserver "$HOST:$PORT" &
pids+=($!)

# The banner comes once both have started and printed their start-up lines, so it stays on
# screen (at most a minute's wait; if one of them fails to start, its error shows instead).
for _second in $(seq 60); do
  all_running || break
  if server_answers; then
    sleep 1  # the worker's start-up lines, if any, come first
    break
  fi
  sleep 1
done
if all_running; then
  banner
fi
# Whichever exits first (or Ctrl-C) ends the session; the traps stop the other.
wait -n "${pids[@]}"
