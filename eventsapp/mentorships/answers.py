"""Did you meet? Each member of an accepted introduction answers once (an
answer may change until they meet); "we met" from either side makes the
introduction a mentorship, one per introduction however many answer at once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotFound
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.mentorships import signals
from eventsapp.mentorships.links import ON_SITE, MentorshipLinks
from eventsapp.mentorships.models import Answer, Mentorship, MetAnswer
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write

CLOSED = "This mentorship was closed on {day}; nothing was changed."
NOT_CONNECTED = "You and {name} are not connected, so there is nothing to answer; nothing was changed."


def introduction_of(session: Session, user_id: int, request_id: int, *, lock: bool = False) -> IntroRequest:
    """The introduction, if the member is one of its two people (else NotFound)."""
    statement = sa.select(IntroRequest).where(IntroRequest.id == request_id)
    if lock:
        statement = statement.with_for_update()
    request = session.scalar(statement.options(selectinload(IntroRequest.requester), selectinload(IntroRequest.senior)))
    if request is None or user_id not in (request.requester_id, request.senior_id):
        raise NotFound("No such introduction.")
    return request


def mentorship_of_request(session: Session, request_id: int) -> Mentorship | None:
    return session.scalar(sa.select(Mentorship).where(Mentorship.intro_request_id == request_id))


def my_answer(session: Session, user_id: int, request_id: int) -> str | None:
    return session.scalar(
        sa.select(MetAnswer.answer).where(MetAnswer.intro_request_id == request_id, MetAnswer.user_id == user_id)
    )


def refusal(request: IntroRequest, mentorship: Mentorship | None, user_id: int) -> str | None:
    """Why this introduction can no longer be answered, in words; None if it can."""
    if mentorship is not None and not mentorship.is_active:
        return CLOSED.format(day=f"{mentorship.closed_at:%d %b %Y}")
    if request.status != RequestStatus.ACCEPTED:
        other = request.senior if user_id == request.requester_id else request.requester
        return NOT_CONNECTED.format(name=other.name)
    return None


def answer_met(
    session: Session,
    user: User,
    request_id: int,
    answer: str,
    now: datetime | None = None,
    *,
    links: MentorshipLinks = ON_SITE,
) -> Mentorship | None:
    """Record the member's answer; returns the mentorship if there is one
    now. Two answers at once are serialised on the introduction's row; the
    unique introduction of a mentorship catches whatever slips past (the
    loser's answer is then recorded against the winner's mentorship)."""
    if answer not in Answer.ALL:
        raise DomainError("Choose one of the answers.", field="answer")
    now = now or utcnow()
    for attempt in (1, 2):
        try:
            return _answer_once(session, user, request_id, answer, now, links)
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise
    return None  # (not reached)


def _answer_once(session, user, request_id, answer, now, links) -> Mentorship | None:
    begin_write(session)
    request = introduction_of(session, user.id, request_id, lock=True)
    mentorship = mentorship_of_request(session, request.id)
    reason = refusal(request, mentorship, user.id)
    if reason:
        raise DomainError(reason)
    mine = session.scalar(
        sa.select(MetAnswer).where(MetAnswer.intro_request_id == request.id, MetAnswer.user_id == user.id)
    )
    if mine is None:
        session.add(MetAnswer(intro_request_id=request.id, user_id=user.id, answer=answer, answered_at=now))
    elif mine.answer != Answer.MET:  # "we met" stays said
        mine.answer, mine.answered_at = answer, now
    if answer == Answer.MET and mentorship is None:
        mentorship = Mentorship(
            intro_request_id=request.id,
            intern_id=request.requester_id,
            mentor_id=request.senior_id,
            started_at=now,
            updated_at=now,
        )
        session.add(mentorship)
        session.flush()
        mentorship.intern, mentorship.mentor = request.requester, request.senior
        signals.mentorship_started.send(mentorship, session=session, links=links, by=user)
    session.commit()
    return mentorship
