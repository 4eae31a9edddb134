"""The waitlist's peak: the most people waiting for a seat at once, kept on
the event because the waitlist leaves no history (docs/program.md)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.events.models import Event
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.states import RsvpState


def raise_waitlist_peak(session: Session, event_id: int) -> None:
    """Raise the event's peak to its waitlist now, if that is higher. One
    UPDATE that counts and compares in the database, so two writers cannot
    lower it; callers hold the event's lock anyway (transactions.py)."""
    waiting = (
        sa.select(sa.func.count())
        .select_from(Rsvp)
        .where(Rsvp.event_id == event_id, Rsvp.state == RsvpState.WAITLISTED)
        .scalar_subquery()
    )
    # SQLite's max() of two values is PostgreSQL's greatest().
    larger = sa.func.greatest if session.get_bind().dialect.name == "postgresql" else sa.func.max
    session.execute(
        sa.update(Event)
        .where(Event.id == event_id)
        .values(waitlist_peak=larger(Event.waitlist_peak, waiting))
        .execution_options(synchronize_session="fetch")
    )
