"""What a member's certificate of attendance says, from their check-in
(docs/program.md); attendance/certificate.py draws it."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from eventsapp.attendance.certificate import Certificate
from eventsapp.attendance.models import CheckIn
from eventsapp.events.models import Event
from eventsapp.events.timefmt import zone_label


def number(check_in: CheckIn, key: bytes) -> str:
    """The certificate's id: the event, the check-in and a keyed digest of
    both, so that a number cannot be made up for someone else."""
    message = f"certificate:{check_in.event_id}:{check_in.id}:{check_in.user_id}".encode()
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()[:10].upper()
    return f"{check_in.event_id}-{check_in.id}-{digest}"


def when(event: Event) -> str:
    """'Tuesday 3 December 2026, 07:30–08:30 EST', in the event's zone."""
    zone = ZoneInfo(event.timezone)
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    if event.all_day:
        last = (end - timedelta(days=1)).date() if end > start else start.date()
        first = _day(start)
        return first if last == start.date() else f"{first} to {_day(datetime.combine(last, start.time()))}"
    span = f"{start:%H:%M}–{end:%H:%M}" if start.date() == end.date() else f"{start:%H:%M} to {_day(end)}, {end:%H:%M}"
    return f"{_day(start)}, {span} {zone_label(event.timezone, event.starts_at)}"


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def certificate(event: Event, check_in: CheckIn, *, name: str, issuer: str, key: bytes) -> Certificate:
    place = event.location or ("Online" if event.online_url else "")
    organizer = event.organizer.name if event.organizer is not None else ""
    return Certificate(
        name=name,
        title=event.title,
        when=when(event),
        place=place,
        organizer=organizer,
        issuer=issuer,
        number=number(check_in, key),
        issued_at=event.ends_at,
    )
