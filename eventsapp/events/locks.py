"""The event row as the lock that serialises changes to its counts (seats,
waitlist, check-ins): see eventsapp/transactions.py and docs/transactions.md."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.events.models import Event
from eventsapp.transactions import locked


def lock_event(session: Session, event_id: int) -> Event | None:
    """The event, locked against concurrent changes until commit, or None."""
    return session.scalar(locked(sa.select(Event).where(Event.id == event_id), Event))


def lock_events(session: Session, event_ids: list[int]) -> list[Event]:
    """Several events locked in id order, so two requests never deadlock."""
    statement = sa.select(Event).where(Event.id.in_(event_ids)).order_by(Event.id)
    return list(session.scalars(locked(statement, Event)))
