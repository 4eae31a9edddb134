"""From the database to calendar data: which events a feed holds and how
each one is described. The bytes themselves come from builder.py.

A meeting of a series downloaded on its own, or in a personal feed, is
listed on its own (its own UID), because members answer meetings one by
one: a series entry would show meetings they said no to. The public feeds,
where a series is one VEVENT with its RRULE, are built in public.py.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.events.models import Event, EventKind, EventStatus, event_specialty
from eventsapp.ical.builder import IcsCalendar, IcsEvent, build
from eventsapp.profiles.models import Specialty
from eventsapp.rsvps.models import Rsvp, RsvpState

#: What a feed covers, so that it stays small for clients that drop large feeds.
WINDOW_BACK = timedelta(days=60)
WINDOW_AHEAD = timedelta(days=365)
REFRESH = timedelta(hours=6)


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


def app_links() -> Links:
    """UIDs from the configured domain; event URLs for this request's host,
    or the configured SERVER_NAME (mail sent outside a request)."""
    from flask import current_app, has_request_context

    domain = uid_domain()
    if has_request_context():
        return Links(domain, *_event_url_parts())
    server = current_app.config.get("SERVER_NAME") or "localhost"
    return Links(domain, f"http://{server}/events/")


def _event_url_parts() -> tuple[str, str]:
    """What comes before and after the id in url_for("events.show",
    event_id=..., _external=True), from a single url_for call: a feed of 200
    events otherwise spends a tenth of its time in url_for."""
    from eventsapp.web.pages import id_url_parts

    return id_url_parts("events.show", "event_id", external=True)


def uid_domain() -> str:
    """The right-hand side of every UID: fixed by configuration, never taken
    from a request's Host header (which would give the same event another
    UID, and duplicates in calendars)."""
    from flask import current_app

    config = current_app.config
    return (config.get("CALENDAR_UID_DOMAIN") or (config.get("SERVER_NAME") or "").split(":")[0]
            or "mentor-rounds.local")


def answer_fields(event: Event | EventFacts, rsvp: Rsvp | _Answer) -> dict:
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
    specialties: tuple[str, ...]   # names, in the order of Event.specialties

    @classmethod
    def of(cls, event: Event) -> EventFacts:
        return cls(*(getattr(event, name) for name in _EVENT_COLUMNS),
                   event.organizer.name if event.organizer else None,
                   tuple(s.name for s in event.specialties))


#: The facts that are columns of the event table, by the same names.
_EVENT_COLUMNS = EventFacts._fields[:-2]


class _Answer(NamedTuple):
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


def describe_facts(event: EventFacts, links: Links, *, uid: str | None = None, answer: str | None = None,
                   recurrence_id=None, rrule: str | None = None, exdates=(), sequence: int | None = None,
                   created: datetime | None = None, modified: datetime | None = None) -> IcsEvent:
    url = links.event_url(event.id)
    summary = event.title if answer != RsvpState.WAITLISTED else f"{event.title} (waitlist)"
    return IcsEvent(
        uid=uid or uid_of("event", event.id, links), summary=summary,
        start=_moment(event, event.starts_at), end=_moment(event, event.ends_at), tzid=event.timezone,
        created=created or event.created_at, last_modified=modified or event.updated_at,
        sequence=event.revision + event.answer_changes if sequence is None else sequence, status=_status(event, answer),
        description=_description(event, url), location=event.location or event.online_url, url=url,
        categories=(EventKind.LABELS[event.kind], *event.specialties), organizer_name=event.organizer_name,
        rrule=rrule, exdates=tuple(exdates), recurrence_id=recurrence_id)


# --- Which events ---------------------------------------------------------------

def _window_bounds(now: datetime) -> tuple[datetime, datetime]:
    return now - WINDOW_BACK, now + WINDOW_AHEAD


def _in_window(first, last):
    return Event.starts_at >= first, Event.starts_at <= last


def window(now: datetime):
    """The conditions on events that put them in a feed's window."""
    return _in_window(*_window_bounds(now))


def single_event(event: Event, links: Links) -> Export:
    """One event (a meeting of a series too) as a file to open or import."""
    items = [describe(event, links)]
    return Export.of(build(IcsCalendar(items)), last_modified(items))


#: What puts an event in its member's feed.
_ANSWERED = (RsvpState.GOING, RsvpState.WAITLISTED, RsvpState.MAYBE)


class _FeedQueries(NamedTuple):
    latest_answer: sa.Select
    events: sa.Select        # their columns as the database gives them (see _answered_events)
    specialties: sa.Select
    column_types: tuple      # the types of the columns of `events` (see _converters)


@cache
def _feed_queries() -> _FeedQueries:
    """A personal feed's statements, built once (with parameters user_id,
    first and last): building and keying them again on every poll costs as
    much as running them."""
    mine = (Rsvp.user_id == sa.bindparam("user_id"), Rsvp.state.in_(_ANSWERED),
            *_in_window(sa.bindparam("first"), sa.bindparam("last")))
    answered = sa.select(Event.id).join(Rsvp, Rsvp.event_id == Event.id).where(*mine)
    columns = (*(getattr(Event, c) for c in _EVENT_COLUMNS), User.name, Rsvp.state, Rsvp.updated_at)
    return _FeedQueries(
        # Any answer: "not going" removes an event, so its time counts as a change.
        sa.select(sa.func.max(Rsvp.updated_at)).where(Rsvp.user_id == sa.bindparam("user_id")),
        sa.select(*(sa.type_coerce(c, sa.types.NullType()) for c in columns))
        .select_from(Event).join(Rsvp, Rsvp.event_id == Event.id).outerjoin(User, User.id == Event.organizer_id)
        .where(*mine).order_by(Event.starts_at, Event.id),
        sa.select(event_specialty.c.event_id, Specialty.name)
        .join(Specialty, Specialty.id == event_specialty.c.specialty_id)
        .where(event_specialty.c.event_id.in_(answered))
        .order_by(event_specialty.c.event_id, *Event.specialties.property.order_by),
        tuple(c.type for c in columns))


