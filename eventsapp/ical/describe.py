"""How one event is described in a calendar, whichever file it goes in:
its facts (from a loaded Event, or read as columns), the links it carries,
and the validators (ETag, Last-Modified) of a file of them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from eventsapp.events.models import Event, EventKind, EventStatus
from eventsapp.ical.builder import IcsEvent
from eventsapp.rsvps.models import Rsvp, RsvpState


@dataclass(frozen=True)
class Export:
    body: bytes
    last_modified: datetime
    etag: str

    @classmethod
    def of(cls, body: bytes, last_modified: datetime) -> Export:
        return cls(body, last_modified, etag_of(body))


def etag_of(body: bytes) -> str:
    """A strong validator: the same bytes give the same tag, in every worker."""
    return hashlib.sha256(body).hexdigest()[:32]


def last_modified(items: list[IcsEvent], *others: datetime | None, now: datetime | None = None) -> datetime:
    """The newest change in what the feed shows. A feed also changes when
    an event is deleted or leaves its window, which leaves no timestamp: the
    start of the current hour stands in for those, so a client polling with
    If-Modified-Since alone is at most an hour behind (ETags are exact)."""
    moments = [i.last_modified for i in items] + [o for o in others if o is not None]
    if now is not None:
        moments.append(now.replace(minute=0, second=0, microsecond=0))
    return max(moments).replace(microsecond=0) if moments else datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))


@dataclass(frozen=True)
class Links:
    """How to name things that live outside the calendar: the host in UIDs,
    and the event pages' URLs (`event_url_head`, the id, `event_url_tail`).
    A plain value, so that it can be part of a cache key."""

    host: str
    event_url_head: str
    event_url_tail: str = ""

    def event_url(self, event_id: int) -> str:
        return f"{self.event_url_head}{event_id}{self.event_url_tail}"


def uid_domain(config: Mapping) -> str:
    """The right-hand side of every UID: fixed by configuration, never taken
    from a request's Host header (which would give the same event another
    UID, and duplicates in calendars)."""
    return config.get("CALENDAR_UID_DOMAIN") or (config.get("SERVER_NAME") or "").split(":")[0] or "mentor-rounds.local"


def configured_links(config: Mapping) -> Links:
    """Links for files made outside a request (mail sent by a command): event
    URLs on the configured SERVER_NAME. Pages use the request's host."""
    server = config.get("SERVER_NAME") or "localhost"
    scheme = config.get("PREFERRED_URL_SCHEME") or "http"
    return Links(uid_domain(config), f"{scheme}://{server}/events/")


def answer_fields(event: Event | EventFacts, rsvp: Rsvp | Answer) -> dict:
    """A member's answer is part of their copy of the event (tentative on
    the waitlist), and its time part of the stamp. The SEQUENCE is the
    event's own (see Event.sequence): the same in every file."""
    return {"answer": rsvp.state, "modified": max(event.updated_at, rsvp.updated_at)}


def uid_of(kind: str, ident: int, links: Links) -> str:
    return f"{kind}-{ident}@{links.host}"


class EventFacts(NamedTuple):
    """What a calendar says about one event: taken from a loaded Event
    (`of`), or read as columns straight from the database (personal feeds,
    where loading 200 Events would be most of the cost)."""

    id: int
    title: str
    kind: str
    description: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    location: str
    online_url: str
    status: str
    revision: int
    answer_changes: int
    created_at: datetime
    updated_at: datetime
    organizer_name: str | None
    specialties: tuple[str, ...]  # names, in the order of Event.specialties

    @classmethod
    def of(cls, event: Event) -> EventFacts:
        return cls(
            *(getattr(event, name) for name in EVENT_COLUMNS),
            event.organizer.name if event.organizer else None,
            tuple(s.name for s in event.specialties),
        )


#: The facts that are columns of the event table, by the same names.
EVENT_COLUMNS = EventFacts._fields[:-2]


class Answer(NamedTuple):
    """The parts of a member's RSVP their copy of an event shows."""

    state: str
    updated_at: datetime


def _moment(event: EventFacts, value: datetime) -> datetime | date:
    zone = ZoneInfo(event.timezone)
    return value.astimezone(zone).date() if event.all_day else value.astimezone(zone)


def _description(event: EventFacts, url: str) -> str:
    parts = [event.description.strip()] if event.description.strip() else []
    if event.online_url:
        parts.append(f"Join online: {event.online_url}")
    parts.append(f"Details and RSVP: {url}")
    return "\n\n".join(parts)


def _status(event: EventFacts, answer: str | None = None) -> str:
    if event.status == EventStatus.CANCELLED:
        return "CANCELLED"
    if answer in (RsvpState.WAITLISTED, RsvpState.MAYBE):
        return "TENTATIVE"
    return "CONFIRMED"


def describe(event: Event, links: Links, **fields) -> IcsEvent:
    """A loaded Event, described as describe_facts does."""
    return describe_facts(EventFacts.of(event), links, **fields)


def describe_facts(
    event: EventFacts,
    links: Links,
    *,
    uid: str | None = None,
    answer: str | None = None,
    recurrence_id=None,
    rrule: str | None = None,
    exdates=(),
    sequence: int | None = None,
    created: datetime | None = None,
    modified: datetime | None = None,
) -> IcsEvent:
    url = links.event_url(event.id)
    summary = event.title if answer != RsvpState.WAITLISTED else f"{event.title} (waitlist)"
    return IcsEvent(
        uid=uid or uid_of("event", event.id, links),
        summary=summary,
        start=_moment(event, event.starts_at),
        end=_moment(event, event.ends_at),
        tzid=event.timezone,
        created=created or event.created_at,
        last_modified=modified or event.updated_at,
        sequence=event.revision + event.answer_changes if sequence is None else sequence,
        status=_status(event, answer),
        description=_description(event, url),
        location=event.location or event.online_url,
        url=url,
        categories=(EventKind.LABELS[event.kind], *event.specialties),
        organizer_name=event.organizer_name,
        rrule=rrule,
        exdates=tuple(exdates),
        recurrence_id=recurrence_id,
    )
