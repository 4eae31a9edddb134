"""Events that make introductions: for each event of the academic year,
and each series, the members going, the show rate, the introductions
asked by people who went (within 7 days) and the meetings logged at it,
ranked. Two queries, whatever the number of events (docs/program.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.attendance.models import CheckIn
from eventsapp.attendance.showrate import came_of_going
from eventsapp.events.models import Event, EventStatus, KeptAttendance
from eventsapp.introductions.models import IntroRequest
from eventsapp.mentorships.models import Meeting, Mentorship
from eventsapp.program.coordinators import Scope
from eventsapp.program.funnel import interns
from eventsapp.program.privacy import SMALLEST_SHOWN
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.states import RsvpState

#: How long after an event a request still counts as coming of it.
WINDOW = timedelta(days=7)
#: Rows the page shows of each list; the CSV holds them all.
SHOWN = 50


@dataclass(frozen=True)
class Yield:
    """One event, or one series (`events` its occurrences counted)."""

    id: int
    title: str
    starts_at: datetime | None  # the event's start; a series' first in the year
    events: int
    going: int
    going_past: int  # going to those of them that have ended
    came: int  # checked in at those that have ended
    introductions: int
    meetings: int

    @property
    def show_rate(self) -> int | None:
        return round(100 * self.came / self.going_past) if self.going_past else None


def _week_after(column, dialect: str):
    if dialect == "sqlite":  # stored as text; datetime() keeps the same order
        return sa.func.datetime(column, f"+{WINDOW.days} days")
    return column + sa.literal(WINDOW, sa.Interval())


def _count(stmt) -> sa.ScalarSelect:
    return sa.func.coalesce(stmt.scalar_subquery(), 0)


def _a_member(check_in) -> sa.ColumnElement:
    """A member's check-in, not a walk-in guest's: one whose account was
    deleted since stays, anonymised (no name either), and still counts."""
    return sa.or_(check_in.user_id.is_not(None), check_in.guest_name.is_(None))


def _own(scope: Scope, intern_id) -> list:
    """A coordinator of departments counts the introductions and meetings
    of their own interns only: of others they would learn small numbers."""
    return [] if scope.whole_hospital else [intern_id.in_(interns(scope))]


def _private(scope: Scope, going_past: int, came: int) -> tuple[int, int]:
    """Outside the whole hospital a show rate of fewer than 5 going is not
    shown: it would tell how many people of other departments came."""
    return (going_past, came) if scope.whole_hospital or going_past >= SMALLEST_SHOWN else (0, 0)


def _held(scope: Scope, start: datetime, now: datetime) -> list:
    """The events a page counts: scheduled, begun this year, in the scope."""
    found = [Event.status == EventStatus.SCHEDULED, Event.starts_at >= start, Event.starts_at <= now]
    if not scope.whole_hospital:
        found.append(sa.or_(Event.department_id.is_(None), Event.department_id.in_(sorted(scope.department_ids))))
    return found


def _went(held: list) -> sa.Subquery:
    """(event, member) for each member who went to a counted event: checked
    in, or, where no member was checked in at it, going. The two parts
    never share an event, so each pair comes once."""
    member_in = sa.select(CheckIn.id).where(CheckIn.event_id == Event.id, _a_member(CheckIn))
    checked = (
        sa.select(CheckIn.event_id.label("event_id"), CheckIn.user_id.label("user_id"))
        .join(Event, Event.id == CheckIn.event_id)
        .where(*held, CheckIn.user_id.is_not(None))
    )
    going = (
        sa.select(Rsvp.event_id, Rsvp.user_id)
        .join(Event, Event.id == Rsvp.event_id)
        .where(*held, Rsvp.state == RsvpState.GOING, Rsvp.user_id.is_not(None), ~sa.exists(member_in))
    )
    return sa.union_all(checked, going).subquery("went")


def _introductions(scope: Scope, held: list, dialect: str) -> sa.Subquery:
    """Per event, the requests asked from its start to a week after its end
    by members who went: grouped once over the pairs who went, rather than
    every request of the week tested against every event."""
    went = _went(held)
    return (
        sa.select(went.c.event_id, sa.func.count(IntroRequest.id).label("n"))
        .join(Event, Event.id == went.c.event_id)
        .join(
            IntroRequest,
            sa.and_(
                IntroRequest.requester_id == went.c.user_id,
                IntroRequest.created_at >= Event.starts_at,
                IntroRequest.created_at < _week_after(Event.ends_at, dialect),
            ),
        )
        .where(*_own(scope, IntroRequest.requester_id))
        .group_by(went.c.event_id)
        .subquery("asked")
    )


def _per_event(scope: Scope, start: datetime, now: datetime, dialect: str):
    """A row per event begun this year in the scope, with its counts."""
    held = _held(scope, start, now)
    asked = _introductions(scope, held, dialect)
    ended = Event.ends_at <= now
    # An event whose attendee-level rows were removed kept its counts
    # (docs/retention.md); who went is gone, so its introductions are not.
    kept = [
        sa.select(column).where(KeptAttendance.event_id == Event.id)
        for column in (KeptAttendance.going, KeptAttendance.came)
    ]
    going = _count(sa.select(sa.func.count(Rsvp.id)).where(Rsvp.event_id == Event.id, Rsvp.state == RsvpState.GOING))
    going = going + _count(kept[0])
    came = came_of_going(Event.id) + _count(kept[1])
    return (
        sa.select(
            Event.id.label("id"),
            Event.title.label("title"),
            Event.starts_at.label("starts_at"),
            Event.series_id.label("series_id"),
            going.label("going"),
            sa.case((ended, going), else_=0).label("going_past"),
            sa.case((ended, came), else_=0).label("came"),
            sa.func.coalesce(asked.c.n, 0).label("introductions"),
            _count(
                sa.select(sa.func.count(Meeting.id))
                .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
                .where(Meeting.event_id == Event.id, *_own(scope, Mentorship.intern_id))
            ).label("meetings"),
        )
        .outerjoin(asked, asked.c.event_id == Event.id)
        .where(*held)
    )


def _ranked(*columns):
    introductions, meetings, going, starts_at, key = columns
    return (introductions.desc(), meetings.desc(), going.desc(), starts_at.desc(), key)


def by_event(session: Session, scope: Scope, *, start: datetime, now: datetime, limit: int | None) -> list[Yield]:
    """The events, best at making introductions first: one query."""
    rows = _per_event(scope, start, now, session.get_bind().dialect.name).subquery()
    stmt = sa.select(rows).order_by(
        *_ranked(rows.c.introductions, rows.c.meetings, rows.c.going, rows.c.starts_at, rows.c.id)
    )
    return [
        Yield(
            r.id, r.title, r.starts_at, 1, r.going, *_private(scope, r.going_past, r.came), r.introductions, r.meetings
        )
        for r in session.execute(stmt.limit(limit))
    ]


def by_series(session: Session, scope: Scope, *, start: datetime, now: datetime, limit: int | None) -> list[Yield]:
    """The series, their occurrences of the year added up: one query."""
    rows = _per_event(scope, start, now, session.get_bind().dialect.name).subquery()
    sums = [
        sa.func.sum(rows.c[name]).label(name) for name in ("going", "going_past", "came", "introductions", "meetings")
    ]
    first = sa.func.min(rows.c.starts_at).label("first")
    stmt = (
        sa.select(rows.c.series_id, sa.func.min(rows.c.title), first, sa.func.count(), *sums)
        .where(rows.c.series_id.is_not(None))
        .group_by(rows.c.series_id)
    )
    introductions, meetings, going = sums[3], sums[4], sums[0]
    stmt = stmt.order_by(*_ranked(introductions, meetings, going, first, rows.c.series_id))
    found = []
    for series_id, title, first_at, n, *values in session.execute(stmt.limit(limit)):
        going, going_past, came, introductions, meetings = (int(v or 0) for v in values)
        found.append(
            Yield(
                series_id, title, first_at, int(n), going, *_private(scope, going_past, came), introductions, meetings
            )
        )
    return found


EVENTS_HEADER = ["Event", "Starts", "Going", "Show rate (%)", "Introductions within 7 days", "Meetings logged at it"]
SERIES_HEADER = ["Series", "Events", "Going", "Show rate (%)", "Introductions within 7 days", "Meetings logged at them"]


def csv_rows(found: list[Yield], to_day, *, series: bool) -> list[list]:
    """The rows of either list for CSV; `to_day` turns a moment into the hospital's date."""
    return [
        [
            y.title,
            y.events if series else to_day(y.starts_at),
            y.going,
            "" if y.show_rate is None else y.show_rate,
            y.introductions,
            y.meetings,
        ]
        for y in found
    ]
