"""A senior invites an intern they are connected with to an upcoming event;
the intern answers going (their ordinary RSVP, by the rsvps service, so
seats and the waitlist hold) or not going, and the senior is told. The
notices are the receivers' (notifications/invitation_notices.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotFound
from eventsapp.events.links import EventLinks
from eventsapp.events.locks import lock_event
from eventsapp.events.models import Event, EventStatus
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.mentorships import signals
from eventsapp.mentorships.links import InvitationLinks
from eventsapp.mentorships.models import INVITATION_NOTE_MAX, Invitation, InvitationState, Mentorship, MentorshipStatus
from eventsapp.rsvps import rules
from eventsapp.rsvps import services as rsvps
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.states import RsvpState
from eventsapp.text import clean
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write, locked

#: How many upcoming events the invitation form offers, soonest first.
EVENTS_OFFERED = 40


def connected_intern_ids(senior_id: int):
    """A select of the colleagues a senior may invite: those whose
    introduction they accepted (still open) or whom they mentor (active)."""
    introduced = sa.select(IntroRequest.requester_id).where(
        IntroRequest.senior_id == senior_id, IntroRequest.status == RequestStatus.ACCEPTED
    )
    mentored = sa.select(Mentorship.intern_id).where(
        Mentorship.mentor_id == senior_id,
        Mentorship.status == MentorshipStatus.ACTIVE,
        Mentorship.intern_id.isnot(None),
    )
    return sa.union(introduced, mentored)


def is_connected(session: Session, senior_id: int, intern_id: int) -> bool:
    return intern_id in set(session.scalars(connected_intern_ids(senior_id)))


def upcoming_events(session: Session, now: datetime, limit: int = EVENTS_OFFERED) -> list[Event]:
    """The events an intern can still be invited to, soonest first."""
    return list(
        session.scalars(
            sa.select(Event)
            .where(
                Event.status == EventStatus.SCHEDULED,
                Event.starts_at > now,
                sa.or_(Event.rsvp_deadline.is_(None), Event.rsvp_deadline > now),
            )
            .order_by(Event.starts_at, Event.id)
            .limit(limit)
        )
    )


def _refusal(event: Event | None, now: datetime) -> str | None:
    """Why nobody can be invited to this event (or answer an invitation to it)."""
    if event is None:
        return "Choose one of the upcoming events."
    if event.is_cancelled:
        return f"{event.title} was cancelled."
    return rules.closing_reason(
        cancelled=False, starts_at=event.starts_at, deadline=event.rsvp_deadline, now=now, ends_at=event.ends_at
    )


def invite(
    session: Session,
    senior: User,
    intern_id: int,
    event_id: int | None,
    note: str,
    now: datetime | None = None,
    *,
    links: InvitationLinks | None = None,
) -> Invitation:
    """Invite a connected intern to an upcoming event, once; they are told."""
    note = clean(note, multiline=True)
    if len(note) > INVITATION_NOTE_MAX:
        raise DomainError(f"Keep the note under {INVITATION_NOTE_MAX} characters.", field="note")
    now = now or utcnow()
    begin_write(session)
    intern = session.get(User, intern_id)
    if intern is None or intern.id == senior.id:
        raise NotFound("No such colleague.")
    if not is_connected(session, senior.id, intern.id):
        raise DomainError(f"You can invite only colleagues you are connected with, and {intern.name} is not one.")
    event = session.get(Event, event_id) if event_id else None
    reason = _refusal(event, now)
    if reason:
        raise DomainError(f"{reason} Choose an upcoming event.", field="event_id")
    invited_before = sa.select(Invitation.id).where(
        Invitation.event_id == event.id, Invitation.senior_id == senior.id, Invitation.intern_id == intern.id
    )
    twice = DomainError(f"You already invited {intern.name} to {event.title}.", field="event_id")
    if session.scalar(invited_before) is not None:
        raise twice
    invitation = Invitation(event=event, senior=senior, intern=intern, note=note, created_at=now)
    session.add(invitation)
    try:
        session.flush()
    except IntegrityError as exc:  # the same invitation, sent at the same moment
        session.rollback()
        raise twice from exc
    signals.invitation_sent.send(invitation, session=session, links=links or InvitationLinks())
    session.commit()
    return invitation


def invitation_for(session: Session, user_id: int, invitation_id: int) -> Invitation:
    """An invitation, for its intern or its senior only (NotFound for anyone else)."""
    invitation = session.scalar(
        sa.select(Invitation)
        .where(Invitation.id == invitation_id, sa.or_(Invitation.intern_id == user_id, Invitation.senior_id == user_id))
        .options(selectinload(Invitation.event), selectinload(Invitation.senior), selectinload(Invitation.intern))
    )
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation


def answer(
    session: Session,
    intern: User,
    invitation_id: int,
    going: bool,
    *,
    links: InvitationLinks | None = None,
    event_links: EventLinks | None = None,
) -> Invitation:
    """The intern answers once: going is their RSVP (or a place on the
    waitlist), saved with the answer; the senior is told either way."""
    invitation = invitation_for(session, intern.id, invitation_id)
    if invitation.intern_id != intern.id:
        raise NotFound("No such invitation.")
    _check_open(invitation, utcnow())
    links = links or InvitationLinks()
    try:
        if going:
            rsvps.respond(
                session,
                intern,
                invitation.event_id,
                RsvpState.GOING,
                links=event_links,
                within=lambda s, rsvp: _settle(s, invitation_id, intern.id, rsvp.state, links),
            )
        else:
            begin_write(session)
            lock_event(session, invitation.event_id)  # the lock order of going: the event, then the invitation
            _settle(session, invitation_id, intern.id, None, links)
            session.commit()
    except DomainError:
        session.rollback()
        raise
    return invitation_for(session, intern.id, invitation_id)


def _check_open(invitation: Invitation, now: datetime) -> None:
    if invitation.state != InvitationState.SENT:
        raise DomainError(f"You already answered this invitation: {invitation.label.lower()}.")
    reason = _refusal(invitation.event, now)
    if reason:
        raise DomainError(f"{reason} The invitation can no longer be answered.")


def _settle(session: Session, invitation_id: int, intern_id: int, seat: str | None, links: InvitationLinks) -> None:
    """Record the answer under a lock on the invitation (a second answer
    at the same moment finds it answered), and announce it."""
    invitation = session.scalar(
        locked(
            sa.select(Invitation).where(Invitation.id == invitation_id, Invitation.intern_id == intern_id), Invitation
        )
    )
    if invitation is None:
        raise NotFound("No such invitation.")
    now = utcnow()
    _check_open(invitation, now)
    invitation.state = InvitationState.GOING if seat else InvitationState.NOT_GOING
    invitation.answered_at = now
    session.flush()
    signals.invitation_answered.send(invitation, session=session, links=links, seat=seat)


def sent_by(session: Session, senior_id: int, intern_id: int | None = None, limit: int = 20) -> list[Invitation]:
    """The senior's invitations, newest first (to one intern, if given)."""
    stmt = (
        sa.select(Invitation)
        .where(Invitation.senior_id == senior_id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(limit)
        .options(selectinload(Invitation.event), selectinload(Invitation.intern))
    )
    if intern_id is not None:
        stmt = stmt.where(Invitation.intern_id == intern_id)
    return list(session.scalars(stmt))


def going_ids(session: Session, user_id: int, event_ids: list[int]) -> set[int]:
    """Which of these events the member is going to."""
    if not event_ids:
        return set()
    return set(
        session.scalars(
            sa.select(Rsvp.event_id).where(
                Rsvp.user_id == user_id, Rsvp.event_id.in_(event_ids), Rsvp.state == RsvpState.GOING
            )
        )
    )
