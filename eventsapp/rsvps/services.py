"""Answering events: going, maybe, not going; the waitlist and promotion.

Every change runs under the event's lock (see eventsapp/transactions.py),
so the count of people going is read and acted on by one request at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotFound
from eventsapp.events.links import EventLinks
from eventsapp.events.locks import lock_event, lock_events
from eventsapp.events.models import Event, EventStatus
from eventsapp.rsvps import rules, signals
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.rsvps.peaks import raise_waitlist_peak
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write


class RsvpClosed(DomainError):
    pass


class EventChangedSinceViewed(DomainError):
    pass


@dataclass(frozen=True)
class Outcome:
    state: str
    changed: bool
    waitlist_position: int | None = None


def going_count(session: Session, event_id: int) -> int:
    return session.scalar(
        sa.select(sa.func.count()).select_from(Rsvp).where(Rsvp.event_id == event_id, Rsvp.state == RsvpState.GOING)
    )


def waitlist_position(session: Session, rsvp: Rsvp) -> int | None:
    """1 for the next person to get a seat."""
    if rsvp.state != RsvpState.WAITLISTED:
        return None
    ahead = session.scalar(
        sa.select(sa.func.count())
        .select_from(Rsvp)
        .where(
            Rsvp.event_id == rsvp.event_id,
            Rsvp.state == RsvpState.WAITLISTED,
            sa.or_(Rsvp.queued_at < rsvp.queued_at, sa.and_(Rsvp.queued_at == rsvp.queued_at, Rsvp.id < rsvp.id)),
        )
    )
    return ahead + 1


def find_rsvp(session: Session, event_id: int, user_id: int) -> Rsvp | None:
    return session.scalar(sa.select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.user_id == user_id))


def respond(
    session: Session,
    user: User,
    event_id: int,
    requested: str,
    *,
    seen_revision: int | None = None,
    now: datetime | None = None,
    links: EventLinks | None = None,
    within: Callable[[Session, Rsvp], None] | None = None,
) -> Outcome:
    """Record `user`'s answer to one event. Raises RsvpClosed, NotFound, or
    EventChangedSinceViewed when 'going' was chosen on a page showing an
    older version of the event (its time or place may have moved). `links`:
    how to link the event in what is sent about it. `within`: a caller's
    change saved with the answer or not at all, run under the event's lock
    before the commit (an invitation answered by this RSVP)."""
    if requested not in RsvpState.CHOICES:
        raise DomainError("Choose going, maybe or not going.")
    begin_write(session)
    event = lock_event(session, event_id)
    if event is None:
        raise NotFound("No such event.")
    # Read the clock once the lock is held: the waitlist is in lock order.
    now = now or utcnow()
    if seen_revision is not None and seen_revision != event.revision and requested == RsvpState.GOING:
        raise EventChangedSinceViewed(
            "This event changed after you opened the page. Check the new details, then answer again."
        )
    rsvp, changed = _answer(session, event, user, requested, now, links)
    position = waitlist_position(session, rsvp)  # before others can queue behind
    if changed and rsvp.state == RsvpState.GOING:
        signals.seat_confirmed.send(session, event=event, user=user, rsvp=rsvp, links=links)
    elif changed and rsvp.state == RsvpState.WAITLISTED:
        signals.waitlisted.send(session, event=event, user=user, rsvp=rsvp, links=links)
    outcome = Outcome(rsvp.state, changed, position)  # read before the commit expires the row
    if within is not None:
        within(session, rsvp)
    session.commit()
    return outcome


def respond_to_series(
    session: Session,
    user: User,
    series_id: int,
    requested: str,
    *,
    now: datetime | None = None,
    links: EventLinks | None = None,
) -> dict[str, int]:
    """One answer for every future occurrence still taking answers. Returns
    how many occurrences landed in each state."""
    if requested not in RsvpState.CHOICES:
        raise DomainError("Choose going, maybe or not going.")
    begin_write(session)
    now = now or utcnow()
    ids = list(
        session.scalars(
            sa.select(Event.id).where(
                Event.series_id == series_id, Event.starts_at > now, Event.status == EventStatus.SCHEDULED
            )
        )
    )
    if not ids:
        raise RsvpClosed("This series has no upcoming meetings left to answer.")
    counts: dict[str, int] = {}
    for event in lock_events(session, ids):
        if _closing(event, now):
            continue
        state = _answer(session, event, user, requested, now, links)[0].state
        counts[state] = counts.get(state, 0) + 1
    session.commit()
    return counts


def _closing(event: Event, now: datetime) -> str | None:
    return rules.closing_reason(
        cancelled=event.is_cancelled,
        starts_at=event.starts_at,
        deadline=event.rsvp_deadline,
        now=now,
        ends_at=event.ends_at,
    )


def _answer(
    session: Session, event: Event, user: User, requested: str, now: datetime, links: EventLinks | None
) -> tuple[Rsvp, bool]:
    """Apply one answer to a locked event; the caller commits. Returns the
    RSVP and whether anything changed."""
    reason = _closing(event, now)
    if reason:
        raise RsvpClosed(reason)
    rsvp = find_rsvp(session, event.id, user.id)
    if rsvp is not None and rules.is_same_answer(rsvp.state, requested):
        return rsvp, False
    was_going = rsvp is not None and rsvp.state == RsvpState.GOING
    going = going_count(session, event.id)
    state = rules.landing_state(requested, going=going - (1 if was_going else 0), capacity=event.capacity)
    if rsvp is None:
        rsvp = Rsvp(event_id=event.id, user_id=user.id, created_at=now)
        session.add(rsvp)
    rsvp.state, rsvp.updated_at = state, now
    rsvp.revision = (rsvp.revision or 0) + 1
    # The member's copy of the event changes: its SEQUENCE and stamp.
    event.answer_changes, event.updated_at = event.answer_changes + 1, now
    rsvp.queued_at = now if state == RsvpState.WAITLISTED else None
    session.flush()
    if state == RsvpState.WAITLISTED:
        raise_waitlist_peak(session, event.id)
    if was_going and state != RsvpState.GOING:
        # The seat this answer freed goes to the first in line, in this same transaction.
        promote_from_waitlist(session, event, going=going - 1, counted=True, links=links)
    return rsvp, True


def promote_from_waitlist(
    session: Session, event: Event, *, going: int | None = None, counted: bool = False, links: EventLinks | None = None
) -> list[User]:
    """Give free seats to the waitlist, first come first served, and
    announce it (they are told). Called under the event's lock (`going`: the
    count under it, when the caller has it); the caller commits."""
    if event.is_cancelled:
        return []
    if going is None:
        going = going_count(session, event.id)
    waiting = list(
        session.scalars(
            sa.select(Rsvp)
            .where(Rsvp.event_id == event.id, Rsvp.state == RsvpState.WAITLISTED)
            .order_by(Rsvp.queued_at, Rsvp.id)
        )
    )
    seats = rules.free_seats(going=going, capacity=event.capacity, waiting=len(waiting))
    promoted = waiting[:seats]
    now = utcnow()
    for rsvp in promoted:
        rsvp.state, rsvp.queued_at, rsvp.updated_at = RsvpState.GOING, None, now
        rsvp.revision += 1
    if promoted and not counted:
        # One change of answers for the calendar (`counted`: the caller's
        # own answer, in this transaction, already raised it).
        event.answer_changes, event.updated_at = event.answer_changes + 1, now
    session.flush()
    named = [r for r in promoted if r.user is not None]
    if named:
        signals.promoted.send(session, event=event, rsvps=named, links=links)
    return [r.user for r in named]


def describe_series_answer(counts: dict[str, int]) -> str:
    """'Answered 12 meetings: going to 10, on the waitlist for 2.'"""
    total = sum(counts.values())
    parts = [
        f"{words} {counts[state]}"
        for state, words in (
            (RsvpState.GOING, "going to"),
            (RsvpState.WAITLISTED, "on the waitlist for"),
            (RsvpState.MAYBE, "maybe for"),
            (RsvpState.DECLINED, "not going to"),
        )
        if counts.get(state)
    ]
    noun = "meeting" if total == 1 else "meetings"
    return f"Answered {total} upcoming {noun}: {', '.join(parts)}."


def set_approachable(session: Session, user: User, event_id: int, approachable: bool) -> Rsvp:
    """A senior going to an event wears the ribbon: happy to be approached
    there by interns (or takes it off)."""
    if not user.profile.can_mentor:
        raise DomainError("Residents and more senior colleagues can offer to be approached.")
    rsvp = find_rsvp(session, event_id, user.id)
    if rsvp is None or rsvp.state != RsvpState.GOING:
        raise DomainError("Answer 'going' first, then say you're happy to be approached there.")
    rsvp.approachable = approachable
    session.commit()
    return rsvp
