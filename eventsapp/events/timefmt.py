"""Dates and times written for people ("Tue 3 Dec, 07:30–08:30"). Pure."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# Written out rather than by strftime (%a, %b), which costs ten times more
# and a busy page writes a hundred of these; the names are C's, as before.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(d: date, today: date) -> str:
    text = f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]}"
    return text if d.year == today.year else f"{text} {d.year}"


def _clock(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_span(
    starts_at: datetime, ends_at: datetime, *, all_day: bool, event_zone: str, viewer_zone: str, now: datetime
) -> str:
    """When an event happens, in the viewer's zone (all-day events keep their
    dates: a conference day is the same day wherever you read about it)."""
    zone = ZoneInfo(event_zone if all_day else viewer_zone)
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    today = now.astimezone(zone).date()
    if all_day:
        last = (end - timedelta(days=1)).date() if end > start else start.date()
        if last == start.date():
            return f"{_day(start.date(), today)} (all day)"
        return f"{_day(start.date(), today)} – {_day(last, today)}"
    if start.date() == end.date():
        return f"{_day(start.date(), today)}, {_clock(start)}–{_clock(end)}"
    return f"{_day(start.date(), today)}, {_clock(start)} – {_day(end.date(), today)}, {_clock(end)}"


def zone_label(zone: str, at: datetime) -> str:
    """'EST' or 'CET' where the zone has an abbreviation, else the IANA name."""
    abbreviation = at.astimezone(ZoneInfo(zone)).tzname() or ""
    return abbreviation if abbreviation.isalpha() else zone


def format_moment(moment: datetime, zone: str, now: datetime, joiner: str = ", ") -> str:
    """'Tue 3 Dec, 07:00' (or, with joiner=" at ", 'Tue 3 Dec at 07:00')."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{_day(local.date(), now.astimezone(ZoneInfo(zone)).date())}{joiner}{_clock(local)}"
