"""Rates and sliding-window arithmetic for the sign-in limits. Pure: no
Flask, no database; every function takes the counts and the time it needs.

A rate such as "10 per 15 minutes" is enforced with two counters per key:
the hits of the current fixed window and those of the previous one. The
previous window's hits count in proportion to how much of it still lies
within the last `window` seconds (the sliding-window estimate), so there is
no burst of twice the limit at a window boundary, and old hits fade out
instead of dropping off at once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Rate:
    limit: int  # hits allowed ...
    window: int  # ... in any stretch of this many seconds

    def __post_init__(self):
        if self.limit < 1 or self.window < 1:
            raise ValueError("a rate needs at least one hit and a window of at least one second")


def parse_rate(text: str) -> Rate:
    """'20 per 5 minutes', '10 per hour', '3/30 seconds' -> Rate. Raises ValueError."""
    match = _RATE.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a rate; write it like '20 per 5 minutes' or '10 per hour'")
    limit, count, unit = match.groups()
    return Rate(int(limit), int(count or 1) * _UNITS[unit.lower()])


def window_start(now: datetime, window: int) -> datetime:
    """The start of the fixed window `now` falls in (windows are aligned to the epoch)."""
    seconds = (now - EPOCH) // timedelta(seconds=1)
    return EPOCH + timedelta(seconds=seconds - seconds % window)


def _weight_of_previous(rate: Rate, elapsed: float) -> float:
    """How much of the previous window still lies within the last `window` seconds."""
    return max(0.0, 1.0 - elapsed / rate.window)


def hits_allowed(rate: Rate, previous: int, elapsed: float) -> int:
    """The most hits the current window may hold, given the previous window's
    hits and the seconds elapsed since the current window began."""
    # A tiny tolerance keeps float error from refusing a hit exactly at the limit.
    return math.floor(rate.limit - previous * _weight_of_previous(rate, elapsed) + 1e-9)


def seconds_until_allowed(rate: Rate, previous: int, current: int, elapsed: float) -> int:
    """Whole seconds until one more hit fits (at least 1, since the caller was refused)."""
    room = rate.limit - 1  # the estimate must fall to this for one more hit to fit
    if current <= room:
        # Within this window, once enough of the previous one has faded.
        fraction = 1.0 - (room - current) / previous if previous else 0.0
        wait = fraction * rate.window - elapsed
    else:
        # Only in the next window, once enough of this one has faded.
        fraction = 1.0 - room / current
        wait = (rate.window - elapsed) + fraction * rate.window
    return max(1, math.ceil(wait - 1e-9))


def minutes_for_people(seconds: int) -> str:
    """'about 1 minute', 'about 12 minutes', 'about 2 hours'."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 90:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    return f"about {hours} hours"
