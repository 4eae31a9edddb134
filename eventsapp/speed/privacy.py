"""A member's speed-mentoring data, for their download: where they sat,
with whom and why (from what both show now, as the pages say it), and
their own answers about meeting again (never what others answered about
them)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from eventsapp.accounts.models import User
from eventsapp.events.models import Event
from eventsapp.speed import reasons
from eventsapp.speed.models import SpeedFollowUp, SpeedSeat, SpeedSession


def member_data(session: Session, user: User) -> dict:
    senior, intern, other = aliased(User), aliased(User), aliased(User)
    seats = session.execute(
        sa.select(
            Event.title,
            SpeedSeat.round,
            SpeedSeat.table_no,
            senior.name,
            intern.name,
            reasons.shared_shown(SpeedSeat.intern_id, SpeedSeat.senior_id),
        )
        .join(SpeedSession, SpeedSession.id == SpeedSeat.session_id)
        .join(Event, Event.id == SpeedSession.event_id)
        .join(senior, senior.id == SpeedSeat.senior_id)
        .join(intern, intern.id == SpeedSeat.intern_id)
        .where(sa.or_(SpeedSeat.senior_id == user.id, SpeedSeat.intern_id == user.id))
        .order_by(SpeedSession.id, SpeedSeat.round, SpeedSeat.id)
    )
    answers = session.execute(
        sa.select(Event.title, other.name, SpeedFollowUp.again, SpeedFollowUp.updated_at)
        .join(SpeedSession, SpeedSession.id == SpeedFollowUp.session_id)
        .join(Event, Event.id == SpeedSession.event_id)
        .join(other, other.id == SpeedFollowUp.to_id)
        .where(SpeedFollowUp.from_id == user.id)
        .order_by(SpeedFollowUp.id)
    )
    return {
        "seats": [
            {
                "event": title,
                "round": number,
                "table": table,
                "senior": s,
                "intern": i,
                "why": reasons.from_shared(shared),
            }
            for title, number, table, s, i, shared in seats
        ],
        "meet_again": [
            {"event": title, "about": name, "again": again, "answered_at": when.isoformat() if when else None}
            for title, name, again, when in answers
        ],
    }
