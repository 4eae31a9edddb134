"""Who of those going came: one definition for an event's attendee sheet,
its organizer's figures and the program's events. A member who came
without answering is checked in, not one of those going, so a show rate
never passes 100%. A member who deleted their account leaves their answer
and check-in without a name: those are paired, as many as both have."""

from __future__ import annotations

import sqlalchemy as sa

from eventsapp.attendance.models import CheckIn
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.states import RsvpState


def _count(stmt) -> sa.ColumnElement:
    return sa.func.coalesce(stmt.scalar_subquery(), 0)


def came_of_going(event_id) -> sa.ColumnElement:
    """Members going to the event `event_id` (a column of the enclosing
    query) who were checked in: four indexed counts, correlated."""
    named = _count(
        sa.select(sa.func.count(CheckIn.id))
        .join(Rsvp, sa.and_(Rsvp.event_id == CheckIn.event_id, Rsvp.user_id == CheckIn.user_id))
        .where(CheckIn.event_id == event_id, Rsvp.state == RsvpState.GOING)
    )
    unnamed_in = _count(
        sa.select(sa.func.count(CheckIn.id)).where(
            CheckIn.event_id == event_id, CheckIn.user_id.is_(None), CheckIn.guest_name.is_(None)
        )
    )
    unnamed_going = _count(
        sa.select(sa.func.count(Rsvp.id)).where(
            Rsvp.event_id == event_id, Rsvp.user_id.is_(None), Rsvp.state == RsvpState.GOING
        )
    )
    return named + sa.case((unnamed_in < unnamed_going, unnamed_in), else_=unnamed_going)


def paired(named: int, unnamed_going: int, unnamed_in: int) -> int:
    """The same count from rows already read: going members checked in, and
    deleted members' answers and check-ins paired."""
    return named + min(unnamed_going, unnamed_in)
