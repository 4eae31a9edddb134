"""Retention of attendee-level data (docs/retention.md): once an event ended
more than ATTENDEE_DATA_RETENTION_YEARS ago, who answered it, who came,
who was invited to it, and who sat with whom at its speed mentoring and
wished to meet again are removed; the event keeps its counts
(KeptAttendance), written in the transaction that deletes the rows, so the
organizers' and the program's figures of the event stay what they were.

It reaches into several domains (answers, check-ins, invitations,
reminders, speed mentoring), hence its layer above them all, just below the worker and
the CLI that run it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.attendance.models import CheckIn
from eventsapp.attendance.showrate import came_of_going
from eventsapp.audit import services as audit
from eventsapp.audit.models import Action
from eventsapp.events.locks import lock_events
from eventsapp.events.models import Event, EventStatus, KeptAttendance
from eventsapp.mentorships.models import Invitation
from eventsapp.notifications.models import EventReminder
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.states import RsvpState
from eventsapp.speed.models import SpeedDeparture, SpeedFollowUp, SpeedSeat, SpeedSession
from eventsapp.transactions import begin_write

#: Events purged per transaction: their rows are counted and deleted together.
BATCH = 50
#: The tables of attendee-level rows (what the CLI reports): each with an
#: event_id, or (speed mentoring) with the event's speed session. The
#: SpeedSession itself stays: its settings and quality figures name nobody.
ROWS = {
    "answers": Rsvp,
    "check_ins": CheckIn,
    "invitations": Invitation,
    "reminders_sent": EventReminder,
    "speed_seats": SpeedSeat,
    "speed_answers": SpeedFollowUp,
    "speed_departures": SpeedDeparture,
}
BY_SPEED_SESSION = (SpeedSeat, SpeedFollowUp, SpeedDeparture)
COUNTED = ("going", "waitlisted", "maybe", "declined", "checked_in", "guests", "came", "speed_pairs")


@dataclass
class Purged:
    """What a purge removed (or, dry, would remove)."""

    events: int = 0
    answers: int = 0
    check_ins: int = 0
    invitations: int = 0
    reminders_sent: int = 0
    speed_seats: int = 0
    speed_answers: int = 0
    speed_departures: int = 0  # who left an evening early, as the organizer marked them

    @property
    def events_phrase(self) -> str:
        return f"{self.events} event" if self.events == 1 else f"{self.events} events"

    def summary(self) -> str:
        said = (
            f"{self.answers} answers, {self.check_ins} check-ins, {self.invitations} invitations, "
            f"{self.reminders_sent} reminder records"
        )
        if self.speed_seats or self.speed_answers:
            said += f", {self.speed_seats} speed-mentoring seats, {self.speed_answers} meet-again answers"
        return said

    def add(self, other: Purged) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def cutoff(now: datetime, years: int) -> datetime:
    """The same moment `years` calendar years before `now` (29 February: the 28th)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def belonging_to(model, event_ids) -> sa.ColumnElement[bool]:
    """The model's rows that belong to these events (a list, or a select of ids)."""
    if model in BY_SPEED_SESSION:
        return model.session_id.in_(sa.select(SpeedSession.id).where(SpeedSession.event_id.in_(event_ids)))
    return model.event_id.in_(event_ids)


def _held_by_event(model) -> sa.Exists:
    """Whether the event of the enclosing query has rows of `model`."""
    if model in BY_SPEED_SESSION:
        return sa.exists().where(model.session_id == SpeedSession.id, SpeedSession.event_id == Event.id)
    return sa.exists().where(model.event_id == Event.id)


def _due(before: datetime) -> list:
    """Events that ended before `before` and still hold attendee-level rows."""
    return [Event.ends_at < before, sa.or_(*(_held_by_event(model) for model in ROWS.values()))]


def _speed_pairs():
    """Pairs who met at each event's speed mentoring, in the rounds held
    (SpeedSession.rounds_held): those started, or every one if none was."""
    paper = sa.and_(Event.status != EventStatus.CANCELLED, SpeedSession.current_round == 0)
    held = sa.or_(paper, SpeedSeat.round <= SpeedSession.current_round)
    return (
        sa.select(SpeedSession.event_id.label("event_id"), sa.func.count(SpeedSeat.id).label("pairs"))
        .join(SpeedSeat, SpeedSeat.session_id == SpeedSession.id)
        .join(Event, Event.id == SpeedSession.event_id)
        .where(held)
        .group_by(SpeedSession.event_id)
        .subquery()
    )


