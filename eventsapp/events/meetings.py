"""A series' meetings, and what cancelling one (or it and the following
ones) would touch, so the organizer can confirm knowing it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload

from eventsapp.errors import NotFound
from eventsapp.events.models import Event, EventStatus, Series
from eventsapp.events.notices import INTERESTED
from eventsapp.rsvps.models import Rsvp


@dataclass(frozen=True)
class SeriesPage:
    series: Series
    meetings: list[Event]

    @property
    def title(self) -> str:
        """The series goes by its first meeting's title."""
        return self.meetings[0].title if self.meetings else "Recurring meeting"


def series_page(session: Session, series_id: int) -> SeriesPage:
    """The series and every meeting of it, in date order: two queries."""
    series = session.get(Series, series_id)
    if series is None:
        raise NotFound("No such series.")
    meetings = list(session.scalars(sa.select(Event).where(Event.series_id == series_id)
                                    .order_by(Event.starts_at, Event.id).options(lazyload(Event.organizer))))
    return SeriesPage(series, meetings)


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
    later = list(session.scalars(sa.select(Event.id).where(
        Event.series_id == event.series_id, Event.recurrence_id > event.recurrence_id,
        Event.status != EventStatus.CANCELLED, Event.ends_at >= now)))
    return CancelPreview(answered, 1 + len(later), _people_told(session, [event.id, *later]))


def _people_told(session: Session, event_ids: list[int]) -> int:
    """How many people answered these events (but 'not going'): each is told once."""
    return session.scalar(sa.select(sa.func.count(sa.distinct(Rsvp.user_id)))
                          .where(Rsvp.event_id.in_(event_ids), Rsvp.state.in_(INTERESTED))) or 0
