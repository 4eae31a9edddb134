"""'Add to Google Calendar' and 'Add to Outlook' links. Pure.

Each link carries the event's page and its online meeting link (also when
it has a place), and stays within MAX_URL_BYTES once encoded: some
browsers and proxies refuse longer URLs, and a description in Greek or
Japanese triples in length when encoded, so the limit counts the URL's
bytes, not the text's characters. What gives way is the description, then
the place, then the title; never the links.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

MAX_URL_BYTES = 2000
GOOGLE = "https://calendar.google.com/calendar/render?"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose?"
_CUT = "…"


class EventText(NamedTuple):
    """What the links say about an event; trimmed to fit, in this order."""

    description: str
    location: str
    title: str


class AddLinks(NamedTuple):
    google: str
    outlook: str


def add_links(
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    all_day: bool,
    zone: str,
    description: str,
    location: str,
    online_url: str,
    event_url: str,
) -> AddLinks:
    """Both links for one event. `event_url`: its page, where people answer."""
    text = EventText(description.strip(), location or online_url, title)

    def details(description: str) -> str:
        parts = [description] if description else []
        if online_url:
            parts.append(f"Join online: {online_url}")
        parts.append(f"Details and RSVP: {event_url}")
        return "\n\n".join(parts)

    def google(t: EventText) -> str:
        return google_url(
            title=t.title,
            starts_at=starts_at,
            ends_at=ends_at,
            all_day=all_day,
            zone=zone,
            details=details(t.description),
            location=t.location,
        )

    def outlook(t: EventText) -> str:
        return outlook_url(
            title=t.title,
            starts_at=starts_at,
            ends_at=ends_at,
            all_day=all_day,
            zone=zone,
            details=details(t.description),
            location=t.location,
        )

    return AddLinks(google(fit(google, text)), outlook(fit(outlook, text)))


def fit(make_url: Callable[[EventText], str], text: EventText) -> EventText:
    """`text`, shortened (description first, then place, then title) until
    make_url's URL is at most MAX_URL_BYTES long."""
    for field in EventText._fields:
        if _fits(make_url(text)):
            break
        text = text._replace(**{field: _longest_fitting(make_url, text, field)})
    return text


def _fits(url: str) -> bool:
    return len(url.encode()) <= MAX_URL_BYTES


def _longest_fitting(make_url: Callable[[EventText], str], text: EventText, field: str) -> str:
    """The longest start of `field` (marked as cut) that fits; "" if none."""
    value = getattr(text, field)

    def cut(n: int) -> str:
        return value[:n].rstrip() + _CUT if n else ""

    low, high = 0, len(value)  # cut(low) fits (or low is 0); cut(high + 1) does not
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(make_url(text._replace(**{field: cut(middle)}))):
            low = middle
        else:
            high = middle - 1
    return cut(low)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_url(
    *, title: str, starts_at: datetime, ends_at: datetime, all_day: bool, zone: str, details: str, location: str
) -> str:
    if all_day:
        tz = ZoneInfo(zone)
        dates = f"{starts_at.astimezone(tz):%Y%m%d}/{ends_at.astimezone(tz):%Y%m%d}"
    else:
        dates = f"{_utc(starts_at)}/{_utc(ends_at)}"
    query = {"action": "TEMPLATE", "text": title, "dates": dates, "details": details, "location": location}
    if not all_day:
        query["ctz"] = zone
    return GOOGLE + urlencode(query)


def outlook_url(
    *, title: str, starts_at: datetime, ends_at: datetime, all_day: bool, zone: str, details: str, location: str
) -> str:
    if all_day:
        tz = ZoneInfo(zone)
        start, end = starts_at.astimezone(tz).date().isoformat(), ends_at.astimezone(tz).date().isoformat()
    else:
        start = starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = ends_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": start,
        "enddt": end,
        "body": details,
        "location": location,
    }
    if all_day:
        query["allday"] = "true"
    return OUTLOOK + urlencode(query)