def _counts(session: Session, event_ids: list[int]) -> dict[int, dict[str, int]]:
    """The counts each event keeps, from its rows: one query."""
    states = [RsvpState.GOING, RsvpState.WAITLISTED, RsvpState.MAYBE, RsvpState.DECLINED]
    answers = sa.select(
        Rsvp.event_id.label("event_id"),
        *(sa.func.sum(sa.case((Rsvp.state == state, 1), else_=0)).label(state) for state in states),
    ).group_by(Rsvp.event_id)
    arrivals = sa.select(
        CheckIn.event_id.label("event_id"),
        sa.func.sum(sa.case((CheckIn.guest_name.is_(None), 1), else_=0)).label("members"),
        sa.func.sum(sa.case((CheckIn.guest_name.is_not(None), 1), else_=0)).label("guests"),
    ).group_by(CheckIn.event_id)
    answers, arrivals, pairs = answers.subquery(), arrivals.subquery(), _speed_pairs()
    stmt = (
        sa.select(
            Event.id,
            *(sa.func.coalesce(answers.c[state], 0) for state in states),
            sa.func.coalesce(arrivals.c.members, 0),
            sa.func.coalesce(arrivals.c.guests, 0),
            came_of_going(Event.id),
            sa.func.coalesce(pairs.c.pairs, 0),
        )
        .outerjoin(answers, answers.c.event_id == Event.id)
        .outerjoin(arrivals, arrivals.c.event_id == Event.id)
        .outerjoin(pairs, pairs.c.event_id == Event.id)
        .where(Event.id.in_(event_ids))
    )
    return {row[0]: dict(zip(COUNTED, (int(v) for v in row[1:]), strict=True)) for row in session.execute(stmt)}


def _keep(session: Session, event_ids: list[int], now: datetime) -> None:
    """Write the events' counts: a new row, or added to the one an earlier
    purge kept (rows recorded since, such as a late check-in from paper).
    A member checked in after the purge adds to checked_in, never to came:
    their answer was removed, so whether they were going cannot be known,
    and the show rate (came of going) stays as it was."""
    earlier = session.scalars(sa.select(KeptAttendance).where(KeptAttendance.event_id.in_(event_ids)))
    kept = {k.event_id: k for k in earlier}
    for event_id, counts in _counts(session, event_ids).items():
        row = kept.get(event_id)
        if row is None:
            session.add(KeptAttendance(event_id=event_id, purged_at=now, **counts))
            continue
        for name, value in counts.items():
            setattr(row, name, getattr(row, name) + value)
        row.purged_at = now
    session.flush()


def purge_batch(session: Session, before: datetime, now: datetime, batch: int = BATCH) -> Purged:
    """One transaction: up to `batch` due events locked (no check-in or
    answer lands between counting and deleting), their counts kept, their
    rows deleted. Nothing due: nothing written."""
    begin_write(session)
    due = session.scalars(sa.select(Event.id).where(*_due(before)).order_by(Event.id).limit(batch)).all()
    if not due:
        session.rollback()
        return Purged()
    event_ids = [event.id for event in lock_events(session, list(due))]
    _keep(session, event_ids, now)
    removed = {
        name: session.execute(sa.delete(model).where(belonging_to(model, event_ids))).rowcount
        for name, model in ROWS.items()
    }
    done = Purged(events=len(event_ids), **removed)
    audit.record(
        session,
        actor=None,
        label="Retention of attendee data",
        action=Action.ATTENDEE_DATA_REMOVED,
        subject=f"{done.events_phrase} that ended before {before:%Y-%m-%d}",
        detail=done.summary(),
        at=now,
    )
    session.commit()
    return done


def purge(session: Session, now: datetime, years: int, *, max_batches: int | None = None) -> Purged:
    """Purge every due event, a batch per transaction (bounded memory);
    `max_batches` leaves the rest for the next run. `years` 0 or less:
    nothing is removed."""
    total = Purged()
    if years <= 0:
        return total
    before, done = cutoff(now, years), 0
    while max_batches is None or done < max_batches:
        purged = purge_batch(session, before, now)
        total.add(purged)
        done += 1
        if purged.events == 0:
            break
    return total


def would_purge(session: Session, now: datetime, years: int) -> Purged:
    """What `purge` would remove now, counted in the database (a dry run)."""
    if years <= 0:
        return Purged()
    due = sa.select(Event.id).where(*_due(cutoff(now, years)))
    counts = {
        name: session.scalar(sa.select(sa.func.count()).select_from(model).where(belonging_to(model, due)))
        for name, model in ROWS.items()
    }
    events = session.scalar(sa.select(sa.func.count()).select_from(due.subquery()))
    session.rollback()
    return Purged(events=events, **counts)
