"""Who organizes an event, and so may change it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import Role, User
from eventsapp.errors import NotAllowed
from eventsapp.events.models import Event


def require_organizer(event: Event, actor: User) -> None:
    if not event.is_organized_by(actor):
        raise NotAllowed("Only this event's organizers can do that.")


def organizer_choices(session: Session) -> list[User]:
    """People who can be co-organizers: organizers and admins."""
    return list(
        session.scalars(
            sa.select(User).where(User.role.in_((Role.ORGANIZER, Role.ADMIN))).order_by(User.name_key, User.id)
        )
    )
