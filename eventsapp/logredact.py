"""Secrets that travel in URLs never reach a log file.

A private calendar feed (`/calendar/<token>.ics`) is opened by the token in
its URL alone, as are the check-in link (`/events/<id>/check-in/<secret>`)
and the mailed links: choosing a new password (`/reset-password/<token>`),
joining from a roster's invitation (`/join/<token>`), confirming an address
(`/account/confirm/<token>`) and unsubscribing (`/unsubscribe/<token>`). An
access log that kept them would hand them to whoever reads the logs.
`redact` is pure; the development server's log gets a filter (`install`),
gunicorn's access log a Logger class (see gunicorn.conf.py).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

REDACTED = "[redacted]"

# A secret can reach a log percent-encoded, once or more: the login page's
# address carries the page asked for in `next=` (/login?next=%2Fevents%2F1%2F
# check-in%2F...), and the next request's Referer repeats that address. So a
# slash may also be written %2F, %252F, ..., and a segment ends where a
# separator does, written plainly or encoded.
_PCT = r"%(?:25)*"
_SLASH = rf"(?:/|{_PCT}2[fF])"
_STOP = rf"(?:[/?#&\s\"']|{_PCT}(?:2[fF]|3[fF]|23|26|20|22|27)|$)"
_CHAR = rf"(?:(?!{_PCT}(?:2[fF]|3[fF]|23|26|20|22|27)){_PCT}[0-9A-Fa-f]{{2}}|[^/?#&\s\"'%])"
# The path segment after /calendar/ is the token, except the public feed
# (events.ics) and the address of the form that makes a new link (feed).
_FEED = re.compile(rf"({_SLASH}calendar{_SLASH}+)(?!(?:events\.ics|feed){_STOP})({_CHAR}+)")
# The segment after these is a secret; after /confirm/, all but the form that resends a link.
_LINK = re.compile(
    rf"({_SLASH}(?:check-in|reset-password|join|unsubscribe|confirm){_SLASH}+)(?!resend{_STOP})({_CHAR}+)"
)


_WORDS = ("calendar", "check-in", "reset-password", "join", "unsubscribe", "confirm")


def _hide_feed(match: re.Match) -> str:
    return match.group(1) + REDACTED + (".ics" if match.group(2).endswith(".ics") else "")


def _hide_all(text: str) -> str:
    return _LINK.sub(r"\1" + REDACTED, _FEED.sub(_hide_feed, text))


def _decoded(text: str) -> str:
    """`text` percent-decoded until nothing changes (a few rounds at most)."""
    for _ in range(5):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def _holds_secret(text: str) -> bool:
    decoded = _decoded(text)
    return _hide_all(decoded) != decoded


def redact(text: str) -> str:
    """`text` with every feed token, check-in secret and mailed link's token
    in it replaced, written plainly or percent-encoded (any number of times)."""
    if "%" not in text and not any(f"/{word}/" in text for word in _WORDS):
        return text
    if not _holds_secret(text):
        return text
    cleaned = _hide_all(text)
    if _holds_secret(cleaned):
        # An encoding the patterns above do not follow (say %63heck-in):
        # better a decoded line in the log than a secret.
        return _hide_all(_decoded(text))
    return cleaned


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
