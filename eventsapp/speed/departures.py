"""Who left the evening before its end, as the organizer marks them ("Left
the evening", and "Back" to undo it): check-ins are never taken back, and
answers cannot change once the event has started, so this is how a re-plan
learns that a senior's table or an intern's seat is free. Marking someone
changes no seat: the organizer's next re-plan does (docs/speed-mentoring.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError
from eventsapp.speed.models import SpeedDeparture, SpeedSession
from eventsapp.speed.participants import present
from eventsapp.speed.planning import CANCELLED, ENDED, NOT_SET_UP
from eventsapp.speed.settings import locked_evening


@dataclass(frozen=True)
class Left:
    user_id: int
    name: str
    left_at: datetime


def _evening(session: Session, actor: User, event_id: int, now: datetime) -> SpeedSession:
    event, speed = locked_evening(session, actor, event_id)
    if speed is None or event.is_cancelled:
        session.rollback()
        raise DomainError(NOT_SET_UP if speed is None else CANCELLED)
    if speed.has_ended(now):
        session.rollback()
        raise DomainError(ENDED)
    return speed


def mark_left(session: Session, actor: User, event_id: int, user_id: int | None, now: datetime) -> str:
    """They left: the next re-plan leaves them out. Their name, for the message."""
    speed = _evening(session, actor, event_id, now)
    names = present(session, event_id).names
    if user_id not in names:
        session.rollback()
        raise DomainError("That person is not among the participants present: the page has changed since.")
    session.add(SpeedDeparture(session_id=speed.id, user_id=user_id, left_at=now))
    session.commit()
    return names[user_id]


def mark_back(session: Session, actor: User, event_id: int, user_id: int | None, now: datetime) -> str:
    """They are back (or were marked by mistake): the next re-plan seats them again."""
    speed = _evening(session, actor, event_id, now)
    name = session.scalar(
        sa.select(User.name)
        .join(SpeedDeparture, SpeedDeparture.user_id == User.id)
        .where(SpeedDeparture.session_id == speed.id, SpeedDeparture.user_id == user_id)
    )
    if name is None:
        session.rollback()
        raise DomainError("That person is not marked as gone: the page has changed since.")
    session.execute(
        sa.delete(SpeedDeparture).where(SpeedDeparture.session_id == speed.id, SpeedDeparture.user_id == user_id)
    )
    session.commit()
    return name


def departures(session: Session, speed_id: int) -> list[Left]:
    """Who left, in the order they left; one query."""
    rows = session.execute(
        sa.select(User.id, User.name, SpeedDeparture.left_at)
        .join(SpeedDeparture, SpeedDeparture.user_id == User.id)
        .where(SpeedDeparture.session_id == speed_id)
        .order_by(SpeedDeparture.left_at, User.name_key, User.id)
    )
    return [Left(*row) for row in rows]