@lru_cache(maxsize=8)
def _converters(dialect: sa.Dialect) -> tuple:
    """For each column of a feed's event rows, the function that turns the
    database's value into the Python one (as a typed query would), or None."""
    return tuple(t.dialect_impl(dialect).result_processor(dialect, None) for t in _feed_queries().column_types)


def _converted(rows: tuple[tuple, ...], dialect: sa.Dialect) -> tuple[tuple, ...]:
    convert = _converters(dialect)
    return tuple((*(f(v) if f else v for f, v in zip(convert, row[:-1])), row[-1]) for row in rows)


def personal_feed(session: Session, user_id: int, links: Links, now: datetime, name: str) -> Export:
    """The events the member answered going, waitlisted or maybe, in the
    window: read as columns (three queries, whatever the number of events),
    and served from the kept feed when nothing in them changed."""
    answered, rows = _answered_events(session, user_id, now)
    feed = _personal_calendar(rows, links, name, session.get_bind().dialect)
    return Export(feed.body, last_modified([], feed.last_change, answered, now=now), feed.etag)


def _answered_events(session: Session, user_id: int, now: datetime):
    """The time of the member's latest answer (None if they never answered),
    and a row per event in their feed, in feed order: the event's columns,
    its organizer's name, the member's answer, its specialties' names. The
    columns are as the database gives them (text for SQLite's times, say):
    a repeat poll only compares them with those of the kept feed, and
    converting 200 rows' times cost a third of a poll. _converted makes
    them Python values, for a feed that is built."""
    queries = _feed_queries()
    # Plain rows, without the ORM's loading machinery: there are no entities.
    connection = session.connection()
    first, last = _window_bounds(now)
    params = {"user_id": user_id, "first": first, "last": last}
    answered = connection.execute(queries.latest_answer, params).scalar()
    rows = connection.execute(queries.events, params).all() if answered is not None else []
    specialties: dict[int, list[str]] = {}
    if rows:
        for event_id, specialty in connection.execute(queries.specialties, params):
            specialties.setdefault(event_id, []).append(specialty)
    return answered, tuple((*row, tuple(specialties.get(row[0], ()))) for row in rows)


def _facts_and_answer(row: tuple) -> tuple[EventFacts, _Answer]:
    """A row of _answered_events as describe_facts takes it."""
    columns = len(_EVENT_COLUMNS)
    return EventFacts(*row[:columns + 1], row[-1]), _Answer(*row[columns + 1:-1])


class _Feed(NamedTuple):
    body: bytes
    etag: str
    last_change: datetime | None   # the newest of its events' stamps


#: A calendar app polls its feed again and again, mostly unchanged: each
#: feed is kept, keyed by everything it is made of (the rows read for it,
#: the links, the name), so a repeat poll is neither described nor
#: serialised again. The key is the data itself, never a stamp: any change
#: (an event's title, an answer, a specialty's or the organizer's name, even
#: one that moves no timestamp) is a new key, so stale bytes are never
#: served. Bounded, per process: the most recently polled feeds, at most
#: CACHED_FEEDS of them and about CACHED_FEED_BYTES together (a feed's rows
#: weigh about as much as its bytes; one of 200 events holds about 0.5 MB).
CACHED_FEEDS = 128
CACHED_FEED_BYTES = 32 * 1024 * 1024


class _FeedCache:
    """A least-recently-used cache bounded by count and by size."""

    Info = NamedTuple("Info", [("hits", int), ("misses", int), ("currsize", int), ("bytes", int)])

    def __init__(self, entries: int, size: int):
        self.entries, self.size = entries, size
        self._kept: OrderedDict[tuple, tuple[_Feed, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = self.bytes = 0

    def get(self, key: tuple, build) -> _Feed:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                self.hits += 1
                return found[0]
            self.misses += 1
        feed = build()
        weight = 2 * len(feed.body)
        with self._lock:
            if weight <= self.size and key not in self._kept:
                self._kept[key] = (feed, weight)
                self.bytes += weight
                while len(self._kept) > self.entries or self.bytes > self.size:
                    _, (_, dropped) = self._kept.popitem(last=False)
                    self.bytes -= dropped
        return feed

    def info(self) -> _FeedCache.Info:
        return self.Info(self.hits, self.misses, len(self._kept), self.bytes)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self.hits = self.misses = self.bytes = 0


_kept_feeds = _FeedCache(CACHED_FEEDS, CACHED_FEED_BYTES)


def _personal_calendar(rows: tuple[tuple, ...], links: Links, name: str, dialect: sa.Dialect) -> _Feed:
    def build_it() -> _Feed:
        items = []
        for row in _converted(rows, dialect):
            event, answer = _facts_and_answer(row)
            items.append(describe_facts(event, links, **answer_fields(event, answer)))
        body = build(IcsCalendar(items, name=name, refresh=REFRESH))
        return _Feed(body, etag_of(body), max((i.last_modified for i in items), default=None))

    return _kept_feeds.get((rows, links, name), build_it)
