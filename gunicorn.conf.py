"""gunicorn's settings for this app (`make serve` passes it with -c; gunicorn
also reads it by itself when started from this folder).

The access log never holds a private calendar feed's token or a check-in
secret: both open something by their URL alone (see eventsapp/logredact.py).
Turn the access log on with `--access-logfile -` (make serve does).
"""

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
