"""A speed-mentoring evening stored directly, seat by seat (the planning
service is tested on its own): for the participants' pages and follow-ups."""

from __future__ import annotations

from datetime import datetime, timedelta

from eventsapp.extensions import db
from eventsapp.speed.models import SpeedSeat, SpeedSession
from eventsapp.timeutil import utcnow


def make_speed_session(event, *, rounds=3, round_minutes=8, break_minutes=2, tables=2, seats_per_table=2, **fields):
    speed = SpeedSession(
        event_id=event.id,
        rounds=rounds,
        round_minutes=round_minutes,
        break_minutes=break_minutes,
        tables=tables,
        seats_per_table=seats_per_table,
        **fields,
    )
    db.session.add(speed)
    db.session.commit()
    return speed


def seat(speed, round_no, table_no, senior, intern, *, score=2.0, reason="You share Cardiology"):
    row = SpeedSeat(
        session_id=speed.id,
        round=round_no,
        table_no=table_no,
        senior_id=senior.id,
        intern_id=intern.id,
        score=score,
        reason=reason,
    )
    db.session.add(row)
    db.session.commit()
    return row


def mark_planned(speed, at: datetime | None = None):
    speed.planned_at = at or utcnow()
    db.session.commit()


def start_round(speed, number: int, at: datetime):
    """The organizer started round `number` at `at`."""
    speed.current_round, speed.round_started_at = number, at
    speed.version += 1
    db.session.commit()


def in_minutes(at: datetime, minutes: float) -> datetime:
    return at + timedelta(minutes=minutes)
