#!/usr/bin/env bash
# `make run`: the development web server and the worker together, one
# command. Ctrl-C (or SIGTERM to this script) stops both, and so does
# either of them ending: the worker finishes the job under way first.
#   usage: scripts/run-with-worker.sh FLASK-COMMAND...   e.g. .venv/bin/flask --app app
set -u
if [ "$#" -eq 0 ]; then
  echo "usage: $0 FLASK-COMMAND..." >&2
  exit 2
fi

"$@" worker &
worker=$!
"$@" run --debug --host 127.0.0.1 --port "${PORT:-5000}" &
web=$!

stop_both() {
  trap - INT TERM
  kill -TERM "$web" "$worker" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
}
trap 'stop_both; exit 130' INT
trap 'stop_both; exit 143' TERM

# Whichever ends first (the web server on an error, the worker on a bad
# configuration) ends the other.
wait -n "$web" "$worker"
status=$?
stop_both
exit "$status"
