"""Who hears about a cancellation: counted before the organizer confirms it,
for this event alone or with the meetings of its series after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.events.models import Event, EventStatus
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.states import INTERESTED


@dataclass(frozen=True)
class CancelPreview:
    """Who would be told: for this event alone, and for it and the meetings
    of its series after it that are still to come and not cancelled."""

    answered: int
    following_meetings: int = 1
    following_answered: int = 0


def cancel_preview(session: Session, event: Event, now: datetime) -> CancelPreview:
    answered = _people_told(session, [event.id])
    if not event.series_id:
        return CancelPreview(answered)
    later = list(
        session.scalars(
            sa.select(Event.id).where(
                Event.series_id == event.series_id,
                Event.recurrence_id > event.recurrence_id,
                Event.status != EventStatus.CANCELLED,
                Event.ends_at >= now,
            )
        )
    )
    return CancelPreview(answered, 1 + len(later), _people_told(session, [event.id, *later]))


def _people_told(session: Session, event_ids: list[int]) -> int:
    """How many people answered these events (but 'not going'): each is told once."""
    return (
        session.scalar(
            sa.select(sa.func.count(sa.distinct(Rsvp.user_id))).where(
                Rsvp.event_id.in_(event_ids), Rsvp.state.in_(INTERESTED)
            )
        )
        or 0
    )
