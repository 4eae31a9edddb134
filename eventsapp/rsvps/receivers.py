"""RSVPs answer what accounts and events announce, in the sender's
transaction. Connected on import (eventsapp.connect_receivers)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.signals import account_deleting
from eventsapp.events import signals as event_signals
from eventsapp.events.locks import lock_events
from eventsapp.events.models import Event
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.rsvps.services import going_count, promote_from_waitlist
from eventsapp.timeutil import utcnow


@event_signals.events_saved.connect
def _fill_free_seats(session: Session, *, events: list[Event], links=None, **_) -> None:
    """A larger capacity gives its seats to the waitlist at once."""
    for event in events:
        promote_from_waitlist(session, event, links=links)


@event_signals.checking_responses.connect
def _has_answers(session: Session, *, event_id: int, **_) -> bool:
    return bool(session.scalar(sa.select(sa.exists().where(Rsvp.event_id == event_id))))


@account_deleting.connect
def _give_up_places(session: Session, *, user: User, links=None, **_) -> None:
    """Places held for upcoming events are given up (the waitlist moves on);
    answers to past events stay, without a name, so counts stay right."""
    now = utcnow()
    mine = session.execute(
        sa.select(Rsvp.id, Rsvp.event_id, Rsvp.state, Event.ends_at)
        .join(Event, Event.id == Rsvp.event_id)
        .where(Rsvp.user_id == user.id)
    ).all()
    upcoming = [row for row in mine if row.ends_at > now]
    events = {e.id: e for e in lock_events(session, sorted({row.event_id for row in upcoming}))}
    session.execute(sa.delete(Rsvp).where(Rsvp.id.in_([row.id for row in upcoming])))
    session.execute(sa.update(Rsvp).where(Rsvp.user_id == user.id).values(user_id=None))
    session.flush()
    for row in upcoming:
        if row.state == RsvpState.GOING:
            promote_from_waitlist(session, events[row.event_id], links=links)


@event_signals.counting_seats.connect
def _seats_taken(session: Session, *, event_id: int, **_) -> int:
    return going_count(session, event_id)
