"""Secrets that travel in URLs never reach a log file.

A private calendar feed (`/calendar/<token>.ics`) is opened by the token in
its URL alone, and the check-in link (`/events/<id>/check-in/<secret>`) by
its secret: an access log that kept them would hand them to whoever reads
the logs. `redact` is pure; the development server's log gets a filter
(`install`), gunicorn's access log a Logger class (see gunicorn.conf.py).
"""
from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

# The path segment after /calendar/ is the token, except the public feed
# (events.ics) and the address of the form that makes a new link (feed).
_END = r"(?=[/?#\s\"']|$)"
_FEED = re.compile(r"(/calendar/+)(?!(?:events\.ics|feed)" + _END + r")([^/?#\s\"']+)")
_CHECK_IN = re.compile(r"(/check-in/+)([^/?#\s\"']+)")


def _hide_feed(match: re.Match) -> str:
    return match.group(1) + REDACTED + (".ics" if match.group(2).endswith(".ics") else "")


def redact(text: str) -> str:
    """`text` with every feed token and check-in secret in it replaced."""
    if "/calendar/" not in text and "/check-in/" not in text:
        return text
    return _CHECK_IN.sub(r"\1" + REDACTED, _FEED.sub(_hide_feed, text))


class RedactSecrets(logging.Filter):
    """Rewrites a record whose message holds a URL secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's to report
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactSecrets()


def install() -> None:
    """Filter the development server's request log (the "werkzeug" logger).
    Adding the same filter twice is a no-op, so every app may call it."""
    logging.getLogger("werkzeug").addFilter(_FILTER)
