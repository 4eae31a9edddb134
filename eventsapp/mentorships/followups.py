"""The follow-ups the worker sends: "did you meet?" fourteen days after an
introduction was accepted and the day after an event both were going to;
a nudge when a mentorship's meeting is overdue for its rhythm; "carry on or
close?" after 90 days with nothing logged. Each is claimed by a key (kind,
member, occasion) before it is announced, so it goes once however often
and in however many workers the jobs run; none goes to a closed mentorship,
a deleted account, or a member who turned that kind off."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased, selectinload

from eventsapp.events.models import Event, EventStatus
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.mentorships import signals
from eventsapp.mentorships.links import ON_SITE, MentorshipLinks
from eventsapp.mentorships.models import (
    FollowUp,
    FollowUpKind,
    FollowUpOff,
    Meeting,
    Mentorship,
    MentorshipStatus,
    Rhythm,
)
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.transactions import begin_write

ASK_AFTER = timedelta(days=14)
#: An event "yesterday": ended at least this long ago, and not longer than AFTER_EVENT_UNTIL.
AFTER_EVENT_FROM, AFTER_EVENT_UNTIL = timedelta(hours=12), timedelta(days=3)
QUIET_AFTER = timedelta(days=90)


def _claim(session: Session, kind: str, user_id: int, ref: str, now: datetime) -> bool:
    """Record the follow-up as sent, unless it was (or the member turned the kind off)."""
    if session.get(FollowUpOff, (user_id, kind)) is not None:
        return False
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(FollowUp)
        .values(kind=kind, user_id=user_id, ref=ref, sent_at=now)
        .on_conflict_do_nothing()
        .returning(FollowUp.user_id)
    )
    return session.scalar(statement) is not None


def _unmet_connections():
    """Accepted introductions that are no mentorship yet."""
    return sa.and_(
        IntroRequest.status == RequestStatus.ACCEPTED,
        ~sa.exists().where(Mentorship.intro_request_id == IntroRequest.id),
    )


def ask_did_you_meet(session: Session, now: datetime, links: MentorshipLinks = ON_SITE) -> int:
    """Both people of each connection accepted 14 days ago or more, once;
    and of each connection whose two people were going to an event that
    ended yesterday, once per event. Commits; returns how many were asked."""
    begin_write(session)
    sent = 0
    due = session.scalars(
        sa.select(IntroRequest)
        .where(_unmet_connections(), IntroRequest.responded_at <= now - ASK_AFTER)
        .options(selectinload(IntroRequest.requester), selectinload(IntroRequest.senior))
    ).all()
    for request in due:
        sent += _ask_both(session, request, f"intro-{request.id}", now, links, event_title=None)
    theirs, mine = aliased(Rsvp), aliased(Rsvp)
    after_event = session.execute(
        sa.select(IntroRequest, Event.id, Event.title)
        .join(mine, sa.and_(mine.user_id == IntroRequest.requester_id, mine.state == RsvpState.GOING))
        .join(theirs, sa.and_(theirs.user_id == IntroRequest.senior_id, theirs.state == RsvpState.GOING))
        .join(Event, sa.and_(Event.id == mine.event_id, Event.id == theirs.event_id))
        .where(
            _unmet_connections(),
            Event.status != EventStatus.CANCELLED,
            Event.ends_at <= now - AFTER_EVENT_FROM,
            Event.ends_at > now - AFTER_EVENT_UNTIL,
            Event.ends_at > IntroRequest.responded_at,
        )
        .options(selectinload(IntroRequest.requester), selectinload(IntroRequest.senior))
    ).all()
    for request, event_id, title in after_event:
        sent += _ask_both(session, request, f"event-{request.id}-{event_id}", now, links, event_title=title)
    session.commit()
    return sent


def _ask_both(session, request: IntroRequest, ref: str, now, links, *, event_title: str | None) -> int:
    sent = 0
    for user, other in ((request.requester, request.senior), (request.senior, request.requester)):
        if _claim(session, FollowUpKind.DID_YOU_MEET, user.id, ref, now):
            signals.did_you_meet_due.send(
                request, session=session, links=links, user=user, other=other, event_title=event_title
            )
            sent += 1
    return sent


def _active_with_anchor():
    """Active mentorships with the date of their last meeting (the quiet began
    then, or at the start if later)."""
    last = (
        sa.select(sa.func.max(Meeting.met_on))
        .where(Meeting.mentorship_id == Mentorship.id)
        .correlate(Mentorship)
        .scalar_subquery()
    )
    return sa.select(Mentorship, last.label("last_met")).where(Mentorship.status == MentorshipStatus.ACTIVE)


def nudge_quiet_pairs(session: Session, now: datetime, links: MentorshipLinks = ON_SITE) -> int:
    """Overdue for their rhythm (and no meeting planned): a gentle nudge.
    90 days with nothing logged: carry on or close? Once per quiet spell
    (a meeting logged starts a new one). Commits; returns how many were sent."""
    begin_write(session)
    sent = 0
    rows = session.execute(
        _active_with_anchor().options(selectinload(Mentorship.intern), selectinload(Mentorship.mentor))
    ).all()
    for mentorship, last_met in rows:
        # A meeting before the start (the one that led to "we met") begins no spell of its own.
        start = mentorship.started_at.date()
        anchor = max(last_met, start) if last_met else start
        quiet_days = (now.date() - anchor).days
        planned = mentorship.next_meeting_at is not None and mentorship.next_meeting_at > now
        if quiet_days >= QUIET_AFTER.days:
            kind = FollowUpKind.QUIET
        elif quiet_days > Rhythm.DAYS[mentorship.rhythm] and not planned:
            kind = FollowUpKind.OVERDUE
        else:
            continue
        for user in (mentorship.intern, mentorship.mentor):
            if user is not None and _claim(session, kind, user.id, f"{mentorship.id}-{anchor.isoformat()}", now):
                signals.follow_up_due.send(mentorship, session=session, links=links, user=user, kind=kind)
                sent += 1
    session.commit()
    return sent


def turned_off(session: Session, user_id: int) -> set[str]:
    return set(session.scalars(sa.select(FollowUpOff.kind).where(FollowUpOff.user_id == user_id)))


def set_follow_ups(session: Session, user_id: int, wanted: set[str]) -> None:
    """The kinds of follow-up the member wants; the others are turned off."""
    begin_write(session)
    session.execute(sa.delete(FollowUpOff).where(FollowUpOff.user_id == user_id))
    session.add_all(FollowUpOff(user_id=user_id, kind=k) for k in FollowUpKind.ALL if k not in wanted)
    session.commit()
