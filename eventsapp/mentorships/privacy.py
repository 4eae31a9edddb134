"""A member's mentorship data: what their download holds, and what their
account's deletion does (their notes go; the other member is told)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import User
from eventsapp.mentorships import signals
from eventsapp.mentorships.links import ON_SITE
from eventsapp.mentorships.models import (
    CloseReason,
    FollowUpOff,
    Invitation,
    MeetingNote,
    Mentorship,
    MentorshipStatus,
    MetAnswer,
)
from eventsapp.mentorships.services import end_mentorship
from eventsapp.timeutil import utcnow


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def member_data(session: Session, user: User) -> dict:
    """Everything of the member's in mentorships: their answers, each
    mentorship with its log, and their own notes (never the other's)."""
    answers = session.scalars(sa.select(MetAnswer).where(MetAnswer.user_id == user.id).order_by(MetAnswer.id))
    mentorships = list(
        session.scalars(
            sa.select(Mentorship)
            .where(sa.or_(Mentorship.intern_id == user.id, Mentorship.mentor_id == user.id))
            .order_by(Mentorship.id)
            .options(
                selectinload(Mentorship.intern), selectinload(Mentorship.mentor), selectinload(Mentorship.meetings)
            )
        )
    )
    notes = dict(
        session.execute(
            sa.select(MeetingNote.meeting_id, MeetingNote.text).where(MeetingNote.author_id == user.id)
        ).all()
    )
    return {
        "did_you_meet_answers": [{"answer": a.answer, "answered_at": _iso(a.answered_at)} for a in answers],
        "mentorships": [_mentorship(m, user.id, notes) for m in mentorships],
        "reminders_turned_off": sorted(
            session.scalars(sa.select(FollowUpOff.kind).where(FollowUpOff.user_id == user.id))
        ),
        "event_invitations": _invitations(session, user.id),
    }


def _invitations(session: Session, user_id: int) -> list[dict]:
    """Invitations to events the member sent or received."""
    rows = session.scalars(
        sa.select(Invitation)
        .where(sa.or_(Invitation.senior_id == user_id, Invitation.intern_id == user_id))
        .order_by(Invitation.id)
        .options(selectinload(Invitation.event), selectinload(Invitation.senior), selectinload(Invitation.intern))
    )
    return [
        {
            "role": "sent" if i.senior_id == user_id else "received",
            "with": (i.intern if i.senior_id == user_id else i.senior).name,
            "event": i.event.title,
            "note": i.note,
            "state": i.state,
            "sent_at": _iso(i.created_at),
            "answered_at": _iso(i.answered_at),
        }
        for i in rows
    ]


def _mentorship(m: Mentorship, user_id: int, notes: dict[int, str]) -> dict:
    other = m.other(user_id)
    return {
        "role": "intern" if m.intern_id == user_id else "mentor",
        "with": other.name if other else None,
        "status": m.status,
        "started_at": _iso(m.started_at),
        "goals": m.goals,
        "goals_comment": m.goals_comment,
        "rhythm": m.rhythm,
        "next_meeting_at": _iso(m.next_meeting_at),
        "next_meeting_place": m.next_meeting_place,
        "closed_at": _iso(m.closed_at),
        "close_reason": m.close_reason,
        "thank_you": m.thank_you,
        "meetings": [
            {"met_on": _iso(mt.met_on), "place": mt.place, "my_note": notes.get(mt.id)}
            for mt in sorted(m.meetings, key=lambda mt: (mt.met_on, mt.id))
        ],
    }


def leave(session: Session, leaving: User, now: datetime | None = None, *, links=ON_SITE) -> int:
    """The member is deleting their account: their notes go now, and each
    of their active mentorships closes, the other member told. (Their
    side of every mentorship empties when the account row goes.)"""
    now = now or utcnow()
    session.execute(
        sa.delete(MeetingNote).where(MeetingNote.author_id == leaving.id).execution_options(synchronize_session=False)
    )
    active = list(
        session.scalars(
            sa.select(Mentorship)
            .where(
                sa.or_(Mentorship.intern_id == leaving.id, Mentorship.mentor_id == leaving.id),
                Mentorship.status == MentorshipStatus.ACTIVE,
            )
            .options(selectinload(Mentorship.intern), selectinload(Mentorship.mentor))
        )
    )
    for mentorship in active:
        end_mentorship(session, mentorship, now, CloseReason.LEFT, by_id=leaving.id)
        signals.member_left.send(mentorship, session=session, links=links, by=leaving)
    return len(active)
