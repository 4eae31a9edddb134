"""Plain event data in, .ics bytes out. Pure: no Flask, no database.

Built with icalendar 7, avoiding what it gets wrong by default (see the
project's notes on iCalendar): no random UIDs or "now" stamps, so the same
data always gives the same bytes (stable ETags); VTIMEZONEs written by us,
sorted, with one RDATE per line so every client reads the transitions; UNTIL
in UTC; REFRESH-INTERVAL typed as a DURATION; no empty CATEGORIES; control
characters stripped from text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vRecur, vText

PRODID = "-//Mentor Rounds//Hospital events//EN"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    summary: str
    start: datetime | date  # aware, in `tzid`, or a date for all-day events
    end: datetime | date  # exclusive for all-day events
    tzid: str
    created: datetime  # aware UTC
    last_modified: datetime  # aware UTC; also the DTSTAMP
    sequence: int
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED
    description: str = ""
    location: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()
    organizer_name: str | None = None
    rrule: str | None = None  # RRULE value, UNTIL already in UTC
    exdates: tuple[datetime | date, ...] = ()
    recurrence_id: datetime | date | None = None
    # Written instead of DTEND: a series starting at a time the clocks skip
    # (readers disagree on the length between such a DTSTART and a DTEND).
    duration: timedelta | None = None


@dataclass(frozen=True)
class IcsCalendar:
    events: list[IcsEvent]
    name: str | None = None
    description: str | None = None
    refresh: timedelta | None = None  # feeds: how often clients should poll


def text(value: str) -> str:
    """Text a strict parser accepts: no control characters, \\n line ends."""
    return _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


class _Text(vText):
    """TEXT escaped as RFC 5545 says, and only so: icalendar also turns a
    typed backslash-N into a line break, and leaves calendar-level
    properties (NAME, X-WR-*) unescaped, where a line break is refused."""

    def to_ical(self) -> bytes:
        escaped = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return escaped.replace("\n", "\\n").encode(self.encoding)


def _text(value: str) -> _Text:
    return _Text(text(value))


def _timezone(tzid: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE for `tzid` over a range fixed by the data, with each
    transition on its own RDATE line (ical.js and vobject read only the
    first value of a list)."""
    component = Timezone.from_tzid(tzid, first_date=first, last_date=last)
    for observance in component.subcomponents:
        rdates = observance.pop("RDATE", None)
        if rdates is None:
            continue
        values = [observance.decoded("DTSTART")]  # ical.js skips a DTSTART that RDATEs follow
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            values += [value.dt for value in rdate.dts if value.dt not in values]
        for value in values:
            observance.add("RDATE", value)
    return component


def _range(events: list[IcsEvent]) -> tuple[date, date]:
    """Years covered: from 1 January of the year before the first event to
    two years past the last one (a series' UNTIL included)."""
    years = []
    for event in events:
        for moment in (event.start, event.end):
            years.append(moment.year)
        until = re.search(r"UNTIL=(\d{4})", event.rrule or "")
        if until:
            years.append(int(until.group(1)))
    return date(min(years) - 1, 1, 1), date(max(years) + 2, 1, 1)


def _event(item: IcsEvent) -> Event:
    event = Event()
    event.add("UID", item.uid)
    event.add("DTSTAMP", item.last_modified.astimezone(UTC))
    event.add("CREATED", item.created.astimezone(UTC))
    event.add("LAST-MODIFIED", item.last_modified.astimezone(UTC))
    event.add("SEQUENCE", item.sequence)
    if item.recurrence_id is not None:
        event.add("RECURRENCE-ID", item.recurrence_id)
    event.add("DTSTART", item.start)
    if item.duration is None:
        event.add("DTEND", item.end)
    else:
        event.add("DURATION", item.duration)
    if item.rrule:
        event.add("RRULE", vRecur.from_ical(item.rrule))
    for excluded in item.exdates:
        event.add("EXDATE", excluded)
    event.add("SUMMARY", _text(item.summary))
    if item.description:
        event.add("DESCRIPTION", _text(item.description))
    if item.location:
        event.add("LOCATION", _text(item.location))
    if item.url:
        event.add("URL", item.url)
    if item.categories:
        event.add("CATEGORIES", [text(c).replace(",", " ") for c in item.categories])
    if item.organizer_name:
        # Name only: no address is published.
        organizer = vCalAddress("urn:invalid:organizer")
        organizer.params["CN"] = text(item.organizer_name)
        # Quoted also when it holds a backslash (readers take an unquoted
        # "Ada\" as escaping the colon that ends the parameters) or a tab
        # (which readers strip from the ends of an unquoted value).
        organizer.params.quote_also = {**organizer.params.quote_also, "CN": " \t'\\"}
        event.add("ORGANIZER", organizer)
    event.add("STATUS", item.status)
    event.add("TRANSP", "TRANSPARENT" if item.status == "CANCELLED" else "OPAQUE")
    return event


#: Serialising is most of a feed's cost, and most events come back unchanged
#: poll after poll (and in many members' feeds): each VEVENT's and
#: VTIMEZONE's text is kept, keyed by everything it is made of, so a
#: changed event is simply a new key. Bounded, per process.
CACHED_COMPONENTS = 8192
_END = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=CACHED_COMPONENTS)
def _event_text(item: IcsEvent) -> bytes:
    return _event(item).to_ical()


@lru_cache(maxsize=64)
def _timezone_text(tzid: str, first: date, last: date) -> bytes:
    return _timezone(tzid, first, last).to_ical()


def to_calendar(calendar: IcsCalendar) -> Calendar:
    """The whole calendar as one icalendar object, its VTIMEZONEs sorted by
    TZID before the events: what `build` serialises, for readers that want
    the object (and to check build against)."""
    cal = _head(calendar)
    zones = sorted({e.tzid for e in calendar.events if isinstance(e.start, datetime)})
    if zones:
        first, last = _range(calendar.events)
        for tzid in zones:
            cal.add_component(_timezone(tzid, first, last))
    for item in calendar.events:
        cal.add_component(_event(item))
    return cal


def build(calendar: IcsCalendar) -> bytes:
    """The calendar's properties, then its components, each serialised on
    its own (and kept): the same bytes as to_calendar(calendar).to_ical()."""
    parts = [_head(calendar).to_ical().removesuffix(_END)]
    zones = sorted({e.tzid for e in calendar.events if isinstance(e.start, datetime)})
    if zones:
        first, last = _range(calendar.events)
        parts += [_timezone_text(tzid, first, last) for tzid in zones]
    parts += [_event_text(item) for item in calendar.events]
    parts.append(_END)
    return b"".join(parts)


def _head(calendar: IcsCalendar) -> Calendar:
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    if calendar.name:
        cal.add("NAME", _text(calendar.name))
        cal.add("X-WR-CALNAME", _text(calendar.name))
    if calendar.description:
        cal.add("X-WR-CALDESC", _text(calendar.description))
    if calendar.refresh:
        cal.add("REFRESH-INTERVAL", vDuration(calendar.refresh), parameters={"VALUE": "DURATION"})
        cal.add("X-PUBLISHED-TTL", vDuration(calendar.refresh))
    return cal
