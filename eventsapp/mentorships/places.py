"""The events a meeting may be logged at: those either member was going to
within the last LOG_BACK, up to today (the log form's list)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.events.models import Event, EventStatus
from eventsapp.mentorships.models import Mentorship
from eventsapp.rsvps.models import Rsvp, RsvpState

LOG_BACK = timedelta(days=365)
#: The longest list offered (the most recent first).
EVENTS_SHOWN = 60


class EventChoice(NamedTuple):
    id: int
    title: str
    starts_at: datetime


def meeting_events(session: Session, mentorship: Mentorship, today: date) -> list[EventChoice]:
    members = [m for m in (mentorship.intern_id, mentorship.mentor_id) if m is not None]
    # (A day's margin each way: `today` is the member's, the times UTC.)
    first = datetime.combine(today - LOG_BACK - timedelta(days=1), time(), UTC)
    last = datetime.combine(today + timedelta(days=1), time(), UTC)
    going = sa.select(Rsvp.event_id).where(Rsvp.user_id.in_(members), Rsvp.state == RsvpState.GOING)
    rows = session.execute(
        sa.select(Event.id, Event.title, Event.starts_at)
        .where(
            Event.id.in_(going),
            Event.status != EventStatus.CANCELLED,
            Event.starts_at >= first,
            Event.starts_at < last,
        )
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(EVENTS_SHOWN)
    )
    return [EventChoice(*row) for row in rows]
