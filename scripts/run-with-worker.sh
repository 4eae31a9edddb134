#!/usr/bin/env bash
# `make run`: the development web server and the worker together, one
# command. Ctrl-C (or SIGTERM to this script) stops both, and so does
# either of them ending: the worker finishes the job under way first.
# The web server reloads on code changes; the worker does not (restart
# `make run` after changing a job or how mail is sent).
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
# configuration) ends the other, and says so. A loop rather than `wait -n`,
# which the bash 3.2 of macOS lacks.
while kill -0 "$web" 2>/dev/null && kill -0 "$worker" 2>/dev/null; do
  sleep 1
done
# (Ctrl-C reaches both directly, and they end with status 0: no message.)
if kill -0 "$worker" 2>/dev/null; then
  wait "$web"
  status=$?
  ended="the web server" other="the worker"
else
  wait "$worker"
  status=$?
  ended="the worker" other="the web server"
fi
if [ "$status" -ne 0 ]; then
  echo "run-with-worker: $ended stopped (exit status $status); stopping $other too." >&2
fi
stop_both
exit "$status"
