"""The demo's mentorships, one at each stage, so that a newcomer sees them:
Maya's active one with meetings (her login), Tomás's just begun, a pair
introduced but not met yet, a quiet one, and a closed one. (The requests
still waiting are seed_introductions'.)"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.demo.introductions import demo_cast
from eventsapp.demo.people import DemoPerson
from eventsapp.events.models import Event, EventStatus
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.mentorships.models import (
    CloseReason,
    Invitation,
    Meeting,
    MeetingNote,
    Mentorship,
    MentorshipStatus,
    MetAnswer,
)
from eventsapp.rsvps.models import Rsvp
from eventsapp.timeutil import utcnow

DAY = timedelta(days=1)


def _connection(session, requester, senior, asked: datetime, status=RequestStatus.ACCEPTED) -> IntroRequest:
    request = session.scalar(
        sa.select(IntroRequest).where(IntroRequest.requester_id == requester.id, IntroRequest.senior_id == senior.id)
    )
    if request is None:
        request = IntroRequest(requester_id=requester.id, senior_id=senior.id, message="Could we meet?")
        session.add(request)
    request.status, request.created_at, request.expires_at = status, asked, asked + 14 * DAY
    request.responded_at = asked + DAY
    session.flush()
    return request


def _mentorship(session, request, started: datetime, *, said_met_by: User, **fields) -> Mentorship:
    mentorship = Mentorship(
        intro_request_id=request.id,
        intern_id=request.requester_id,
        mentor_id=request.senior_id,
        started_at=started,
        updated_at=started,
        **fields,
    )
    session.add(mentorship)
    session.add(MetAnswer(intro_request_id=request.id, user_id=said_met_by.id, answer="met", answered_at=started))
    session.flush()
    return mentorship


def _meeting(session, mentorship, day, place, by: User, notes: dict) -> None:
    meeting = Meeting(mentorship_id=mentorship.id, met_on=day, place=place, logged_by_id=by.id, logged_at=utcnow())
    session.add(meeting)
    session.flush()
    for author, text in notes.items():
        session.add(MeetingNote(meeting_id=meeting.id, author_id=author.id, text=text, written_at=utcnow()))


def _invitation(session, senior: User, intern: User, now: datetime) -> None:
    """The senior invites the intern to the soonest upcoming event he is going to."""
    event = session.scalar(
        sa.select(Event)
        .join(Rsvp, Rsvp.event_id == Event.id)
        .where(Rsvp.user_id == senior.id, Rsvp.state == "going", Event.status == EventStatus.SCHEDULED)
        .where(Event.starts_at > now + DAY)
        .order_by(Event.starts_at)
        .limit(1)
    )
    if event is not None:
        note = "I'll be there: come and find me afterwards, we can talk about your goals."
        session.add(Invitation(event_id=event.id, senior_id=senior.id, intern_id=intern.id, note=note, created_at=now))


def seed_mentorships(session: Session, people: list[DemoPerson]) -> int:
    """Only into a database that has no mentorship yet (and has the demo's introductions)."""
    if session.scalar(sa.select(sa.func.count()).select_from(Mentorship)):
        return 0
    maya, tomas, interns, seniors = demo_cast(session, people)
    now = utcnow()
    today = now.date()
    # Maya: active for seven weeks, goals written, two meetings, the next one planned.
    active = _mentorship(
        session,
        _connection(session, maya, seniors[0], now - 60 * DAY),
        now - 50 * DAY,
        said_met_by=maya,
        goals="Start a small heart-failure research project this year, and decide between cardiology "
        "and critical care before fellowship applications.",
        goals_comment="Good plan. Join our Thursday research huddle first; we'll pick a question together.",
        next_meeting_at=datetime.combine(today + 10 * DAY, time(17, 30), tzinfo=now.tzinfo),
        next_meeting_zone="UTC",
        next_meeting_place="Cafeteria, level 2",
        next_meeting_sequence=1,
    )
    _meeting(session, active, today - 50 * DAY, "coffee", maya, {maya: "Ask about the echo course next time."})
    _meeting(session, active, today - 20 * DAY, "video", seniors[0], {})
    # Tomás: a mentorship that began yesterday, when the intern answered "we met"; he invited her to an event.
    _mentorship(session, _connection(session, interns[2], tomas, now - 6 * DAY), now - DAY, said_met_by=interns[2])
    _invitation(session, tomas, interns[2], now)
    # Introduced three weeks ago, not met yet: one has a plan.
    introduced = _connection(session, interns[3], seniors[2], now - 21 * DAY)
    session.add(MetAnswer(intro_request_id=introduced.id, user_id=interns[3].id, answer="plan", answered_at=now))
    # Quiet: nothing logged for over three months.
    quiet = _mentorship(
        session, _connection(session, interns[4], seniors[3], now - 130 * DAY), now - 120 * DAY, said_met_by=seniors[3]
    )
    _meeting(session, quiet, today - 100 * DAY, "on_shift", seniors[3], {})
    # Closed with thanks.
    closed_request = _connection(session, interns[5], seniors[1], now - 200 * DAY, RequestStatus.ENDED)
    _mentorship(
        session,
        closed_request,
        now - 190 * DAY,
        said_met_by=interns[5],
        status=MentorshipStatus.CLOSED,
        closed_at=now - 10 * DAY,
        closed_by_id=interns[5].id,
        close_reason=CloseReason.GOALS_MET,
        thank_you="Thank you for the months of advice; I matched in cardiology!",
    )
    session.commit()
    return 4
