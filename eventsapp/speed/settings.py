"""Turning an event into a speed-mentoring evening, changing its settings,
and turning it off again. Every change runs under the event's lock and the
session's version (the optimistic lock in models.py): an organizer who acted
on a page someone else has changed since is told so, and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.events.locks import lock_event
from eventsapp.events.models import Event
from eventsapp.speed import models as m
from eventsapp.speed.models import SpeedSeat, SpeedSession
from eventsapp.transactions import begin_write

#: Once the event has ended its evening is history: nothing in it changes.
ENDED = "This evening has ended: its rounds are kept as they were held."
#: What the form offers before anything is saved.
DEFAULTS = {"rounds": 6, "round_minutes": 8, "break_minutes": 2, "tables": 10, "seats_per_table": 3}


class Stale(DomainError):
    """Someone else changed the evening since this page was shown."""


@dataclass(frozen=True)
class Settings:
    rounds: int
    round_minutes: int
    break_minutes: int
    tables: int
    seats_per_table: int


#: Each setting's bounds and how the message names it (the database keeps the same).
BOUNDS = {
    "rounds": (1, m.ROUNDS_MAX, "Rounds"),
    "round_minutes": (m.ROUND_MINUTES_MIN, m.ROUND_MINUTES_MAX, "Minutes per round"),
    "break_minutes": (0, m.BREAK_MINUTES_MAX, "Minutes between rounds"),
    "tables": (1, m.TABLES_MAX, "Tables"),
    "seats_per_table": (1, m.SEATS_MAX, "Interns per table"),
}


def check(settings: Settings) -> None:
    """Each setting within its bounds, or a DomainError naming the field."""
    for name, (low, high, label) in BOUNDS.items():
        value = getattr(settings, name)
        if not isinstance(value, int) or not low <= value <= high:
            raise DomainError(f"{label} must be a whole number from {low} to {high}.", field=name)


def locked_evening(session: Session, actor: User, event_id: int) -> tuple[Event, SpeedSession | None]:
    """The event, locked until commit, and its speed session if any; only
    for its organizers."""
    begin_write(session)
    event = lock_event(session, event_id)
    if event is None:
        raise NotFound("No such event.")
    if not event.is_organized_by(actor):
        raise NotAllowed("Only this event's organizers can run its speed mentoring.")
    speed = session.scalar(sa.select(SpeedSession).where(SpeedSession.event_id == event_id))
    return event, speed


def claim(session: Session, speed: SpeedSession, seen: int | None, message: str, now: datetime) -> None:
    """Take the next version if the page's is still current
    (UPDATE ... WHERE version = seen): otherwise someone else acted first."""
    done = session.execute(
        sa.update(SpeedSession)
        .where(SpeedSession.id == speed.id, SpeedSession.version == seen)
        .values(version=SpeedSession.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if seen is None or done.rowcount != 1:
        session.rollback()
        raise Stale(message)
    session.refresh(speed)


def save_settings(
    session: Session,
    actor: User,
    event_id: int,
    settings: Settings,
    seen: int | None,
    now: datetime,
    then: Callable[[SpeedSession], None] | None = None,
) -> SpeedSession:
    """Set the evening up, or change its settings. Rounds already held or
    under way stay as they were: the evening cannot have fewer rounds than
    that, and seats planned beyond a smaller number of rounds go. `then`
    runs in the same transaction, before it commits (planning re-plans the
    rounds to come with it)."""
    check(settings)
    event, speed = locked_evening(session, actor, event_id)
    if event.is_cancelled:
        session.rollback()
        raise DomainError("This event was cancelled: it has no speed mentoring.")
    if speed is None:
        speed = SpeedSession(event_id=event.id, created_by_id=actor.id, created_at=now, updated_at=now)
        session.add(speed)
    else:
        if speed.has_ended(now):
            session.rollback()
            raise DomainError(ENDED)
        held = speed.rounds_held(now)
        if settings.rounds < held:
            session.rollback()
            raise DomainError(
                f"Round {held} has started: the evening cannot have fewer rounds than that.", field="rounds"
            )
        claim(session, speed, seen, "Someone else changed this evening a moment ago; here are its settings now.", now)
        session.execute(sa.delete(SpeedSeat).where(SpeedSeat.session_id == speed.id, SpeedSeat.round > settings.rounds))
    for name in BOUNDS:
        setattr(speed, name, getattr(settings, name))
    if then is not None:
        then(speed)
    try:
        session.commit()
    except sa.exc.IntegrityError:  # two organizers set it up at once: the other won
        session.rollback()
        raise Stale("Someone else set up this evening a moment ago; here are its settings.") from None
    return speed


def turn_off(session: Session, actor: User, event_id: int, seen: int | None, now: datetime) -> None:
    """The event is no longer a speed-mentoring evening: its settings and plan
    go. Refused once a round has started: participants met, and they will be
    asked whom they would like to meet again, from those very seats (and
    once the event has ended, every round counts as held if none was started)."""
    _, speed = locked_evening(session, actor, event_id)
    if speed is None:
        session.rollback()
        return
    if speed.has_ended(now):
        session.rollback()
        raise DomainError(ENDED)
    if speed.rounds_held(now) > 0:
        session.rollback()
        raise DomainError(
            "Round 1 has started: the schedule stays, so that participants can say whom they would like to meet again."
        )
    claim(session, speed, seen, "Someone else changed this evening a moment ago; here it is now.", now)
    session.delete(speed)
    session.commit()
