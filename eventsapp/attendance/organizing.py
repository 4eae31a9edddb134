"""Events I organize: an organizer's own events, upcoming or past, with how
many are going, waiting and checked in. A fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload

from eventsapp.attendance.models import CheckIn
from eventsapp.events.models import Event, KeptAttendance, event_co_organizer
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.sqlids import in_ids

UPCOMING, PAST = "upcoming", "past"
SCOPES = {UPCOMING: "Upcoming", PAST: "Past"}


@dataclass(frozen=True)
class OrganizedRow:
    event: Event
    going: int
    waitlisted: int
    checked_in: int


@dataclass(frozen=True)
class OrganizedPage:
    items: list[OrganizedRow]
    page: int
    pages: int
    total: int


def organized_events(
    session: Session, user_id: int, now: datetime, *, scope: str = UPCOMING, page: int = 1, per_page: int = 20
) -> OrganizedPage:
    """The events `user_id` organizes or co-organizes: upcoming ones soonest
    first, past ones latest first."""
    past = scope == PAST
    count, events_query = _queries(past)
    params = {"user_id": user_id, "now": now}
    total = session.scalar(count, params) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    events = list(session.scalars(events_query, params | {"limit": per_page, "offset": (page - 1) * per_page}))
    counts = _counts(session, [e.id for e in events])
    return OrganizedPage([OrganizedRow(e, *counts.get(e.id, (0, 0, 0))) for e in events], page, pages, total)


@lru_cache(maxsize=2)
def _queries(past: bool):
    """The count and page statements (parameters user_id, now, limit, offset), built once."""
    user_id = sa.bindparam("user_id")
    co_organized = sa.select(event_co_organizer.c.event_id).where(event_co_organizer.c.user_id == user_id)
    mine = sa.or_(Event.organizer_id == user_id, Event.id.in_(co_organized))
    when = Event.ends_at < sa.bindparam("now") if past else Event.ends_at >= sa.bindparam("now")
    count = sa.select(sa.func.count()).select_from(Event).where(mine, when)
    order = (Event.starts_at.desc(), Event.id.desc()) if past else (Event.starts_at, Event.id)
    rows = (
        sa.select(Event)
        .where(mine, when)
        .order_by(*order)
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
        .options(lazyload(Event.organizer))
    )
    return count, rows


def _counts(session: Session, event_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """Going, waitlisted and checked in, for each of the events: one query."""
    if not event_ids:
        return {}
    dialect = session.get_bind().dialect.name
    return {
        event_id: (int(going or 0), int(waiting or 0), int(came or 0))
        for event_id, going, waiting, came in session.execute(_counts_query(dialect), {"ids": event_ids})
    }


@lru_cache(maxsize=2)
def _counts_query(dialect: str):
    answers = (
        sa.select(
            Rsvp.event_id.label("event_id"),
            sa.func.sum(sa.case((Rsvp.state == RsvpState.GOING, 1), else_=0)).label("going"),
            sa.func.sum(sa.case((Rsvp.state == RsvpState.WAITLISTED, 1), else_=0)).label("waiting"),
            sa.literal(0).label("came"),
        )
        .where(in_ids(Rsvp.event_id, "ids", dialect))
        .group_by(Rsvp.event_id)
    )
    arrivals = (
        sa.select(CheckIn.event_id, sa.literal(0), sa.literal(0), sa.func.count())
        .where(in_ids(CheckIn.event_id, "ids", dialect))
        .group_by(CheckIn.event_id)
    )
    # An event whose attendee-level rows were removed kept its counts (docs/retention.md).
    kept = sa.select(
        KeptAttendance.event_id,
        KeptAttendance.going,
        KeptAttendance.waitlisted,
        KeptAttendance.checked_in + KeptAttendance.guests,
    ).where(in_ids(KeptAttendance.event_id, "ids", dialect))
    both = sa.union_all(answers, arrivals, kept).subquery()
    return sa.select(
        both.c.event_id, sa.func.sum(both.c.going), sa.func.sum(both.c.waiting), sa.func.sum(both.c.came)
    ).group_by(both.c.event_id)
