"""Events answer what accounts announce, in the sender's transaction.
Connected on import (eventsapp.connect_receivers)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import Role, User
from eventsapp.accounts.signals import account_deleting
from eventsapp.events.models import Event


@account_deleting.connect
def _hand_over_events(session: Session, *, user: User, **_) -> None:
    """Events the member organised pass to a co-organizer, or else to an admin."""
    admin = session.scalar(sa.select(User).where(User.role == Role.ADMIN, User.id != user.id).order_by(User.id))
    for event in session.scalars(
        sa.select(Event).where(Event.organizer_id == user.id).options(selectinload(Event.co_organizers))
    ):
        others = [u for u in event.co_organizers if u.id != user.id]
        event.organizer = others[0] if others else admin
        if others:
            event.co_organizers = others[1:]
