"""From the database to calendar data: which events a feed holds. How each
one is described is in describe.py, the bytes come from builder.py.

A meeting of a series downloaded on its own, or in a personal feed, is
listed on its own (its own UID), because members answer meetings one by
one: a series entry would show meetings they said no to. The public feeds,
where a series is one VEVENT with its RRULE, are built in public.py.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

import sqlalchemy as sa
from cachetools import LRUCache
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.events.models import Event, event_specialty
from eventsapp.ical.builder import IcsCalendar, build
from eventsapp.ical.describe import (
    EVENT_COLUMNS,
    Answer,
    EventFacts,
    Export,
    Links,
    answer_fields,
    describe,
    describe_facts,
    etag_of,
    last_modified,
)
from eventsapp.ical.meetings import describe_meeting, next_meetings
from eventsapp.mentorships.links import MentorshipLinks
from eventsapp.profiles.models import Specialty
from eventsapp.rsvps.models import Rsvp, RsvpState

#: What a feed covers, so that it stays small for clients that drop large feeds.
WINDOW_BACK = timedelta(days=60)
WINDOW_AHEAD = timedelta(days=365)
REFRESH = timedelta(hours=6)


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
    events: sa.Select  # their columns as the database gives them (see _answered_events)
    specialties: sa.Select
    column_types: tuple  # the types of the columns of `events` (see _converters)


@cache
def _feed_queries() -> _FeedQueries:
    """A personal feed's statements, built once (with parameters user_id,
    first and last): building and keying them again on every poll costs as
    much as running them."""
    mine = (
        Rsvp.user_id == sa.bindparam("user_id"),
        Rsvp.state.in_(_ANSWERED),
        *_in_window(sa.bindparam("first"), sa.bindparam("last")),
    )
    answered = sa.select(Event.id).join(Rsvp, Rsvp.event_id == Event.id).where(*mine)
    columns = (*(getattr(Event, c) for c in EVENT_COLUMNS), User.name, Rsvp.state, Rsvp.updated_at)
    return _FeedQueries(
        # Any answer: "not going" removes an event, so its time counts as a change.
        sa.select(sa.func.max(Rsvp.updated_at)).where(Rsvp.user_id == sa.bindparam("user_id")),
        sa.select(*(sa.type_coerce(c, sa.types.NullType()) for c in columns))
        .select_from(Event)
        .join(Rsvp, Rsvp.event_id == Event.id)
        .outerjoin(User, User.id == Event.organizer_id)
        .where(*mine)
        .order_by(Event.starts_at, Event.id),
        sa.select(event_specialty.c.event_id, Specialty.name)
        .join(Specialty, Specialty.id == event_specialty.c.specialty_id)
        .where(event_specialty.c.event_id.in_(answered))
        .order_by(event_specialty.c.event_id, *Event.specialties.property.order_by),
        tuple(c.type for c in columns),
    )


@lru_cache(maxsize=8)
def _converters(dialect: sa.Dialect) -> tuple:
    """For each column of a feed's event rows, the function that turns the
    database's value into the Python one (as a typed query would), or None."""
    return tuple(t.dialect_impl(dialect).result_processor(dialect, None) for t in _feed_queries().column_types)


def _converted(rows: tuple[tuple, ...], dialect: sa.Dialect) -> tuple[tuple, ...]:
    convert = _converters(dialect)
    return tuple((*(f(v) if f else v for f, v in zip(convert, row[:-1], strict=True)), row[-1]) for row in rows)


def personal_feed(
    session: Session, user_id: int, links: Links, now: datetime, name: str, pages: MentorshipLinks | None = None
) -> Export:
    """The events the member answered going, waitlisted or maybe, and the
    next meetings of their mentorships (`pages` links them), in the window:
    read as columns (four queries, whatever the number of events), and
    served from the kept feed when nothing in them changed."""
    answered, rows = _answered_events(session, user_id, now)
    meetings = next_meetings(session, user_id, *_window_bounds(now))
    feed = _personal_calendar(rows, links, name, session.get_bind().dialect, meetings, pages)
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


def _facts_and_answer(row: tuple) -> tuple[EventFacts, Answer]:
    """A row of _answered_events as describe_facts takes it."""
    columns = len(EVENT_COLUMNS)
    return EventFacts(*row[: columns + 1], row[-1]), Answer(*row[columns + 1 : -1])


class _Feed(NamedTuple):
    body: bytes
    etag: str
    last_change: datetime | None  # the newest of its events' stamps


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


def feed_cache(entries: int = CACHED_FEEDS, size: int = CACHED_FEED_BYTES) -> LRUCache:
    """A least-recently-used cache of feeds bounded by size; each feed counts
    at least size/entries, so that it also holds at most `entries` feeds."""
    floor = size // entries
    return LRUCache(maxsize=size, getsizeof=lambda feed: max(2 * len(feed.body), floor))


kept_feeds = feed_cache()
_kept_lock = threading.Lock()  # shared by the threads of a worker


def _personal_calendar(
    rows: tuple[tuple, ...], links: Links, name: str, dialect: sa.Dialect, meetings=(), pages=None
) -> _Feed:
    key = (rows, links, name, meetings, pages)
    with _kept_lock:
        feed = kept_feeds.get(key)
    if feed is not None:
        return feed
    items = []
    for row in _converted(rows, dialect):
        event, answer = _facts_and_answer(row)
        items.append(describe_facts(event, links, **answer_fields(event, answer)))
    items += [describe_meeting(meeting, links, pages) for meeting in meetings]
    body = build(IcsCalendar(items, name=name, refresh=REFRESH))
    feed = _Feed(body, etag_of(body), max((i.last_modified for i in items), default=None))
    with _kept_lock, contextlib.suppress(ValueError):  # (larger than all the room: served, not kept)
        kept_feeds[key] = feed
    return feed
