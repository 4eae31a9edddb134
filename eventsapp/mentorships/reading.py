"""What the pages show of mentorships, read in bounded queries. A private
note is only ever read for its author."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import User
from eventsapp.events.models import Event
from eventsapp.mentorships.models import Meeting, MeetingNote, Mentorship, MentorshipStatus, MetAnswer
from eventsapp.mentorships.places import EventChoice, meeting_events
from eventsapp.mentorships.services import mentorship_for


def my_mentorships(session: Session, user_id: int) -> list[Mentorship]:
    """The member's mentorships, active ones first, newest first."""
    return list(
        session.scalars(
            sa.select(Mentorship)
            .where(sa.or_(Mentorship.intern_id == user_id, Mentorship.mentor_id == user_id))
            .order_by((Mentorship.status == MentorshipStatus.ACTIVE).desc(), Mentorship.started_at.desc())
            .options(selectinload(Mentorship.intern), selectinload(Mentorship.mentor))
        )
    )


@dataclass(frozen=True)
class ActiveMentorship:
    id: int
    is_mentor: bool  # the member mentors the other
    other_name: str | None  # None: the other left
    next_meeting_at: datetime | None


def active_mentorships(session: Session, user_id: int) -> list[ActiveMentorship]:
    """The member's active mentorships with the other's name, newest
    first; one query (the home page lists them)."""
    other_id = sa.case((Mentorship.intern_id == user_id, Mentorship.mentor_id), else_=Mentorship.intern_id)
    rows = session.execute(
        sa.select(Mentorship.id, Mentorship.mentor_id, Mentorship.next_meeting_at, User.name)
        .outerjoin(User, User.id == other_id)
        .where(
            sa.or_(Mentorship.intern_id == user_id, Mentorship.mentor_id == user_id),
            Mentorship.status == MentorshipStatus.ACTIVE,
        )
        .order_by(Mentorship.started_at.desc(), Mentorship.id.desc())
    )
    return [ActiveMentorship(r.id, r.mentor_id == user_id, r.name, r.next_meeting_at) for r in rows]


@dataclass
class MentorshipPage:
    mentorship: Mentorship
    meetings: list[Meeting]
    event_titles: dict[int, str]  # event id -> title, for the meetings held at one
    my_notes: dict[int, str]  # meeting id -> the viewer's own note
    events: list[EventChoice]  # where a meeting may be logged


def page_of(session: Session, user_id: int, mentorship_id: int, today: date) -> MentorshipPage:
    mentorship = mentorship_for(session, user_id, mentorship_id)
    meetings = list(
        session.scalars(
            sa.select(Meeting)
            .where(Meeting.mentorship_id == mentorship.id)
            .order_by(Meeting.met_on.desc(), Meeting.id.desc())
        )
    )
    ids = [m.id for m in meetings]
    notes = dict(
        session.execute(
            sa.select(MeetingNote.meeting_id, MeetingNote.text).where(
                MeetingNote.author_id == user_id, MeetingNote.meeting_id.in_(ids)
            )
        ).all()
    ) if ids else {}  # fmt: skip
    event_ids = {m.event_id for m in meetings if m.event_id}
    titles = (
        dict(session.execute(sa.select(Event.id, Event.title).where(Event.id.in_(event_ids))).all())
        if event_ids
        else {}
    )
    events = meeting_events(session, mentorship, today) if mentorship.is_active else []
    return MentorshipPage(mentorship, meetings, titles, notes, events)


@dataclass(frozen=True)
class IntroductionState:
    answer: str | None  # the viewer's answer to "did you meet?"
    mentorship_id: int | None


def introduction_states(session: Session, user_id: int, request_ids: list[int]) -> dict[int, IntroductionState]:
    """For the introductions page: the viewer's answer and the mentorship,
    per connection (two queries)."""
    if not request_ids:
        return {}
    answers = dict(
        session.execute(
            sa.select(MetAnswer.intro_request_id, MetAnswer.answer).where(
                MetAnswer.user_id == user_id, MetAnswer.intro_request_id.in_(request_ids)
            )
        ).all()
    )
    mentorships = dict(
        session.execute(
            sa.select(Mentorship.intro_request_id, Mentorship.id).where(Mentorship.intro_request_id.in_(request_ids))
        ).all()
    )
    return {r: IntroductionState(answers.get(r), mentorships.get(r)) for r in request_ids}
