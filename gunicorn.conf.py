"""gunicorn's settings for this app (`make serve` passes it with -c; gunicorn
also reads it by itself when started from this folder).

The access log never holds a private calendar feed's token or a check-in
secret: both open something by their URL alone (see eventsapp/logredact.py).
Turn the access log on with `--access-logfile -` (make serve does).

Workers are threaded (gthread): WEB_WORKERS processes (default 2) of
WEB_THREADS threads each (default 8). Measured in docs/benchmark.md
(bench/slowclients.py): with 4 sync workers, four slow uploads left the
site unanswered; with 2 x 8 threads the pages kept their speed. Behind
nginx's buffering slow uploads never reach gunicorn, but threads still
serve while a request waits on the database. The command line overrides
these (`--workers`, `--threads`; sync needs `--threads 1`).
"""

import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eventsapp.logredact import redact  # noqa: E402 - needs the path above


class RedactingLogger(Logger):
    """gunicorn's logger, with URL secrets taken out of every access-log
    field (request line, path, query, referrer, headers, environ)."""

    def atoms(self, resp, req, environ, request_time):
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in super().atoms(resp, req, environ, request_time).items()
        }


logger_class = RedactingLogger
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "8"))
