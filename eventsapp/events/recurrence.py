"""Recurring meetings: the rule in RFC 5545 terms and its occurrences. Pure.

Occurrences are computed in the meeting's local wall-clock time, so a
07:30 meeting stays at 07:30 across daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil import rrule as du

MAX_OCCURRENCES = 120
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


class Frequency:
    WEEKLY = "weekly"
    MONTHLY = "monthly"  # on the Nth weekday of the month, e.g. the first Tuesday


class RecurrenceError(ValueError):
    """The rule cannot work; the message is for the organizer."""


@dataclass(frozen=True)
class Recurrence:
    frequency: str
    interval: int  # every N weeks or months
    until: date  # last day an occurrence may fall on (inclusive)


def nth_weekday(day: date) -> int:
    """Which weekday of its month `day` is: 1..4, or -1 for a fifth one
    (which not every month has, so the series takes the last one)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def _rule_parts(rule: Recurrence, first: date) -> tuple[int, object]:
    weekday = du.weekday(first.weekday())
    if rule.frequency == Frequency.WEEKLY:
        return du.WEEKLY, weekday
    if rule.frequency == Frequency.MONTHLY:
        return du.MONTHLY, weekday(nth_weekday(first))
    raise RecurrenceError("Choose weekly or monthly.")


def occurrence_starts(first_start: datetime, zone: str, rule: Recurrence) -> list[datetime]:
    """Every start, as aware datetimes in `zone`, beginning with `first_start`
    (a naive local datetime). Raises RecurrenceError."""
    if not 1 <= rule.interval <= 12:
        raise RecurrenceError("Repeat every 1 to 12 weeks or months.")
    if rule.until < first_start.date():
        raise RecurrenceError("The last date must not be before the first meeting.")
    freq, byweekday = _rule_parts(rule, first_start.date())
    local_until = datetime.combine(rule.until, time(23, 59, 59))
    generated = du.rrule(freq, dtstart=first_start, interval=rule.interval, byweekday=byweekday, until=local_until)
    starts = list(islice(generated, MAX_OCCURRENCES + 1))
    if len(starts) > MAX_OCCURRENCES:
        raise RecurrenceError(f"A series can have at most {MAX_OCCURRENCES} meetings; choose an earlier last date.")
    tz = ZoneInfo(zone)
    return [start.replace(tzinfo=tz) for start in starts]


def rrule_text(first_start: datetime, zone: str, rule: Recurrence, all_day: bool = False) -> str:
    """The RRULE property value (RFC 5545). UNTIL is in UTC for timed events,
    as the RFC requires when DTSTART has a TZID, and a DATE for all-day ones."""
    first = first_start.date()
    if rule.frequency == Frequency.WEEKLY:
        byday = WEEKDAY_CODES[first.weekday()]
        parts = ["FREQ=WEEKLY"]
    else:
        byday = f"{nth_weekday(first)}{WEEKDAY_CODES[first.weekday()]}"
        parts = ["FREQ=MONTHLY"]
    if rule.interval != 1:
        parts.append(f"INTERVAL={rule.interval}")
    parts.append(f"BYDAY={byday}")
    if all_day:
        parts.append(f"UNTIL={rule.until:%Y%m%d}")
    else:
        until = datetime.combine(rule.until, time(23, 59, 59), tzinfo=ZoneInfo(zone))
        parts.append(f"UNTIL={until.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def describe(first_start: datetime, rule: Recurrence) -> str:
    """'Every Tuesday until 30 Jun 2027', 'Every 2 weeks on Tuesday ...',
    'Monthly on the first Tuesday ...'."""
    day = f"{first_start:%A}"
    until = f"until {rule.until.day} {rule.until:%b %Y}"
    if rule.frequency == Frequency.WEEKLY:
        every = f"Every {day}" if rule.interval == 1 else f"Every {rule.interval} weeks on {day}"
    else:
        ordinal = ORDINALS[nth_weekday(first_start.date())]
        every = (
            f"Monthly on the {ordinal} {day}"
            if rule.interval == 1
            else f"Every {rule.interval} months on the {ordinal} {day}"
        )
    return f"{every} {until}"
